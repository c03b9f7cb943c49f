/**
 * Helpers shared by the rules: latencies that sit on the SYN lattice, capture citations, counter signals.
 */
import type { HostEvidence } from "../../evidence/model";
import type { EvidenceItem } from "../model";
import { delta, deltaFact, counter, hasDeltasFor, item, type CaptureInput, type RuleContext } from "../context";
import type { Case, Strength } from "../signals";
import { onSynLattice, fmtS } from "../timing";

export type LatencySighting = { seconds: number; item: EvidenceItem };

/** latencies (caller-given or found in the evidence) that land on a SYN/SYN-ACK retransmission point ≥ 3 s */
export function latticeLatencies(ctx: RuleContext): LatencySighting[] {
  const out: LatencySighting[] = [];
  const kernel = ctx.hosts.find((h) => h.kernel)?.kernel?.value;
  for (const s of ctx.latencies) {
    if (onSynLattice(s, kernel)) out.push({ seconds: s, item: { host: "(input)", file: "(--latency)", fact: `observed latency ${fmtS(s)} s lands on the kernel's SYN retransmission schedule` } });
  }
  for (const h of ctx.hosts) {
    let n = 0;
    for (const l of h.latencies) {
      if (n >= 5) break;
      if (onSynLattice(l.seconds, h.kernel?.value)) {
        n++;
        out.push({ seconds: l.seconds, item: item(h.host, l.cite, `${l.what ?? "latency"} ${fmtS(l.seconds)} s lands on the kernel's SYN retransmission schedule`) });
      }
    }
  }
  return out;
}

export function captureItem(c: CaptureInput, fact: string, line?: number): EvidenceItem {
  const it: EvidenceItem = { host: c.host, file: c.file, fact };
  if (line !== undefined && line > 0) it.line = line;
  return it;
}

/**
 * A counter signal: a rise between two readings is `rising`; a non-zero value in a single reading (since
 * boot, so maybe long ago) is `standing`. Returns whether a rise was seen.
 */
export function counterSignal(
  c: Case, h: HostEvidence, name: string, key: string, rising: Strength, standing: Strength | null, meaning: string,
): "rose" | "standing" | "flat" | "absent" {
  const d = delta(h, name);
  if (d && d.delta > 0) {
    c.support(key, rising, item(h.host, d.toCite, `${deltaFact(d)}${meaning ? ` (${meaning})` : ""}`));
    return "rose";
  }
  const v = counter(h, name);
  if (!v) return "absent";
  if (v.value > 0 && standing) {
    const twoReadings = d !== undefined || hasDeltasFor(h, `${name.split(".")[0]}.`);
    if (!twoReadings) {
      // weighed by what it counts: a handful since boot (or since the namespace was made) says little,
      // thousands say it happens routinely
      const scale = v.value >= 1000 ? 1 : v.value >= 100 ? 0.75 : v.value >= 10 ? 0.5 : 0.3;
      c.support(key, standing, item(h.host, v.cite, `${name} = ${v.value} since boot or since the namespace was created (a single reading, so not necessarily during the incident)${meaning ? ` (${meaning})` : ""}`), scale);
      return "standing";
    }
  }
  return v.value > 0 ? "standing" : "flat";
}

/** SYNs that never got an answer in the captures: the client side of most SYN-dropping causes */
export function unansweredSyns(ctx: RuleContext): Array<{ c: CaptureInput; failed: number; retrans: number }> {
  const out: Array<{ c: CaptureInput; failed: number; retrans: number }> = [];
  for (const c of ctx.captures) {
    const retrans = Object.values(c.summary.synRetransHistogram).reduce((a, b) => a + b, 0);
    if (c.summary.handshakes.failed > 0 || retrans > 0) out.push({ c, failed: c.summary.handshakes.failed, retrans });
  }
  return out;
}
