/**
 * conntrack_table_full (failure-patterns.md §5a): nf_conntrack at its max; new flows are dropped.
 */
import type { HostEvidence } from "../../evidence/model";
import { delta, item, type Rule } from "../context";
import { Case } from "../signals";
import { latticeLatencies } from "./common";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

/** a conntrack stat as a delta if two readings exist, else its standing value */
export function ctStat(h: HostEvidence, name: string): { value: number; rose?: number; cite: { file: string; line?: number } } | undefined {
  const d = delta(h, `Conntrack.${name}`);
  const f = h.conntrack.stats[name];
  if (d) return { value: d.to, rose: d.delta, cite: d.toCite };
  if (f) return { value: f.value, cite: f.cite };
  return undefined;
}

export const rule: Rule = {
  id: "conntrack_table_full",
  run(ctx) {
    const c = new Case();
    const seen: string[] = [];
    for (const h of ctx.hosts) {
      for (const e of h.logEvents) {
        if (e.kind === "conntrack_table_full") c.support("dmesg", "H", item(h.host, e.cite, `kernel log: ${e.message.trim().slice(0, 160)}`));
      }
      const count = h.conntrack.count;
      const max = h.conntrack.max;
      if (count && max && max.value > 0) {
        const ratio = count.value / max.value;
        seen.push(`${h.host} ${count.value}/${max.value}`);
        if (ratio >= 0.95) c.support("count-max", "H", [item(h.host, count.cite, `nf_conntrack_count = ${count.value}, ${Math.round(ratio * 100)}% of nf_conntrack_max = ${max.value}`), item(h.host, max.cite, `nf_conntrack_max = ${max.value}`)]);
        else if (ratio >= 0.8) c.support("count-max", "M", item(h.host, count.cite, `nf_conntrack_count = ${count.value}, ${Math.round(ratio * 100)}% of nf_conntrack_max = ${max.value}`));
        else c.against(`${h.host}: nf_conntrack_count ${count.value} is far below nf_conntrack_max ${max.value}`, 0.7);
      }
      const early = ctStat(h, "early_drop");
      if (early && (early.rose ?? early.value) > 0) {
        // early_drop only runs when the table is full
        c.support("early-drop", early.rose ? "M" : "L", item(h.host, early.cite, `conntrack early_drop ${early.rose ? `rose by ${early.rose}` : `= ${early.value} (since boot)`}: the table was full and entries were evicted`));
      }
      const drop = ctStat(h, "drop");
      if (drop && (drop.rose ?? 0) > 0) c.support("drop", "M", item(h.host, drop.cite, `conntrack drop rose by ${drop.rose}`));
      else if (drop && drop.value > 0 && drop.rose === undefined) c.support("drop", "L", item(h.host, drop.cite, `conntrack drop = ${drop.value} since boot`));
    }
    if (c.hasSignals) {
      const lat = latticeLatencies(ctx);
      if (lat.length > 0) c.support("lattice-latency", "L", lat.slice(0, 3).map((l) => l.item));
    }
    ctx.check(`'nf_conntrack: table full' log lines, nf_conntrack_count vs max (${seen.join("; ") || "not in the evidence"}), conntrack -S drop / early_drop`);
    const next: NextStep[] = [];
    const node = theHost(ctx, "the node whose new connections fail");
    if (!c.has("count-max")) next.push(step(node, "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max", "a count at (or within a few % of) the max during the failures confirms a full table"));
    if (!c.has("dmesg")) next.push(step(node, "dmesg -T | grep -i 'nf_conntrack: table full'", "the kernel logs each drop of a full table"));
    if (!ctx.hosts.some((h) => h.deltas.some((d) => d.name.startsWith("Conntrack.")))) next.push(step(node, "conntrack -S; sleep 60; conntrack -S", "drop / early_drop rising between the two readings confirms new flows are being refused"));
    return c.finding({
      next,
      id: "conntrack_table_full",
      title: "Conntrack table full",
      summary: "The netfilter connection-tracking table reached nf_conntrack_max. The kernel could not evict enough unconfirmed entries, so it dropped the first packet of new flows (new SYNs, new DNS queries) while established flows kept working.",
      fix: [
        { command: "sysctl -w net.netfilter.nf_conntrack_max=<N> (or kube-proxy conntrack.maxPerCore / --conntrack-min)", risk: "Memory (about 300+ bytes per entry) and longer hash chains unless nf_conntrack_buckets grows too." },
        { command: "Shorten net.netfilter.nf_conntrack_tcp_timeout_established", risk: "Idle long-lived connections through NAT lose their entries and break." },
        { command: "Find the flow source filling the table (scanner, UDP storm, connection leak)", risk: "None." },
      ],
      references: [
        "https://github.com/torvalds/linux/blob/2c55d703391acf7e9101da596d0c15ee03b318a3/Documentation/networking/nf_conntrack-sysctl.rst",
        "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/ (--conntrack-max-per-core 32768, --conntrack-min 131072)",
      ],
    });
  },
};
