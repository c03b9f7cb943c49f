/**
 * Pure unit tests of each rule's arithmetic and gates on minimal hand-built HostEvidence. (The acceptance
 * evidence — lab bundles, seed bundles, corpus files read by the real parsers — is in diagnose.test.ts,
 * e2e/lab/lab.test.ts and seeds.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { emptyHost, type HostEvidence, type Interface } from "../../evidence/model";
import type { DiagnoseInput } from "../context";
import { diagnose } from "../diagnose";

const cite = (file: string, line = 1) => ({ file, line });
function host(name: string, patch: (h: HostEvidence) => void): HostEvidence {
  const h = emptyHost(name);
  patch(h);
  return h;
}
function iface(name: string, kind: Interface["kind"], mtu: number, extra: Partial<Interface> = {}): Interface {
  return { name, kind, mtu, cite: cite("ip-d-link.txt"), ...extra };
}
const sys = (h: HostEvidence, k: string, v: string) => (h.sysctls[k] = { value: v, cite: cite("sysctl-a.txt") });
const run = (input: Partial<DiagnoseInput>) => diagnose({ hosts: [], captures: [], ...input });
const finding = (a: ReturnType<typeof run>, id: string) => a.findings.find((f) => f.id === id);

describe("overlay_mtu_mismatch arithmetic", () => {
  const node = (vx: number, underlay = 1500, podMtu?: number) =>
    host("node", (h) => {
      h.interfaces.push(iface("eth0", "device", underlay), iface("flannel.1", "vxlan", vx, { vxlan: { id: 1, dstport: 8472, dev: "eth0" } }));
      if (podMtu) h.interfaces.push(iface("cni0", "bridge", podMtu), iface("veth1", "veth", podMtu, { master: "cni0" }));
      h.routes.push({ dst: "default", dev: "eth0", source: "table", cite: cite("ip-route.txt") });
    });
  it("flannel.1 at 1450 on a 1500 underlay, pods at 1450: fine", () => {
    expect(finding(run({ hosts: [node(1450, 1500, 1450)] }), "overlay_mtu_mismatch")).toBeUndefined();
  });
  it("flannel.1 at 1500 on a 1500 underlay: 50 bytes too many; the setting alone leads, a symptom confirms", () => {
    const a = run({ hosts: [node(1500)] });
    const f = finding(a, "overlay_mtu_mismatch");
    expect(f?.evidence[0]?.fact).toContain("leaves only 1450");
    // a definite misconfiguration, but nothing in the evidence shows it hurt: the leading hypothesis
    expect(f?.basis).toBe("configuration");
    expect(a.rootCause).toBe("none");
    expect(a.leading?.id).toBe("overlay_mtu_mismatch");
    expect(a.leading?.next.some((n) => /ping -M do .*-s 1422/.test(n.command))).toBe(true);
    const withFragFails = node(1500);
    withFragFails.counters["Ip.FragFails"] = { value: 15, cite: cite("nstat-after.txt", 3) };
    withFragFails.deltas.push({ name: "Ip.FragFails", from: 0, to: 15, delta: 15, fromCite: cite("nstat-before.txt", 3), toCite: cite("nstat-after.txt", 3) });
    const b = run({ hosts: [withFragFails] });
    expect(b.rootCause).toBe("overlay_mtu_mismatch");
    expect(b.leading).toBeNull();
  });
  it("flannel.1 at 1450 on a 1450 underlay (OpenStack): too big by 50", () => {
    expect(finding(run({ hosts: [node(1450, 1450)] }), "overlay_mtu_mismatch")?.evidence[0]?.fact).toContain("leaves only 1400");
  });
  it("pods at 1500 behind a correct 1450 overlay: the pod side is the fault", () => {
    const f = finding(run({ hosts: [node(1450, 1500, 1500)] }), "overlay_mtu_mismatch");
    expect(f?.evidence.some((e) => e.fact.includes("larger than the overlay MTU 1450"))).toBe(true);
  });
  it("Cilium: eth0 1500 with route mtu 1450 is not a misconfiguration", () => {
    const h = host("pod", (x) => {
      x.interfaces.push(iface("eth0", "device", 1500), iface("cilium_vxlan", "vxlan", 1500, { vxlan: { id: 2, dstport: 8472 } }), iface("lxc1", "veth", 1500));
      x.routes.push({ dst: "default", dev: "eth0", source: "table", cite: cite("ip-route.txt") }, { dst: "10.0.0.0/8", dev: "cilium_host", mtu: 1450, source: "table", cite: cite("ip-route.txt", 2) });
    });
    expect(finding(run({ hosts: [h] }), "overlay_mtu_mismatch")).toBeUndefined();
  });
  it("Cilium with a route mtu 1500 over VXLAN is flagged", () => {
    const h = host("node", (x) => {
      x.interfaces.push(iface("eth0", "device", 1500), iface("cilium_vxlan", "vxlan", 1500, { vxlan: { id: 2, dstport: 8472 } }));
      x.routes.push({ dst: "default", dev: "eth0", source: "table", cite: cite("ip-route.txt") }, { dst: "10.0.0.0/8", dev: "cilium_host", mtu: 1500, source: "table", cite: cite("ip-route.txt", 2) });
    });
    const a = run({ hosts: [h] });
    expect(finding(a, "overlay_mtu_mismatch")?.evidence[0]?.fact).toMatch(/route 10\.0\.0\.0\/8 .*mtu 1500/);
    expect(a.leading?.id).toBe("overlay_mtu_mismatch");
  });
  it("Calico WireGuard needs 60, flannel WireGuard 80", () => {
    const mk = (name: string, mtu: number) => host("n", (x) => {
      x.interfaces.push(iface("eth0", "device", 1500), iface(name, "wireguard", mtu));
      x.routes.push({ dst: "default", dev: "eth0", source: "table", cite: cite("ip-route.txt") });
    });
    expect(finding(run({ hosts: [mk("wireguard.cali", 1440)] }), "overlay_mtu_mismatch")).toBeUndefined();
    expect(finding(run({ hosts: [mk("flannel-wg", 1440)] }), "overlay_mtu_mismatch")).toBeDefined();
  });
});

describe("tw_recycle_nat_paws version gate", () => {
  const h = (kernel: string) => host("server", (x) => {
    x.kernel = { value: kernel, cite: cite("uname-r.txt") };
    sys(x, "net.ipv4.tcp_tw_recycle", "1");
    sys(x, "net.ipv4.tcp_timestamps", "1");
  });
  it("fires on 3.10 with recycle=1: the leading hypothesis until PAWSPassive shows rejections", () => {
    const a = run({ hosts: [h("3.10.0-957.el7.x86_64")] });
    expect(a.rootCause).toBe("none");
    expect(a.leading?.id).toBe("tw_recycle_nat_paws");
    expect(a.leading?.next.map((n) => n.command).join("\n")).toContain("TcpExtPAWSPassive");
    const x = h("3.10.0-957.el7.x86_64");
    x.counters["TcpExt.PAWSPassive"] = { value: 18917, cite: cite("netstat-s.txt", 40) };
    expect(run({ hosts: [x] }).rootCause).toBe("tw_recycle_nat_paws");
  });
  it("cannot fire on ≥ 4.12", () => {
    const a = run({ hosts: [h("4.15.0-20-generic")] });
    expect(finding(a, "tw_recycle_nat_paws")).toBeUndefined();
    expect(a.checked.find((c) => c.id === "tw_recycle_nat_paws")?.result).toContain("≥ 4.12");
  });
  it("timestamps off: recycle cannot reject", () => {
    const x = h("3.10.0");
    sys(x, "net.ipv4.tcp_timestamps", "0");
    expect(finding(run({ hosts: [x] }), "tw_recycle_nat_paws")?.confidence ?? 0).toBeLessThan(0.5);
  });
});

describe("port_range_nodeport_collision", () => {
  const node = (range: string, reserved?: string) => host("node-1", (x) => {
    sys(x, "net.ipv4.ip_local_port_range", range);
    if (reserved !== undefined) sys(x, "net.ipv4.ip_local_reserved_ports", reserved);
  });
  it("the kernel default range does not overlap", () => {
    expect(finding(run({ hosts: [node("32768\t60999")] }), "port_range_nodeport_collision")).toBeUndefined();
  });
  it("1024 65535 overlaps; with K8s ≥ 1.24 and a 31.7 s latency it becomes the root cause", () => {
    const a = run({ hosts: [node("1024 65535")], latencies: [31.7], context: { kubernetesVersion: "1.24.3" } });
    expect(finding(a, "port_range_nodeport_collision")?.confidence).toBeGreaterThanOrEqual(0.5);
  });
  it("overlap alone stays below the threshold, and is weaker on 1.20 (kube-proxy still held the ports)", () => {
    const plain = finding(run({ hosts: [node("1024 65535")] }), "port_range_nodeport_collision")!;
    const old = finding(run({ hosts: [node("1024 65535")], context: { kubernetesVersion: "1.20.4" } }), "port_range_nodeport_collision")!;
    expect(plain.confidence).toBeLessThan(0.5);
    expect(old.confidence).toBeLessThan(plain.confidence);
  });
  it("ip_local_reserved_ports=30000-32767 removes the overlap", () => {
    expect(finding(run({ hosts: [node("1024 65535", "30000-32767")] }), "port_range_nodeport_collision")?.confidence ?? 0).toBeLessThan(0.2);
  });
  it("a custom NodePort range is honoured", () => {
    expect(finding(run({ hosts: [node("32768 60999")], context: { nodePortRange: [40000, 42000] } }), "port_range_nodeport_collision")).toBeDefined();
  });
});

describe("bridge_subnet_collision", () => {
  it("docker0 172.17/16 alone is normal", () => {
    const h = host("h", (x) => {
      x.routes.push({ dst: "172.17.0.0/16", dev: "docker0", proto: "kernel", scope: "link", source: "table", cite: cite("ip-route.txt") });
      x.routes.push({ dst: "10.0.0.0/24", dev: "eth0", proto: "kernel", scope: "link", source: "table", cite: cite("ip-route.txt", 2) });
    });
    expect(finding(run({ hosts: [h] }), "bridge_subnet_collision")).toBeUndefined();
  });
  it("ip route get to an upstream the proxy failed to reach leaves through docker0", () => {
    const h = host("gw", (x) => {
      x.routes.push({ dst: "172.17.0.0/16", dev: "docker0", source: "table", cite: cite("ip-route.txt") });
      x.routes.push({ dst: "172.17.8.20", dev: "docker0", src: "172.17.0.1", source: "get", cite: cite("ip-route-get.txt") });
      x.logEvents.push({ kind: "upstream_timed_out", phase: "while connecting to upstream", upstream: "http://172.17.8.20:8080/", message: "upstream timed out", cite: cite("error.log", 3) });
    });
    const a = run({ hosts: [h] });
    expect(a.rootCause).toBe("bridge_subnet_collision");
  });
});

describe("rp_filter and bridge-nf", () => {
  it("Ubuntu's default rp_filter=2 is loose: no finding", () => {
    const h = host("u", (x) => { sys(x, "net.ipv4.conf.all.rp_filter", "2"); sys(x, "net.ipv4.conf.eth0.rp_filter", "2"); });
    expect(finding(run({ hosts: [h] }), "rp_filter_asymmetric_route")).toBeUndefined();
  });
  it("all=1 forces strict on every interface (the max is used), but alone stays weak", () => {
    const h = host("c", (x) => { sys(x, "net.ipv4.conf.all.rp_filter", "1"); sys(x, "net.ipv4.conf.eth1.rp_filter", "0"); });
    const f = finding(run({ hosts: [h] }), "rp_filter_asymmetric_route");
    expect(f?.evidence[0]?.fact).toContain("eth1");
    expect(f!.confidence).toBeLessThan(0.5);
  });
  it("bridge-nf-call-iptables=0 with pods on cni0 and kube Service rules is the root cause", () => {
    const h = host("node", (x) => {
      sys(x, "net.bridge.bridge-nf-call-iptables", "0");
      x.interfaces.push(iface("cni0", "bridge", 1450), iface("veth9", "veth", 1450, { master: "cni0" }));
      x.rules.push({ table: "nat", chain: "KUBE-SERVICES", kind: "dnat", text: "-A KUBE-SERVICES -d 10.96.0.10/32 -j KUBE-SVC-X", cite: cite("iptables-save.txt") });
    });
    const a = run({ hosts: [h] });
    expect(a.leading?.id).toBe("bridge_nf_call_iptables_disabled");
    expect(a.leading?.next.some((n) => n.host === "node" && /tcpdump -i cni0/.test(n.command))).toBe(true);
  });
});

describe("conntrack", () => {
  it("count at max is the root cause; far below is not", () => {
    const full = host("n", (x) => { x.conntrack.count = { value: 262100, cite: cite("count") }; x.conntrack.max = { value: 262144, cite: cite("max") }; });
    expect(run({ hosts: [full] }).rootCause).toBe("conntrack_table_full");
    const low = host("n", (x) => { x.conntrack.count = { value: 2, cite: cite("count") }; x.conntrack.max = { value: 65536, cite: cite("max") }; });
    expect(finding(run({ hosts: [low] }), "conntrack_table_full")).toBeUndefined();
  });
});

describe("ranking", () => {
  it("findings are sorted by confidence and rootCause is the top one", () => {
    const h = host("n", (x) => {
      x.conntrack.count = { value: 900, cite: cite("count") };
      x.conntrack.max = { value: 1000, cite: cite("max") };
      sys(x, "net.ipv4.conf.all.rp_filter", "1");
      sys(x, "net.ipv4.conf.eth0.rp_filter", "1");
      x.logEvents.push({ kind: "conntrack_table_full", message: "nf_conntrack: table full, dropping packet", cite: cite("dmesg.txt", 9) });
    });
    const a = run({ hosts: [h] });
    const conf = a.findings.map((f) => f.confidence);
    expect([...conf].sort((p, q) => q - p)).toEqual(conf);
    expect(a.rootCause).toBe(a.findings[0]!.id);
    expect(a.rootCause).toBe("conntrack_table_full");
    expect(a.checked.map((c) => c.id)).toContain("rp_filter_asymmetric_route");
  });
});

describe("conntrack insert race and ephemeral ports", () => {
  const ct = (failed: [number, number], drop: [number, number]) => host("node", (x) => {
    x.conntrack.stats.insert_failed = { value: failed[1], cite: cite("conntrack-S-after.txt") };
    x.conntrack.stats.drop = { value: drop[1], cite: cite("conntrack-S-after.txt") };
    const d = (name: string, [from, to]: [number, number]) => x.deltas.push({ name: `Conntrack.${name}`, from, to, delta: to - from, fromCite: cite("conntrack-S-before.txt"), toCite: cite("conntrack-S-after.txt") });
    if (failed[1] !== failed[0]) d("insert_failed", failed);
    if (drop[1] !== drop[0]) d("drop", drop);
    x.files.push({ path: "conntrack-S-before.txt", kind: "conntrack-stats", bytes: 1, warnings: [] }, { path: "conntrack-S-after.txt", kind: "conntrack-stats", bytes: 1, warnings: [] });
  });
  it("insert_failed and drop rising with 5 s lookups is the race", () => {
    expect(run({ hosts: [ct([10, 250], [3, 240])], latencies: [5.01, 5.02, 10.03] }).rootCause).toBe("conntrack_insert_race");
  });
  it("a 5 s latency alone is not", () => {
    expect(finding(run({ hosts: [], latencies: [5.01] }), "conntrack_insert_race")!.confidence).toBeLessThan(0.5);
  });
  it("insert_failed without drops (resolved clashes on older kernels) stays weak", () => {
    expect(finding(run({ hosts: [ct([10, 250], [3, 3])] }), "conntrack_insert_race")!.confidence).toBeLessThan(0.5);
  });
  it("TIME-WAIT sockets to one destination filling the port range: exhaustion; a few hundred spread out: nothing", () => {
    const mk = (n: number, dsts: number) => host("proxy", (x) => {
      sys(x, "net.ipv4.ip_local_port_range", "40000 40999");
      for (let i = 0; i < n; i++) x.sockets.push({ proto: "tcp", state: "TIME-WAIT", local: "10.0.0.1", localPort: 40000 + i, peer: `10.0.1.${i % dsts}`, peerPort: 8080, recvQ: 0, sendQ: 0, cite: cite("ss-tan.txt", i + 2) });
    });
    expect(run({ hosts: [mk(900, 1)] }).rootCause).toBe("ephemeral_port_exhaustion");
    expect(finding(run({ hosts: [mk(300, 30)] }), "ephemeral_port_exhaustion")).toBeUndefined();
  });
});

describe("MTU on the path the traffic takes (issue 15)", () => {
  const addr = (ifname: string, a: string, len: number) => ({ ifname, family: "inet" as const, address: a, prefixLen: len, cite: cite("ip-addr.txt") });
  const route = (dst: string, dev: string) => ({ dst, dev, source: "table" as const, cite: cite("ip-route.txt") });
  it("a correctly sized flannel.1 next to docker0 1500 with a container: docker0 never carries overlay traffic", () => {
    const h = host("node", (x) => {
      x.interfaces.push(iface("eth0", "device", 1500), iface("flannel.1", "vxlan", 1450, { vxlan: { id: 1, dstport: 8472, dev: "eth0" } }),
        iface("cni0", "bridge", 1450), iface("vethp", "veth", 1450, { master: "cni0" }), iface("docker0", "bridge", 1500), iface("vethd", "veth", 1500, { master: "docker0" }));
      x.addresses.push(addr("eth0", "192.168.1.10", 24), addr("cni0", "10.244.1.1", 24), addr("docker0", "172.17.0.1", 16));
      x.routes.push(route("default", "eth0"), route("10.244.2.0/24", "flannel.1"), route("10.244.1.0/24", "cni0"), route("172.17.0.0/16", "docker0"));
    });
    const a = run({ hosts: [h] });
    expect(finding(a, "overlay_mtu_mismatch")).toBeUndefined();
    expect(a.checked.find((c) => c.id === "overlay_mtu_mismatch")?.result).toContain("off the path: node/docker0");
    expect(a.leading).toBeNull();
  });
  it("docker0 1500 with a container over eth0 1400 and no overlay at all is the same mismatch", () => {
    const h = host("docker-host", (x) => {
      x.interfaces.push(iface("eth0", "device", 1400), iface("docker0", "bridge", 1500), iface("veth1", "veth", 1500, { master: "docker0" }));
      x.routes.push(route("default", "eth0"));
    });
    const a = run({ hosts: [h] });
    const f = finding(a, "overlay_mtu_mismatch")!;
    expect(f.evidence[0]!.fact).toMatch(/bridge docker0 .* MTU 1500, more than its uplink eth0 carries \(1400\)/);
    expect(a.leading?.id).toBe("overlay_mtu_mismatch");
    expect(f.fix[0]!.command).toContain("1400");
  });
  it("overlay devices are known by the CNIs' names when `ip link` was run without -d", async () => {
    const { kindFromName } = await import("../../evidence/parsers/system/ipLink");
    expect(["flannel.1", "vxlan.calico", "tunl0", "cilium_geneve", "genev_sys_6081", "wg0", "flannel-wg", "wireguard.cali"].map((n) => kindFromName(n, "ether", undefined, [])))
      .toEqual(["vxlan", "vxlan", "ipip", "geneve", "geneve", "wireguard", "wireguard", "wireguard"]);
  });
});

describe("loose reverse-path filtering on CNI devices", () => {
  it("rp_filter=2 on lxc devices with IPReversePathFilter rising is observed, not ignored as loose", () => {
    const h = host("node", (x) => {
      sys(x, "net.ipv4.conf.all.rp_filter", "0");
      sys(x, "net.ipv4.conf.lxc12ab.rp_filter", "2");
      x.counters["TcpExt.IPReversePathFilter"] = { value: 40, cite: cite("nstat-after.txt", 9) };
      x.deltas.push({ name: "TcpExt.IPReversePathFilter", from: 2, to: 40, delta: 38, fromCite: cite("nstat-before.txt", 9), toCite: cite("nstat-after.txt", 9) });
    });
    const a = run({ hosts: [h] });
    const f = finding(a, "rp_filter_asymmetric_route")!;
    expect(a.rootCause).toBe("rp_filter_asymmetric_route");
    expect(f.evidence.some((e) => /loose, the systemd ≥ 245 default\) on CNI devices lxc12ab/.test(e.fact))).toBe(true);
  });
});
