/**
 * findings → postmortem draft. Pure: the engineer edits the draft; nothing here invents facts that are not
 * in the Analysis.
 */
import type { Analysis, Finding } from "../diagnosis/model";
import { Postmortem, type ActionItem } from "./model";

const DETECT: Record<string, string> = {
  overlay_mtu_mismatch: "Alert on Ip.FragFails / ICMP type 3 rises on nodes and on 502/504s that correlate with request size; check CNI MTU against the underlay in node bootstrap.",
  pmtu_blackhole: "Alert on retransmission spikes of full-size segments and TcpExt.TCPMTUPFail; test `ping -M do -s <MTU-28>` across the path after network changes.",
  tw_recycle_nat_paws: "Alert on TcpExt.PAWSPassive / ListenDrops rises; lint sysctl.d for tcp_tw_recycle.",
  port_range_nodeport_collision: "Check net.ipv4.ip_local_port_range and ip_local_reserved_ports against --service-node-port-range in node bootstrap.",
  accept_queue_overflow: "Alert on TcpExt.ListenOverflows / ListenDrops rate and on ss -ltn Recv-Q near Send-Q.",
  keepalive_timeout_mismatch: "Track 502s with 'upstream prematurely closed' / 104 resets per upstream, and document idle timeouts of every hop.",
  bridge_subnet_collision: "Check container bridge and pod/service CIDRs against the routed LAN prefixes when provisioning hosts.",
  conntrack_table_full: "Alert on nf_conntrack_count / nf_conntrack_max above 80% and on 'table full' kernel messages.",
  conntrack_insert_race: "Alert on conntrack insert_failed + drop rises and on DNS latency at 5 s.",
  ephemeral_port_exhaustion: "Alert on TIME_WAIT count per destination and on 'Cannot assign requested address' errors.",
  rp_filter_asymmetric_route: "Alert on TcpExt.IPReversePathFilter rises; enable log_martians while debugging.",
  bridge_nf_call_iptables_disabled: "Check br_netfilter and net.bridge.bridge-nf-call-iptables=1 in node bootstrap (kubeadm no longer does since 1.30).",
};

function triggerOf(f: Finding): string {
  const first = f.evidence.slice(0, 3).map((e) => `${e.fact} (${e.host}: ${e.file}${e.line ? `:${e.line}` : ""})`);
  return first.length ? first.join("; ") : "not established from the evidence";
}

export function toReport(a: Analysis): Postmortem {
  const top = a.rootCause !== "none" ? a.findings[0] : undefined;
  const hosts = a.hosts.map((h) => h.name).join(", ") || "no hosts";
  const latencyText = (a.latency ?? []).map((l) => l.explanation).join(" ");
  const actionItems: ActionItem[] = [];
  if (top) {
    top.fix.forEach((fx, i) => actionItems.push({ action: fx.command, risk: fx.risk, kind: i === 0 ? "mitigate" : "prevent", finding: top.id }));
    actionItems.push({ action: DETECT[top.id] ?? "Add monitoring for the signals in the evidence appendix.", risk: "None.", kind: "detect", finding: top.id });
  }
  const appendix = a.findings.flatMap((f) => f.evidence.map((e) => ({ ...e, finding: f.id })));
  const report: Postmortem = {
    title: top ? `Postmortem draft: ${top.title}` : "Postmortem draft: no network- or kernel-level root cause found",
    summary: top
      ? `${top.summary} Diagnosed with confidence ${top.confidence} from evidence of ${a.hosts.length} host(s) (${hosts}).`
      : `The evidence of ${a.hosts.length} host(s) (${hosts}) shows no network- or kernel-level cause above the threshold. ${a.findings.length ? `Weaker leads: ${a.findings.map((f) => `${f.id} (${f.confidence})`).join(", ")}.` : "No rule found a signal."}`,
    impact: impactOf(a, latencyText),
    rootCause: top
      ? { id: top.id, title: top.title, confidence: top.confidence, explanation: top.summary }
      : { id: "none", title: "No root cause identified", confidence: 0, explanation: "See the list of what was checked." },
    trigger: top ? triggerOf(top) : "not established",
    resolution: top?.fix[0] ? `${top.fix[0].command} (risk: ${top.fix[0].risk})` : "No change indicated by the evidence.",
    detection: top ? DETECT[top.id] ?? "" : "Collect counters before and after the incident window (nstat, netstat -s) to get deltas next time.",
    actionItems,
    alternatives: a.findings.filter((f) => f !== top).map((f) => ({ id: f.id, title: f.title, confidence: f.confidence })),
    evidenceAppendix: appendix,
    checked: a.checked,
  };
  return Postmortem.parse(report);
}

function esc(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function toMarkdown(r: Postmortem): string {
  const out: string[] = [];
  out.push(`# ${r.title}`, "");
  out.push("## Summary", "", r.summary, "");
  out.push("## Impact", "", r.impact, "");
  out.push("## Root cause", "", `**${r.rootCause.title}** (\`${r.rootCause.id}\`, confidence ${r.rootCause.confidence})`, "", r.rootCause.explanation, "");
  out.push("## Trigger", "", r.trigger, "");
  out.push("## Resolution", "", r.resolution, "");
  out.push("## Detection", "", r.detection || "—", "");
  out.push("## Action items", "");
  if (r.actionItems.length === 0) out.push("None.");
  else {
    out.push("| kind | action | risk |", "|---|---|---|");
    for (const a of r.actionItems) out.push(`| ${a.kind} | ${esc(a.action)} | ${esc(a.risk)} |`);
  }
  out.push("");
  if (r.alternatives.length) {
    out.push("## Other findings", "");
    for (const f of r.alternatives) out.push(`- ${f.title} (\`${f.id}\`, confidence ${f.confidence})`);
    out.push("");
  }
  out.push("## Evidence appendix", "");
  if (r.evidenceAppendix.length === 0) out.push("No evidence items.");
  else {
    out.push("| finding | host | file | line | fact |", "|---|---|---|---|---|");
    for (const e of r.evidenceAppendix) out.push(`| ${e.finding} | ${esc(e.host)} | ${esc(e.file)} | ${e.line ?? ""} | ${esc(e.fact)} |`);
  }
  out.push("", "## What was checked", "");
  for (const c of r.checked) out.push(`- \`${c.id}\`: ${c.result}`);
  out.push("");
  return out.join("\n");
}

function impactOf(a: Analysis, latencyText: string): string {
  const parts: string[] = [];
  const o = a.observed;
  if (o?.requests) {
    const statuses = Object.entries(o.requests.byStatus).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => `${v} × ${k}`).join(", ");
    parts.push(`${o.requests.errors5xx} of ${o.requests.total} logged requests failed with 5xx (${statuses}).`);
  }
  if (o?.handshakes && (o.handshakes.failed > 0 || o.handshakes.synRetransmissions > 0)) {
    parts.push(`${o.handshakes.failed} of ${o.handshakes.attempted} captured TCP handshakes got no answer; ${o.handshakes.synRetransmissions} SYN retransmissions.`);
  }
  if (o?.maxLatency !== undefined && o.maxLatency >= 1) parts.push(`Slowest observed latency: ${Number(o.maxLatency.toFixed(2))} s.`);
  if (latencyText) parts.push(latencyText);
  return parts.length > 0 ? parts.join(" ") : "Not stated in the evidence: add the user-visible effect (error rate, latency, duration).";
}
