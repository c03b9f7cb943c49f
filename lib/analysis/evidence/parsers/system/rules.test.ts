import { describe, expect, it } from "vitest";
import { iptablesListParser, iptablesSaveParser, nftParser } from "./rules";
import { facts, readCorpus, readRecorded } from "./testkit";

describe("nft list ruleset", () => {
  it("classifies the recorded ruleset: NodePort-range dnat, masquerade, ICMP drop, other drop", () => {
    const text = readRecorded("nft-list-ruleset.txt");
    expect(nftParser.sniff(text, "")).toBeGreaterThan(0.9);
    const f = facts(nftParser, text);
    const at = (line: number) => f.rules?.find((r) => r.line === line);
    expect(at(4)).toMatchObject({ table: "ip nmnat", chain: "prerouting", kind: "nodeport", proto: "tcp", dport: 30080, target: "DNAT" });
    expect(at(9)).toMatchObject({ kind: "masquerade", chain: "postrouting" });
    expect(at(15)).toMatchObject({ table: "inet nmfilter", chain: "input", kind: "icmp-drop" });
    expect(at(16)).toMatchObject({ kind: "drop", dport: 23 });
    expect(at(21)).toMatchObject({ table: "ip nat", chain: "KUBE-NODEPORTS", kind: "nodeport", dport: 30081, target: "KUBE-EXT-NMSYS" });
    expect(at(29)).toMatchObject({ chain: "KUBE-EXT-NMSYS", kind: "dnat" });
    // iptables-nft's `-p icmp -j DROP` as nft prints it
    expect(at(45)).toMatchObject({ chain: "INPUT", kind: "icmp-drop" });
    expect(f.kubernetes?.nodePorts).toEqual([{ value: 30080, line: 4 }, { value: 30081, line: 21 }]);
    expect(f.warnings).toEqual([]);
  });

  it("reads kube-proxy nftables-mode nodeport maps and skips sets", () => {
    // kube-proxy --proxy-mode=nftables layout (format of `nft list ruleset`, values made up)
    const text = [
      "table ip kube-proxy {",
      "\tcomment \"rules for kube-proxy\"",
      "\tset nodeport-ips {",
      "\t\ttype ipv4_addr",
      "\t\telements = { 10.0.0.5 }",
      "\t}",
      "\tmap service-nodeports {",
      "\t\ttype inet_proto . inet_service : verdict",
      "\t\telements = { tcp . 30080 : goto external-4UR2Z-default/web/tcp/http,",
      "\t\t\t     udp . 31999 : goto external-X-default/dns/udp/dns }",
      "\t}",
      "\tchain nodeports {",
      "\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
      "\t}",
      "}",
    ].join("\n");
    const f = facts(nftParser, text);
    expect(f.rules?.filter((r) => r.kind === "nodeport").map((r) => [r.proto, r.dport, r.line])).toEqual([
      ["tcp", 30080, 9], ["udp", 31999, 10], [undefined, undefined, 13],
    ]);
    expect(f.warnings).toEqual([]);
  });

  it("warns on a line outside a chain and fails without any table", () => {
    const f = facts(nftParser, "table ip t {\n\tweird line\n\tchain c {\n\t\ttcp dport 80 accept\n\t}\n}\n");
    expect(f.rules?.[0]).toMatchObject({ kind: "other", dport: 80, target: "ACCEPT" });
    expect(f.warnings[0].line).toBe(2);
    expect(nftParser.parse("chain c {\n}\n").status).toBe("failed");
    const sets = facts(nftParser, "table inet f {\n\tchain input {\n\t\tmeta l4proto { icmp, ipv6-icmp } drop\n\t\tip protocol != icmp drop\n\t\ticmpv6 type packet-too-big drop\n\t}\n}\n");
    expect(sets.rules?.map((r) => r.kind)).toEqual(["icmp-drop", "drop", "icmp-drop"]);
  });
});

