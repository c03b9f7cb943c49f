import { describe, expect, it } from "vitest";
import { parseIPv4 } from "./cryptopan";
import { learnHostNames, Redactor } from "./redactor";

const key = Buffer.alloc(32, 42);

describe("Redactor.text", () => {
  const r = new Redactor(key, { hostNames: ["node-a", "client"] });

  it("maps addresses in the forms the outputs print them", () => {
    const a = r.ip("10.210.0.1");
    expect(a).not.toBe("10.210.0.1");
    expect(r.text("LISTEN 17 16 10.210.0.1:8080 0.0.0.0:*")).toBe(`LISTEN 17 16 ${a}:8080 0.0.0.0:*`);
    expect(r.text("12:00:01.000001 IP 10.210.0.1.8080 > 10.210.0.2.40000: Flags [S]")).toBe(`12:00:01.000001 IP ${a}.8080 > ${r.ip("10.210.0.2")}.40000: Flags [S]`);
    expect(r.text("ESTAB 0 0 [::ffff:10.210.0.1]:8080 [::1]:1")).toBe(`ESTAB 0 0 [::ffff:${a}]:8080 [::1]:1`);
    expect(r.text("tcp6 0 0 :::22 :::* LISTEN")).toBe("tcp6 0 0 :::22 :::* LISTEN");
    const v6 = r.ip("2001:db8::1");
    expect(r.text("IP6 2001:db8::1.443 > ff02::1:2.547")).toBe(`IP6 ${v6}.443 > ff02::1:2.547`);
    expect(r.text("inet 10.210.0.1/24 brd 10.210.0.255 scope global eth0")).toMatch(/^inet \d+\.\d+\.\d+\.\d+\/24 brd \d+\.\d+\.\d+\.\d+ scope global eth0$/);
  });

  it("keeps a network a network and preserves prefixes", () => {
    const net = r.text("10.244.0.0/16 dev cni0 proto kernel");
    const m = /^(\S+)\/16/.exec(net)!;
    const n = parseIPv4(m[1]!)!;
    expect(n & 0xffff).toBe(0);
    const inside = parseIPv4(r.ip("10.244.1.3"))!;
    expect(inside >>> 16).toBe(n >>> 16);
    expect(r.text("default via 10.0.0.1 dev eth0")).toContain(r.ip("10.0.0.1"));
  });

  it("leaves special addresses, times and versions alone", () => {
    for (const s of ["127.0.0.1", "0.0.0.0", "255.255.255.0", "169.254.169.254", "224.0.0.251", "::1", "::", "ff02::1"]) expect(r.text(`x ${s} y`)).toBe(`x ${s} y`);
    expect(r.text("17:59:15 up 3 days, kernel 6.18.44, net.ipv4.tcp_rmem = 4096 131072 6291456")).toBe("17:59:15 up 3 days, kernel 6.18.44, net.ipv4.tcp_rmem = 4096 131072 6291456");
  });

  it("maps MACs (not broadcast or multicast) and link-local interface ids", () => {
    const out = r.text("link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff");
    expect(out).toMatch(/^link\/ether ([0-9a-f]{2}:){5}[0-9a-f]{2} brd ff:ff:ff:ff:ff:ff$/);
    expect(out).not.toContain("02:42:ac:11:00:02");
    expect(r.text("01:00:5e:00:00:01")).toBe("01:00:5e:00:00:01");
    const ll = r.text("inet6 fe80::42:acff:fe11:2/64 scope link");
    expect(ll).toMatch(/^inet6 fe80::[0-9a-f:]+\/64 scope link$/);
    expect(ll).not.toContain("acff:fe11");
  });

  it("replaces host names: hostname-like ones in text, plain words only in paths", () => {
    const t = r.text("node-a kernel: martian source from node-a.cluster.local; client: 10.0.0.1, server: _");
    expect(t).not.toContain("node-a");
    expect(t).toContain(`${r.host("node-a")}.cluster.local`);
    expect(t).toContain("client: ");
    expect(r.path("client/ip-route-get-10.0.0.5.txt")).toBe(`${r.host("client")}/ip-route-get-${r.ip("10.0.0.5")}.txt`);
    const r2 = new Redactor(key);
    for (const h of learnHostNames("kernel.domainname = (none)\nkernel.hostname = vm\n")) r2.addHostName(h, true);
    expect(r2.text("Linux vm 6.18.44")).toBe(`Linux ${r2.host("vm")} 6.18.44`);
  });

  it("is consistent across instances with one key, and differs with another key", () => {
    expect(new Redactor(key).ip("192.168.1.7")).toBe(r.ip("192.168.1.7"));
    expect(new Redactor(Buffer.alloc(32, 1)).ip("192.168.1.7")).not.toBe(r.ip("192.168.1.7"));
  });
});
