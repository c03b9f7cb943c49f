/**
 * The engine on real evidence: seed bundles (testdata/seeds, recorded on this kernel or written following
 * the real format, see their README) and corpus files (../shared/corpus, read in place) through the real
 * bundle reader and parsers. Expected numbers were read from the files by hand (grep/awk), not copied from
 * the engine's output.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summarizeCapture } from "../capture";
import { evidenceFromTexts } from "../evidence";
import { emptyHost } from "../evidence/model";
import { analyzeBundle } from "./analyze";
import { sharedPath } from "../../testing/shared";
import { diagnose } from "./diagnose";
import { Analysis, ROOT_CAUSE_THRESHOLD } from "./model";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SEEDS = path.join(HERE, "testdata", "seeds");
const CORPUS = sharedPath("corpus");
const corpus = (p: string) => ({ path: path.basename(p), text: readFileSync(path.join(CORPUS, p), "utf8") });
const find = (a: Analysis, id: string) => a.findings.find((f) => f.id === id);

describe("seed bundles: the evidence behind each diagnosis", () => {
  it("001 (tw_recycle, CentOS 7 swarm host): PAWSPassive rose 18342 → 18917, and the ListenDrops rise is not read as a full queue", async () => {
    const a = await analyzeBundle([path.join(SEEDS, "001-tw-recycle-swarm")]);
    expect(a.rootCause).toBe("tw_recycle_nat_paws");
    const f = find(a, "tw_recycle_nat_paws")!;
    expect(f.confidence).toBeGreaterThanOrEqual(0.9);
    expect(f.evidence.some((e) => e.file === "proc-net-netstat-after.txt" && /PAWSPassive rose by 575\b/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => e.file === "sysctl-tcp-tw.txt" && /tcp_tw_recycle = 1/.test(e.fact))).toBe(true);
    const aq = find(a, "accept_queue_overflow");
    expect(aq === undefined || aq.confidence < ROOT_CAUSE_THRESHOLD).toBe(true);
    expect(aq?.against.join(" ") ?? "PAWSPassive").toContain("PAWSPassive");
    expect(f.fix[0]!.command).toContain("tcp_tw_recycle=0");
  });
  it("004 (accept queue): ListenOverflows 0 → 1026 and nginx's listener at Recv-Q 129 ≥ Send-Q 128", async () => {
    const a = await analyzeBundle([path.join(SEEDS, "004-accept-queue")]);
    const f = find(a, "accept_queue_overflow")!;
    expect(a.rootCause).toBe("accept_queue_overflow");
    expect(f.evidence.some((e) => /ListenOverflows rose by 1026\b/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => e.file === "ss-tanpie.txt" && /Recv-Q 129 ≥ Send-Q 128/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => /somaxconn = 128/.test(e.fact))).toBe(true);
  });
  it("000 (overlay MTU): pods and cni0 at 1500 over a 1450 flannel.1, FragFails 0 → 15 on ecs-207; fix names 1450", async () => {
    const a = await analyzeBundle([path.join(SEEDS, "000-overlay-mtu")]);
    const f = find(a, "overlay_mtu_mismatch")!;
    expect(a.rootCause).toBe("overlay_mtu_mismatch");
    expect(f.evidence.some((e) => e.host === "gateway-pod" && /eth0.*MTU 1500, larger than the overlay MTU 1450/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => e.host === "ecs-207" && /Ip\.FragFails rose by 15\b/.test(e.fact))).toBe(true);
    expect(f.fix[0]!.command).toMatch(/\b1450 \(/);
    // the pmtu rule sees the same ICMP but defers to the overlay
    expect((find(a, "pmtu_blackhole")?.confidence ?? 0)).toBeLessThan(f.confidence);
  });
  it("002 (NodePort): source port 31380 is a NodePort in iptables-save, the handshake failed; the 502 symptoms stay a side lead", async () => {
    const a = await analyzeBundle([path.join(SEEDS, "002-nodeport")]);
    const f = find(a, "port_range_nodeport_collision")!;
    expect(a.rootCause).toBe("port_range_nodeport_collision");
    expect(f.evidence.some((e) => e.file === "iptables-save.txt" && /NodePort 31380/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => /source port 31380, an allocated NodePort, and its handshake failed/.test(e.fact))).toBe(true);
    expect(f.evidence.some((e) => /1024 65535 overlaps/.test(e.fact))).toBe(true);
    expect(find(a, "keepalive_timeout_mismatch")!.confidence).toBeLessThan(ROOT_CAUSE_THRESHOLD);
    // 32.05 s in the ingress access log: a lost handshake, not a configured timeout
    expect(a.latency?.some((l) => Math.abs(l.seconds - 32.05) < 0.01 && /SYN-ACK/.test(l.explanation))).toBe(true);
  });
  it("002 with the seed's timeout chain (ingress-nginx in front of a 5 s keep-alive app) makes the keep-alive lead strong", async () => {
    const a = await analyzeBundle([path.join(SEEDS, "002-nodeport")], { context: { hops: [{ name: "ingress", kind: "ingress-nginx" }, { name: "app", kind: "nodejs" }] } });
    expect(find(a, "keepalive_timeout_mismatch")!.confidence).toBeGreaterThanOrEqual(ROOT_CAUSE_THRESHOLD);
    expect(find(a, "keepalive_timeout_mismatch")!.evidence.some((e) => /60 s.*5 s/.test(e.fact))).toBe(true);
  });
  it("every seed's JSON round-trips through the Analysis schema and checks all 12 causes", async () => {
    for (const s of ["000-overlay-mtu", "001-tw-recycle-swarm", "002-nodeport", "003-tw-recycle-nat", "004-accept-queue"]) {
      const a = await analyzeBundle([path.join(SEEDS, s)]);
      const back = Analysis.parse(JSON.parse(JSON.stringify(a)));
      expect(back.checked.filter((c) => c.id !== "none")).toHaveLength(12);
      expect(back.findings.every((f) => f.evidence.every((e) => e.host && e.file))).toBe(true);
    }
  });
});

describe("corpus files through the real parsers", () => {
  it("CentOS 7.7 sysctl -a (bridge-nf-call-iptables=0, rp_filter=1, conntrack 2/65536): nothing above the threshold", () => {
    const h = evidenceFromTexts("centos", [corpus("cmd/sysctl-a_centos-7.7_jc.out")]);
    const a = diagnose({ hosts: [h], captures: [] });
    expect(a.rootCause).toBe("none");
    const bnf = find(a, "bridge_nf_call_iptables_disabled")!;
    expect(bnf.confidence).toBeLessThan(0.2); // no bridge with pods, no Service rules in this evidence
    expect(find(a, "conntrack_table_full")).toBeUndefined();
    expect(find(a, "tw_recycle_nat_paws")).toBeUndefined(); // tcp_tw_recycle = 0
  });
  it("kernel 4.15.14 /proc/net/netstat (ListenOverflows 90, ListenDrops 90 since boot): a weak lead, weighed by its count, not the leading hypothesis", () => {
    const h = evidenceFromTexts("pcp", [corpus("proc/pcp/kernel-4.15.14/net/netstat")]);
    expect(h.counters["TcpExt.ListenOverflows"]?.value).toBe(90);
    const a = diagnose({ hosts: [h], captures: [] });
    const f = find(a, "accept_queue_overflow")!;
    // 90 overflows since boot on a machine of unknown uptime: a handful, so half an M (seed 004's 12 178 939 weigh a full M)
    expect(f.confidence).toBeGreaterThan(0.1);
    expect(f.confidence).toBeLessThan(0.3);
    expect(a.leading).toBeNull();
    expect(f.evidence[0]!.fact).toContain("since boot");
    expect(a.rootCause).toBe("none");
  });
  it("/proc/net/tcp listeners (tx_queue is not a backlog there) are not read as full accept queues", () => {
    const h = evidenceFromTexts("procfs", [corpus("proc/procfs/net/tcp")]);
    expect(h.listeners.length).toBeGreaterThan(0);
    expect(find(diagnose({ hosts: [h], captures: [] }), "accept_queue_overflow")).toBeUndefined();
  });
  it("ingress-nginx access log with 502s answered in 0.000 s of upstream time: a keep-alive lead only", () => {
    const h = evidenceFromTexts("ingress", [corpus("logs/ingress-nginx-access-upstream-multi-status.log")]);
    const a = diagnose({ hosts: [h], captures: [] });
    const f = find(a, "keepalive_timeout_mismatch")!;
    expect(f.confidence).toBeLessThan(ROOT_CAUSE_THRESHOLD);
    expect(f.evidence[0]!.fact).toMatch(/answered 502/);
  });
});

describe("bridge-nf-call-iptables: the un-NATed reply in a real capture on cni0 (testdata/recorded/bridge-nf-cni0.md)", () => {
  const node = () => {
    const h = emptyHost("node");
    h.sysctls["net.bridge.bridge-nf-call-iptables"] = { value: "0", cite: { file: "sysctl-a.txt", line: 1 } };
    h.interfaces.push(
      { name: "cni0", kind: "bridge", mtu: 1500, cite: { file: "ip-d-link.txt" } },
      { name: "vethpodclient", kind: "veth", mtu: 1500, master: "cni0", cite: { file: "ip-d-link.txt" } },
    );
    h.rules.push({ table: "nat", chain: "KUBE-SERVICES", kind: "dnat", text: "-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-JD5MR3NA4I4DYORP", cite: { file: "iptables-save.txt", line: 10 } });
    return h;
  };
  const cap = async (name: string) => ({ host: "node", file: name, summary: await summarizeCapture(readFileSync(path.join(HERE, "testdata", "recorded", name))) });
  const capFact = (a: Analysis) => find(a, "bridge_nf_call_iptables_disabled")?.evidence.find((e) => e.file.endsWith(".pcap"));
  it("=0: the SYN to 10.96.0.10:80 is answered from 10.244.1.3:8080 and reset; the capture adds to the sysctl evidence", async () => {
    const without = find(diagnose({ hosts: [node()], captures: [] }), "bridge_nf_call_iptables_disabled")!;
    const a = diagnose({ hosts: [node()], captures: [await cap("bridge-nf-0-cni0.pcap")] });
    expect(a.rootCause).toBe("bridge_nf_call_iptables_disabled");
    expect(capFact(a)?.fact).toMatch(/^SYN from 10\.244\.1\.2:48620 to 10\.96\.0\.10:80 is answered by a SYN-ACK from 10\.244\.1\.3:8080, which the client resets/);
    expect(find(a, "bridge_nf_call_iptables_disabled")!.confidence).toBeGreaterThan(without.confidence);
  });
  it("=1: every SYN-ACK answers the address its SYN went to (the direct curl and the Service one): no capture signal", async () => {
    expect(capFact(diagnose({ hosts: [node()], captures: [await cap("bridge-nf-1-cni0.pcap")] }))).toBeUndefined();
    // and the direct 200 flow of the =0 capture alone is not mistaken for it
    expect(capFact(diagnose({ hosts: [node()], captures: [await cap("bridge-nf-1-cni0.pcap"), await cap("bridge-nf-0-cni0.pcap")] }))?.file).toBe("bridge-nf-0-cni0.pcap");
  });
});
