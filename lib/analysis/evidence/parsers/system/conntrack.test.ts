import { describe, expect, it } from "vitest";
import { conntrackCountParser, conntrackStatsParser, procNfConntrackParser } from "./conntrack";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("conntrack -S", () => {
  it("sums the recorded per-CPU lines", () => {
    const text = readRecorded("conntrack-S.txt");
    expect(conntrackStatsParser.sniff(text, "")).toBeGreaterThan(0.9);
    const f = facts(conntrackStatsParser, text);
    expect(f.conntrack?.stats?.insert_failed).toEqual({ value: 0, line: 1 });
    expect(f.conntrack?.stats?.chaintoolong).toEqual({ value: 0, line: 1 });
    expect(Object.keys(f.conntrack?.stats ?? {})).toHaveLength(10);
  });

  it("sums over CPUs, old (searched/new/…) and new field sets alike", () => {
    const text = "cpu=0   \tsearched=5 found=1 new=2 invalid=7 ignore=0 delete=0 delete_list=0 insert=2 insert_failed=3 drop=3 early_drop=0 error=1 search_restart=0\ncpu=1   \tsearched=1 found=4 new=0 invalid=1 ignore=0 delete=0 delete_list=0 insert=0 insert_failed=2 drop=2 early_drop=1 error=0 search_restart=9\n";
    const s = facts(conntrackStatsParser, text).conntrack?.stats ?? {};
    expect(s.insert_failed).toEqual({ value: 5, line: 1 });
    expect(s.drop?.value).toBe(5);
    expect(s.invalid?.value).toBe(8);
    expect(s.search_restart?.value).toBe(9);
  });

  it("warns on a foreign line and fails on text without cpu= lines", () => {
    const f = facts(conntrackStatsParser, "cpu=0 found=1 clash_resolve=4\nconntrack v1.4.7 (conntrack-tools): 1 flow entries\n");
    expect(f.conntrack?.stats?.clash_resolve?.value).toBe(4);
    expect(f.warnings[0].line).toBe(2);
    expect(conntrackStatsParser.parse("found=1\n").status).toBe("failed");
  });
});

describe("/proc/net/stat/nf_conntrack", () => {
  it("sums hex CPU rows by header; entries is the global count", () => {
    const f = facts(procNfConntrackParser, readCorpus("proc/node_exporter/net/stat/nf_conntrack"));
    expect(f.conntrack?.count).toEqual({ value: 33, line: 2 });
    expect(f.conntrack?.stats?.invalid).toEqual({ value: 53, line: 2 });
    expect(f.conntrack?.stats?.ignore?.value).toBe(89738);
    expect(f.conntrack?.stats?.search_restart?.value).toBe(7);
    expect(f.conntrack?.stats?.entries).toBeUndefined();
  });

  it("reads the 6.18 header (clashres, chainlength)", () => {
    const f = facts(procNfConntrackParser, readRecorded("proc-net-stat-nf_conntrack.txt"));
    expect(f.conntrack?.count).toEqual({ value: 1, line: 2 });
    expect(f.conntrack?.stats?.clashres).toEqual({ value: 0, line: 2 });
    expect(f.conntrack?.stats?.chainlength?.value).toBe(0);
  });

  it("warns on a row that does not fit the header, fails without header", () => {
    const f = facts(procNfConntrackParser, "entries found invalid\n00000002 00000001 00000003\n00000002 0001\n");
    expect(f.conntrack?.stats?.invalid?.value).toBe(3);
    expect(f.warnings[0].line).toBe(3);
    expect(procNfConntrackParser.parse("00000001 00000002\n").status).toBe("failed");
  });
});

describe("nf_conntrack_count / nf_conntrack_max", () => {
  it("needs the name to tell a count from a max", () => {
    const count = readCorpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_count");
    expect(conntrackCountParser.sniff(count, "proc/sys/net/netfilter/nf_conntrack_count")).toBeGreaterThan(0.9);
    expect(conntrackCountParser.sniff(count, "some/file")).toBe(0);
    const c = conntrackCountParser.parseNamed(count, "nf_conntrack_count");
    expect(c.status === "success" && c.data.conntrack).toEqual({ count: { value: 123, line: 1 } });
    const m = conntrackCountParser.parseNamed(readCorpus("proc/node_exporter/sys/net/netfilter/nf_conntrack_max"), "x/nf_conntrack_max");
    expect(m.status === "success" && m.data.conntrack).toEqual({ max: { value: 65536, line: 1 } });
    const r = conntrackCountParser.parseNamed(readRecorded("nf_conntrack_max"), "nf_conntrack_max");
    expect(r.status === "success" && r.data.conntrack?.max?.value).toBe(262144);
  });

  it("does not guess without a name, fails on a non-number", () => {
    const out = conntrackCountParser.parse("123\n");
    expect(out.status === "success" && out.data).toEqual({});
    expect(conntrackCountParser.parseNamed("abc\n", "nf_conntrack_count").status).toBe("failed");
  });
});

describe("the older conntrack -S summary", () => {
  // following the layout of conntrack-tools' summary before the per-CPU `cpu=N` lines (one `name value` line
  // per statistic, totals over CPUs); no older conntrack-tools is installable here to record it
  const OLD = ["entries                 5212", "searched                128911", "found                   99810", "new                     30123", "invalid                 12", "ignore                  4410",
    "delete                  29001", "delete_list             29001", "insert                  30123", "insert_failed           318", "drop                    318", "early_drop              0",
    "icmp_error              0", "expect_new              0", "expect_create           0", "expect_delete           0", "search_restart          0"].join("\n") + "\n";
  it("is recognised as conntrack -S and read as totals (entries is the table's count)", async () => {
    const { recognise } = await import("../../registry");
    const r = recognise(OLD, "x.txt");
    expect(r?.kind).toBe("conntrack-stats");
    const out = r!.parser.parse(OLD);
    expect(out.status).toBe("success");
    if (out.status !== "success") return;
    expect(out.data.conntrack?.stats?.insert_failed).toEqual({ value: 318, line: 10 });
    expect(out.data.conntrack?.count).toEqual({ value: 5212, line: 1 });
  });
});
