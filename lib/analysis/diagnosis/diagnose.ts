/**
 * diagnose(): run every rule over all hosts' evidence, rank the findings, explain the latencies.
 * Pure and synchronous: no I/O.
 */
import { Analysis, LEADING_THRESHOLD, ROOT_CAUSE_THRESHOLD, type Finding } from "./model";
import { mayLead } from "./signals";
import type { DiagnoseInput, RuleContext } from "./context";
import { RULES } from "./rules";
import { explainLatency, fmtS } from "./timing";
import { configuredTimeouts, type Hop } from "./timeouts";

export function diagnose(input: DiagnoseInput): Analysis {
  const findings: Finding[] = [];
  const checked: Analysis["checked"] = [];
  const context = input.context ?? {};
  for (const rule of RULES) {
    const notes: string[] = [];
    const ctx: RuleContext = {
      hosts: input.hosts,
      captures: input.captures,
      latencies: input.latencies ?? [],
      context,
      check: (what) => notes.push(what),
    };
    let f: Finding | null = null;
    try {
      f = rule.run(ctx);
    } catch (err) {
      // one broken rule must not hide the others' findings
      notes.push(`rule failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (f) findings.push(f);
    const verdict = f
      ? `confidence ${f.confidence}${f.confidence >= ROOT_CAUSE_THRESHOLD ? "" : " (below the root-cause threshold)"}`
      : "no signal";
    checked.push({ id: rule.id, result: `${verdict}. Checked: ${notes.join("; ") || "nothing applicable in the evidence"}` });
  }
  findings.sort((a, b) => b.confidence - a.confidence || RULES.findIndex((r) => r.id === a.id) - RULES.findIndex((r) => r.id === b.id));
  const top = findings[0];
  const rootCause = top && top.confidence >= ROOT_CAUSE_THRESHOLD ? top.id : "none";
  // the leading hypothesis: the strongest finding below the threshold that rests on something observed
  // (or on a definite misconfiguration); settings that only make a cause possible do not lead
  const lead = rootCause === "none" ? findings.find((f) => f.confidence >= LEADING_THRESHOLD && mayLead(f)) : undefined;
  if (rootCause === "none") {
    checked.push({ id: "none", result: top ? `the strongest finding (${top.id}, ${top.confidence}) is below ${ROOT_CAUSE_THRESHOLD}${lead ? `; leading hypothesis: ${lead.id}` : ""}` : "no rule found a signal in the evidence" });
  }

  const kernelHost = input.hosts.find((h) => h.kernel);
  const kernel = kernelHost?.kernel?.value;
  const sysctls = kernelHost?.sysctls ?? {};
  const timeouts = configuredTimeouts(context.hops ?? inferHops(input));
  const latency = (input.latencies ?? []).map((s) => {
    const e = explainLatency(s, kernel, sysctls, timeouts);
    return { seconds: s, explanation: e.text };
  });
  // distinct slow latencies found in the evidence itself (timing files, slow access-log lines)
  const seen = new Set((input.latencies ?? []).map((s) => fmtS(s)));
  for (const h of input.hosts) {
    for (const l of h.latencies) {
      if (l.seconds < 0.9 || seen.has(fmtS(l.seconds)) || latency.length >= 20) continue;
      seen.add(fmtS(l.seconds));
      const e = explainLatency(l.seconds, h.kernel?.value ?? kernel, h.sysctls, timeouts);
      latency.push({ seconds: l.seconds, explanation: `${e.text} [${h.host} ${l.cite.file}${l.cite.line ? `:${l.cite.line}` : ""}${l.what ? `, ${l.what}` : ""}]` });
    }
  }

  const analysis: Analysis = {
    rootCause,
    leading: lead ? { id: lead.id, confidence: lead.confidence, next: lead.next ?? [] } : null,
    findings,
    checked,
    hosts: input.hosts.map((h) => {
      const out: Analysis["hosts"][number] = { name: h.host, files: h.files.map((f) => ({ path: f.path, kind: f.kind })) };
      if (h.kernel) out.kernel = h.kernel.value;
      if (h.unrecognized.length) out.unrecognized = h.unrecognized.map((u) => u.path);
      return out;
    }),
  };
  if (latency.length > 0) analysis.latency = latency;
  const observed = observe(input);
  if (observed) analysis.observed = observed;
  return Analysis.parse(analysis);
}

/**
 * Without a described request path, the proxies whose logs are in the bundle still bring their default
 * timeouts (ingress-nginx connects for 5 s, nginx for 60 s) to the latency explanations.
 */
function inferHops(input: DiagnoseInput): Hop[] {
  const kinds = new Set(input.hosts.flatMap((h) => h.files.map((f) => f.kind)));
  if (kinds.has("ingress-nginx-access-log")) return [{ name: "ingress-nginx (its logs are in the bundle)", kind: "ingress-nginx" }];
  if (kinds.has("nginx-access-log") || kinds.has("nginx-error-log")) return [{ name: "nginx (its logs are in the bundle)", kind: "nginx" }];
  return [];
}

function observe(input: DiagnoseInput): Analysis["observed"] {
  const out: NonNullable<Analysis["observed"]> = {};
  let total = 0;
  const byStatus: Record<string, number> = {};
  for (const h of input.hosts) {
    for (const a of h.accessLog) {
      total++;
      const k = String(a.status);
      byStatus[k] = (byStatus[k] ?? 0) + 1;
    }
  }
  if (total > 0) {
    const errors5xx = Object.entries(byStatus).filter(([k]) => k.startsWith("5")).reduce((n, [, v]) => n + v, 0);
    out.requests = { total, byStatus, errors5xx };
  }
  const caps = input.captures.filter((c) => c.summary.handshakes.attempted > 0);
  if (caps.length > 0) {
    // a text rendering and a pcap of the same packets are common in one bundle: count the busiest capture per host
    const perHost = new Map<string, DiagnoseInput["captures"][number]>();
    for (const c of caps) {
      const prev = perHost.get(c.host);
      if (!prev || c.summary.handshakes.attempted > prev.summary.handshakes.attempted) perHost.set(c.host, c);
    }
    let attempted = 0;
    let failed = 0;
    let synRetransmissions = 0;
    for (const c of perHost.values()) {
      attempted += c.summary.handshakes.attempted;
      failed += c.summary.handshakes.failed;
      synRetransmissions += Object.values(c.summary.synRetransHistogram).reduce((a, b) => a + b, 0);
    }
    out.handshakes = { attempted, failed, synRetransmissions };
  }
  const lats = [...(input.latencies ?? []), ...input.hosts.flatMap((h) => h.latencies.map((l) => l.seconds))];
  if (lats.length > 0) out.maxLatency = Math.max(...lats);
  return Object.keys(out).length > 0 ? out : undefined;
}
