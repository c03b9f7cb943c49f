/**
 * conntrack_insert_race (failure-patterns.md §5b): the SNAT/DNAT insert race; parallel A/AAAA queries on one
 * socket clash at confirm time, one is dropped and the resolver waits its 5 s timeout.
 */
import { item, type Rule } from "../context";
import { Case } from "../signals";
import { fmtS } from "../timing";
import { ctStat } from "./conntrack_table_full";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

/** 5 s and 10 s resolver timeouts, plus the reply time */
function dnsQuantum(s: number): boolean {
  return (s >= 4.95 && s <= 5.6) || (s >= 9.95 && s <= 10.6);
}

export const rule: Rule = {
  id: "conntrack_insert_race",
  run(ctx) {
    const c = new Case();
    for (const h of ctx.hosts) {
      const failed = ctStat(h, "insert_failed");
      const drop = ctStat(h, "drop");
      if (!failed) continue;
      const fRose = failed.rose ?? 0;
      const dRose = drop?.rose ?? 0;
      if (fRose > 0 && dRose > 0) {
        c.support("insert-failed-drop", "M", [item(h.host, failed.cite, `conntrack insert_failed rose by ${fRose}`), item(h.host, drop!.cite, `and drop rose by ${dRose}: clashes that could not be resolved were dropped`)]);
      } else if (fRose > 0) {
        c.support("insert-failed", "L", item(h.host, failed.cite, `conntrack insert_failed rose by ${fRose} without drops (older kernels count resolved clashes too)`));
      } else if (failed.rose === undefined && failed.value > 0) {
        c.support("insert-failed", "L", item(h.host, failed.cite, `conntrack insert_failed = ${failed.value} since boot${drop && drop.value > 0 ? `, drop = ${drop.value}` : ""}`));
      }
    }
    const q: Array<{ s: number; where: { host: string; file: string; line?: number } }> = [];
    for (const s of ctx.latencies) if (dnsQuantum(s)) q.push({ s, where: { host: "(input)", file: "(--latency)" } });
    for (const h of ctx.hosts) for (const l of h.latencies) if (dnsQuantum(l.seconds)) q.push({ s: l.seconds, where: { host: h.host, file: l.cite.file, ...(l.cite.line ? { line: l.cite.line } : {}) } });
    if (q.length > 0) {
      // 5 s is also ingress-nginx's connect timeout and a point of the ≥ 6.5 SYN schedule: only supportive alone
      c.support("dns-5s", c.hasSignals ? "H" : "M", q.slice(0, 3).map((x) => ({ ...x.where, fact: `latency ${fmtS(x.s)} s sits on the 5 s resolver-timeout quantum` })), c.hasSignals ? 1 : 0.8);
    }
    ctx.check("conntrack -S insert_failed / drop (clash_resolve on newer kernels), latencies quantized at 5 s / 10 s");
    if (!c.hasSignals) return null;
    if (!c.has("insert-failed-drop") && !c.has("insert-failed")) c.against("no conntrack insert_failed in the evidence: a 5 s latency can also be ingress-nginx's 5 s proxy-connect-timeout or the 5 s point of the ≥ 6.5 SYN schedule", 0.8);
    const next: NextStep[] = [];
    const node = theHost(ctx, "the node of the pod whose lookups take 5 s");
    if (!ctx.hosts.some((h) => h.deltas.some((d) => d.name === "Conntrack.insert_failed"))) next.push(step(node, "conntrack -S; sleep 60; conntrack -S", "insert_failed (and drop) rising while lookups take 5 s confirms the race; no change rules it out"));
    next.push(step("the pod whose lookups are slow", "tcpdump -i any -nn -c 200 udp port 53", "an A and an AAAA query leaving from one source port where one gets no answer and is resent 5 s later confirms it"));
    return c.finding({
      next,
      id: "conntrack_insert_race",
      title: "Conntrack insert race (the 5 s DNS delay)",
      summary: "Two packets of one UDP flow (glibc's parallel A and AAAA queries from one socket) pass DNAT/SNAT before either conntrack entry is confirmed; the second clashes at insert time and is dropped. The resolver waits its 5 s timeout and retries, so lookups take 5 s (or 10 s).",
      fix: [
        { command: "Deploy NodeLocal DNSCache", risk: "One more DaemonSet to run; node-local cache staleness." },
        { command: "Pod dnsConfig options: single-request-reopen (or use-vc)", risk: "musl (Alpine) ignores single-request-reopen; use-vc moves DNS to TCP." },
        { command: "Run a kernel with clash resolution (≥ 4.19, ideally 5.x with clash_resolve)", risk: "A kernel upgrade." },
      ],
      references: [
        "torvalds/linux commit ed07d9a021df (netfilter: nf_conntrack: resolve clash for matching conntracks, 4.19)",
        "torvalds/linux commit 71d8c47fc653 (introduce clash resolution on insertion race)",
        "https://lists.ubuntu.com/archives/kernel-team/2019-July/102291.html",
      ],
    });
  },
};