describe("iptables-save", () => {
  it("classifies the recorded kube-proxy style rules", () => {
    const f = facts(iptablesSaveParser, readRecorded("iptables-save.txt"));
    const at = (line: number) => f.rules?.find((r) => r.line === line);
    expect(at(6)).toMatchObject({ table: "filter", chain: "INPUT", kind: "icmp-drop", proto: "icmp", target: "DROP" });
    expect(at(7)).toMatchObject({ kind: "drop", dport: 24 });
    expect(at(21)).toMatchObject({ table: "nat", kind: "masquerade" });
    expect(at(22)).toMatchObject({ kind: "dnat", target: "DNAT" });
    expect(at(23)).toMatchObject({ chain: "KUBE-NODEPORTS", kind: "nodeport", dport: 30081, target: "KUBE-EXT-NMSYS" });
    expect(at(20)).toMatchObject({ kind: "other", text: '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' });
    expect(f.rules).toHaveLength(8);
    expect(f.kubernetes?.nodePorts).toEqual([{ value: 30081, line: 23 }]);
  });

  it("treats a DNAT on a NodePort-range port as a nodeport, a port range as a range, REJECT as other", () => {
    const f = facts(iptablesSaveParser, "*nat\n-A PREROUTING -p tcp --dport 31000 -j DNAT --to-destination 10.0.0.2:80\n-A PREROUTING -p tcp --dport 30000:32767 -j ACCEPT\nCOMMIT\n*filter\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\nbogus\n");
    expect(f.rules?.[0]).toMatchObject({ kind: "nodeport", dport: 31000 });
    expect(f.rules?.[1]).toMatchObject({ kind: "other", dportRange: [30000, 32767] });
    expect(f.rules?.[2]).toMatchObject({ kind: "other", target: "REJECT", table: "filter" });
    expect(f.warnings[0].line).toBe(7);
    expect(iptablesSaveParser.parse("hello\n").status).toBe("failed");
  });
});

describe("iptables -nvL", () => {
  it("reads the recorded nat listing and infers the table from its chains", () => {
    const f = facts(iptablesListParser, readRecorded("iptables-nat-nvL.txt"));
    const at = (line: number) => f.rules?.find((r) => r.line === line);
    expect(at(13)).toMatchObject({ table: "nat", chain: "POSTROUTING", kind: "masquerade" });
    expect(at(17)).toMatchObject({ kind: "dnat", proto: "tcp" });
    expect(at(21)).toMatchObject({ chain: "KUBE-NODEPORTS", kind: "nodeport", dport: 30081 });
    const fl = facts(iptablesListParser, readRecorded("iptables-nvL.txt"));
    expect(fl.rules?.[0]).toMatchObject({ table: "filter", chain: "INPUT", kind: "icmp-drop", proto: "icmp", line: 3 });
    expect(fl.rules?.[1]).toMatchObject({ kind: "drop", dport: 24, line: 4 });
  });

  it("reads the non-verbose form (iptables -t nat -nL)", () => {
    const text = [
      "Chain PREROUTING (policy ACCEPT)", "target     prot opt source               destination",
      "KUBE-SERVICES  all  --  0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */", "",
      "Chain POSTROUTING (policy ACCEPT)", "target     prot opt source               destination",
      "MASQUERADE  all  --  172.17.0.0/16        0.0.0.0/0", "",
      "Chain KUBE-NODEPORTS (1 references)", "target     prot opt source               destination",
      "KUBE-EXT-ABC  tcp  --  0.0.0.0/0            0.0.0.0/0            /* default/web:http */ tcp dpt:30080",
    ].join("\n");
    const f = facts(iptablesListParser, text);
    expect(f.rules?.map((r) => [r.table, r.chain, r.kind, r.dport, r.line])).toEqual([
      ["nat", "PREROUTING", "other", undefined, 3], ["nat", "POSTROUTING", "masquerade", undefined, 7],
      ["nat", "KUBE-NODEPORTS", "nodeport", 30080, 11],
    ]);
  });

  it("reads the corpus filter listing with ctstate rules; fails on non-listing text", () => {
    const f = facts(iptablesListParser, readCorpus("cmd/iptables-filter-nv_centos-7.7_jc.out"));
    expect(f.rules?.find((r) => r.line === 8)).toMatchObject({ table: "filter", chain: "INPUT", kind: "drop", proto: "all" });
    expect(f.rules?.find((r) => r.line === 9)).toMatchObject({ kind: "other", target: "REJECT" });
    expect(f.warnings).toEqual([]);
    expect(iptablesListParser.parse("target prot opt\n").status).toBe("failed");
  });
});
