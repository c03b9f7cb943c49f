import { describe, expect, it } from "vitest";
import { sysctlFromProcSysPath, sysctlParser } from "./sysctl";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("sysctl -a", () => {
  it("reads the recorded sysctl -a of a namespace, tabs collapsed", () => {
    const text = readRecorded("sysctl-a.txt");
    expect(sysctlParser.sniff(text.slice(0, 4096), "sysctl-a.txt")).toBeGreaterThan(0.8);
    const f = facts(sysctlParser, text);
    expect(f.sysctls?.["net.core.somaxconn"]).toEqual({ value: "128", line: 204 });
    expect(f.sysctls?.["net.ipv4.ip_local_port_range"]).toEqual({ value: "20000 40000", line: 536 });
    expect(f.sysctls?.["net.ipv4.tcp_syn_retries"]).toEqual({ value: "3", line: 730 });
    expect(f.conntrack?.count).toEqual({ value: 1, line: 1468 });
    expect(f.conntrack?.max).toEqual({ value: 262144, line: 1480 });
  });

  it("reads a single `sysctl key` output", () => {
    const f = facts(sysctlParser, readRecorded("sysctl-somaxconn.txt"));
    expect(f.sysctls).toEqual({ "net.core.somaxconn": { value: "128", line: 1 } });
  });

  it("keeps the first line of a multi-line value (dev.cdrom.info) and the CentOS values", () => {
    const f = facts(sysctlParser, readCorpus("cmd/sysctl-a_centos-7.7_jc.out"));
    expect(f.sysctls?.["net.ipv4.ip_local_port_range"]?.value).toBe("32768 60999");
    expect(f.sysctls?.["net.netfilter.nf_conntrack_count"]).toEqual({ value: "2", line: 811 });
    expect(Object.keys(f.sysctls ?? {})).toHaveLength(918 - 23);
  });

  it("keeps sysctl error lines as warnings", () => {
    const text = "net.core.somaxconn = 4096\nsysctl: permission denied on key 'fs.protected_hardlinks'\nsysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory\n";
    const f = facts(sysctlParser, text);
    expect(f.sysctls?.["net.core.somaxconn"]?.value).toBe("4096");
    expect(f.warnings.map((w) => w.line)).toEqual([2, 3]);
    expect(f.warnings[1].message).toContain("tcp_tw_recycle");
  });

  it("skips values of a sysctl.conf-like file (not live)", () => {
    const conf = "# tuning\nnet.core.somaxconn=4096\nnet.ipv4.tcp_tw_reuse = 1\n";
    const out = sysctlParser.parseNamed(conf, "etc/sysctl.conf");
    expect(out.status).toBe("success");
    if (out.status === "success") {
      expect(out.data.sysctls).toBeUndefined();
      expect(out.warnings[0].message).toMatch(/not live/);
    }
    // without the name, the later comment and unspaced `key=value` still give it away
    const bare = sysctlParser.parse("net.core.somaxconn=4096\nnet.ipv4.tcp_fin_timeout=30\n");
    expect(bare.status === "success" && bare.data.sysctls).toBeFalsy();
  });

  it("keeps an unknown but well-formed key", () => {
    const f = facts(sysctlParser, "net.ipv4.tcp_future_knob = 7\tz\n");
    expect(f.sysctls?.["net.ipv4.tcp_future_knob"]).toEqual({ value: "7 z", line: 1 });
  });

  it("fails on text that is not sysctl output", () => {
    expect(sysctlParser.parse("hello world\nno equals here\n").status).toBe("failed");
    expect(sysctlParser.sniff("hello world\n", "x")).toBe(0);
  });
});

describe("sysctlFromProcSysPath", () => {
  it("turns a /proc/sys file into a sysctl line", () => {
    expect(sysctlFromProcSysPath("host1/proc/sys/net/ipv4/tcp_syncookies", "1\n")).toEqual({
      key: "net.ipv4.tcp_syncookies", value: "1", line: "net.ipv4.tcp_syncookies = 1",
    });
    expect(sysctlFromProcSysPath("proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n")?.value).toBe("32768 60999");
    // a dot inside an interface name is printed as "/" by sysctl
    expect(sysctlFromProcSysPath("proc/sys/net/ipv4/conf/eth0.100/rp_filter", "2\n")?.key).toBe("net.ipv4.conf.eth0/100.rp_filter");
    expect(sysctlFromProcSysPath("proc/node_exporter/sys/net/netfilter/nf_conntrack_count", "123\n")?.key).toBe("net.netfilter.nf_conntrack_count");
    expect(sysctlFromProcSysPath("etc/hosts", "x")).toBeUndefined();
  });
});
