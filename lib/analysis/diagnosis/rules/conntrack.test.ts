/**
 * bridge_nf_call_iptables_disabled read from conntrack -L, on the node outputs recorded by
 * scripts/record/bridge-nf-conntrack.sh (the lab scenario: a pod dials a ClusterIP DNATed to a pod on the same
 * cni0). With the sysctl at 0 the backend's SYN-ACK crosses the bridge without netfilter and the entry stays
 * SYN_SENT [UNREPLIED]; with it at 1 (BNF_CALL=1) the same connection is TIME_WAIT [ASSURED].
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evidenceFromTexts } from "../../evidence";
import { diagnose } from "../diagnose";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../testdata/recorded");
const file = (run: string, name: string, filter?: RegExp) => {
  let text = readFileSync(path.join(dir, run, name), "utf8");
  // `sysctl -a | grep bridge`, as people paste it
  if (filter) text = text.split("\n").filter((l) => filter.test(l)).join("\n") + "\n";
  return { path: filter ? `${name.replace(/\.txt$/, "")}-grep.txt` : name, text };
};
const bnf = (a: ReturnType<typeof diagnose>) => a.findings.find((f) => f.id === "bridge_nf_call_iptables_disabled");

describe("bridge-nf-call-iptables=0 seen in conntrack -L", () => {
  it("ip -d link, sysctl | grep bridge and conntrack -L only (no rules, no addresses): the unreplied DNATed entry between two pods of cni0 is the symptom", () => {
    const node = evidenceFromTexts("node", [file("bridge-nf-0-node", "ip-d-link.txt"), file("bridge-nf-0-node", "sysctl-a.txt", /bridge/), file("bridge-nf-0-node", "conntrack-L.txt")]);
    expect(node.rules).toEqual([]);
    const a = diagnose({ hosts: [node], captures: [] });
    const f = bnf(a)!;
    const facts = f.evidence.map((e) => e.fact);
    expect(facts.some((t) => /^conntrack DNATs 10\.96\.0\.10:80 to 10\.244\.1\.3:8080, a backend on the client's \(10\.244\.1\.2\) bridge/.test(t))).toBe(true);
    expect(facts.some((t) => /^1 DNATed connection\(s\) between pods of one bridge never saw a reply .* SYN_SENT \[UNREPLIED\]/.test(t))).toBe(true);
    expect(f.basis).toBe("observed");
    expect(a.rootCause !== "none" ? a.rootCause : a.leading?.id).toBe("bridge_nf_call_iptables_disabled");
  });

  it("with ip addr and ip route, the bridge's subnet decides; the same outputs without conntrack rest on the setting alone", () => {
    const files = [file("bridge-nf-0-node", "ip-d-link.txt"), file("bridge-nf-0-node", "ip-addr.txt"), file("bridge-nf-0-node", "ip-route.txt"), file("bridge-nf-0-node", "sysctl-a.txt", /bridge/)];
    const withCt = bnf(diagnose({ hosts: [evidenceFromTexts("node", [...files, file("bridge-nf-0-node", "conntrack-L.txt")])], captures: [] }))!;
    const without = bnf(diagnose({ hosts: [evidenceFromTexts("node", files)], captures: [] }))!;
    expect(withCt.evidence.some((e) => /never saw a reply/.test(e.fact))).toBe(true);
    expect(without.basis).toBe("configuration");
    expect(withCt.confidence).toBeGreaterThan(without.confidence);
  });

  it("the healthy twin (sysctl at 1): the Service connection is ASSURED, nothing is found", () => {
    const node = evidenceFromTexts("node", [file("bridge-nf-1-node", "ip-d-link.txt"), file("bridge-nf-1-node", "sysctl-a.txt"), file("bridge-nf-1-node", "conntrack-L.txt")]);
    expect(node.conntrackEntries?.some((e) => e.orig.dst === "10.96.0.10" && e.assured && !e.unreplied)).toBe(true);
    const a = diagnose({ hosts: [node], captures: [] });
    expect(bnf(a)).toBeUndefined();
    expect(a.leading).toBeNull();
  });

  it("answered DNATed connections are no symptom even where the sysctl is 0", () => {
    // the healthy run's conntrack with the broken run's setting: the Service traffic is there, no unreplied entry
    const node = evidenceFromTexts("node", [file("bridge-nf-0-node", "ip-d-link.txt"), file("bridge-nf-0-node", "sysctl-a.txt", /bridge/), file("bridge-nf-1-node", "conntrack-L.txt")]);
    const f = bnf(diagnose({ hosts: [node], captures: [] }))!;
    expect(f.evidence.some((e) => /never saw a reply/.test(e.fact))).toBe(false);
    expect(f.basis).toBe("configuration");
  });
});
