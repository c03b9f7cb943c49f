/** Step 4, capture: flows by state, unanswered SYNs and their offsets, MTU black-hole signals, resets. */
import type { ConnState } from "../../capture/model";
import { synSchedule } from "../../diagnosis/timing";
import { collect } from "../collect";
import { findingFacts, findingStatus, fmt, item, leadSummary, nextSteps, plural, worst, type Ctx } from "../context";
import type { Citation, ChecklistItem, ItemStatus } from "../model";

const RESET: ConnState[] = ["REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH"];

function noCapture(ctx: Ctx, key: string, title: string, ids: string[] = []): ChecklistItem {
  return item("capture", {
    key, title, status: "unknown", summary: "No capture yet.", facts: [],
    collect: [...nextSteps(ctx, ids), ...collect("capture", ctx.allHosts)], findings: ids,
  });
}

function flows(ctx: Ctx): ChecklistItem {
  const key = "capture.flows";
  const title = "Flows by state and failed handshakes";
  if (ctx.captures.length === 0) return noCapture(ctx, key, title);
  let attempted = 0;
  let failed = 0;
  const facts: Citation[] = [];
  for (const c of ctx.captures) {
    const s = c.summary;
    attempted += s.handshakes.attempted;
    failed += s.handshakes.failed;
    const states = Object.entries(s.flowsByState).map(([k, v]) => `${k} ${fmt(v ?? 0)}`).join(", ");
    facts.push({ host: c.host, file: c.file, fact: `${fmt(s.tcpFlows)} TCP flows (${states || "none"}); handshakes ${fmt(s.handshakes.attempted)} attempted, ${fmt(s.handshakes.completed)} completed, ${fmt(s.handshakes.failed)} failed, ${fmt(s.handshakes.refused)} refused` });
  }
  const ratio = attempted > 0 ? failed / attempted : 0;
  return item("capture", {
    key, title,
    status: failed === 0 ? "pass" : ratio >= 0.05 || failed >= 3 ? "fail" : "warn",
    summary: failed === 0 ? `All ${fmt(attempted)} captured handshakes completed.` : `${fmt(failed)} of ${fmt(attempted)} captured handshakes failed (${(ratio * 100).toFixed(1)} %).`,
    facts: facts.slice(0, 6), collect: [],
  });
}

function synRetrans(ctx: Ctx): ChecklistItem {
  const key = "capture.syn-retrans";
  const title = "Unanswered SYNs and their retransmission offsets vs the kernel's schedule";
  if (ctx.captures.length === 0) return noCapture(ctx, key, title, ["accept_queue_overflow", "tw_recycle_nat_paws", "port_range_nodeport_collision"]);
  const facts: Citation[] = [];
  let syn = 0;
  let synAck = 0;
  for (const c of ctx.captures) {
    const s = c.summary;
    const hist = (h: Record<string, number>) => Object.entries(h).map(([k, v]) => [Number(k), v] as const).sort((a, b) => a[0] - b[0]);
    const sh = hist(s.synRetransHistogram);
    const ah = hist(s.synAckRetransHistogram);
    syn += sh.reduce((a, [, v]) => a + v, 0);
    synAck += ah.reduce((a, [, v]) => a + v, 0);
    const host = ctx.hosts.find((h) => h.host === c.host);
    const sched = synSchedule(host?.kernel?.value, host ? Object.fromEntries(Object.entries(host.sysctls).map(([k, v]) => [k, v.value])) : {});
    if (sh.length) facts.push({ host: c.host, file: c.file, fact: `SYN retransmissions at +${sh.map(([k, v]) => `${fmt(k)} s (${fmt(v)}×)`).join(", +")}; the kernel's schedule: +${sched.retransmits.slice(0, 8).map(fmt).join(", +")} s` });
    if (ah.length) facts.push({ host: c.host, file: c.file, fact: `SYN-ACK retransmissions at +${ah.map(([k, v]) => `${fmt(k)} s (${fmt(v)}×)`).join(", +")}` });
  }
  if (syn + synAck === 0) {
    return item("capture", {
      key, title, status: "pass", summary: "No SYN or SYN-ACK was retransmitted in the captures.",
      facts: ctx.captures.slice(0, 4).map((c) => ({ host: c.host, file: c.file, fact: `${fmt(c.summary.handshakes.attempted)} handshakes, no SYN or SYN-ACK retransmitted` })),
      collect: [],
    });
  }
  const ids = ["accept_queue_overflow", "tw_recycle_nat_paws", "port_range_nodeport_collision", "bridge_nf_call_iptables_disabled", "rp_filter_asymmetric_route"].filter((id) => ctx.findingsById.has(id));
  return item("capture", {
    key, title, status: "fail",
    summary: `${plural(syn, "SYN retransmission")}${synAck ? ` and ${plural(synAck, "SYN-ACK retransmission")}` : ""}: handshakes were dropped and retried on the kernel's timer, each retry adding the schedule's delay to the request.`,
    facts: facts.slice(0, 6), collect: [], findings: ids,
  });
}

function mtu(ctx: Ctx): ChecklistItem {
  const ids = ["overlay_mtu_mismatch", "pmtu_blackhole"];
  const key = "capture.mtu";
  const title = "MTU black-hole signals: full-size segments lost, ICMP frag-needed";
  if (ctx.captures.length === 0) return noCapture(ctx, key, title, ids);
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  for (const c of ctx.captures) {
    const s = c.summary;
    if (s.mtuBlackholeFlows > 0) {
      status = "fail";
      const f = s.flows.find((x) => x.mtuBlackhole);
      facts.push({ host: c.host, file: c.file, fact: `${plural(s.mtuBlackholeFlows, "flow")} retransmitted full-size segments that never got through while smaller ones did${f?.mtuBlackhole ? ` (e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port}, ${f.mtuBlackhole.segmentSize}-byte segments)` : ""}` });
    }
    if (s.icmpMtu.length > 0) {
      status = worst(status, "warn");
      facts.push({ host: c.host, file: c.file, fact: `${plural(s.icmpMtu.length, "ICMP frag-needed / packet-too-big message")} (MTU ${[...new Set(s.icmpMtu.map((i) => i.mtu))].join(", ")})` });
    }
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) status = worst(status, byFinding);
  const lead = own === "pass" && status !== "pass" ? leadSummary(ctx, ids) : undefined;
  for (const id of ids) for (const f of findingFacts(ctx, id, 2)) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  if (facts.length === 0) for (const c of ctx.captures.slice(0, 4)) facts.push({ host: c.host, file: c.file, fact: `${fmt(c.summary.tcpFlows)} TCP flows: no full-size segment lost, no ICMP frag-needed (largest IP packet ${fmt(c.summary.maxIpLength)} bytes)` });
  return item("capture", {
    key, title, status,
    summary: lead ?? (status === "pass" ? "No full-size segment went missing and no ICMP frag-needed was seen." : status === "fail" ? "Large packets vanish on the path while small ones pass: an MTU black hole." : "The path MTU is smaller somewhere (ICMP frag-needed seen): check the MTUs along the path."),
    facts: facts.slice(0, 6), collect: [], findings: ids.filter((id) => ctx.findingsById.has(id)),
  });
}

function resets(ctx: Ctx): ChecklistItem {
  const key = "capture.resets";
  const title = "Resets";
  if (ctx.captures.length === 0) return noCapture(ctx, key, title);
  const facts: Citation[] = [];
  let n = 0;
  for (const c of ctx.captures) {
    const r = RESET.reduce((a, st) => a + (c.summary.flowsByState[st] ?? 0), 0);
    n += r;
    if (r > 0) facts.push({ host: c.host, file: c.file, fact: `${plural(r, "flow")} ended by a reset (${RESET.filter((st) => c.summary.flowsByState[st]).map((st) => `${st} ${c.summary.flowsByState[st]}`).join(", ")})` });
  }
  if (n === 0) for (const c of ctx.captures.slice(0, 4)) facts.push({ host: c.host, file: c.file, fact: `${fmt(c.summary.tcpFlows)} TCP flows, none reset` });
  return item("capture", {
    key, title, status: n === 0 ? "pass" : "warn",
    summary: n === 0 ? "No flow was reset." : `${plural(n, "flow")} ended with a reset: refused connections, or a peer closing a connection the other side still used.`,
    facts, collect: [],
    findings: ["keepalive_timeout_mismatch", "bridge_nf_call_iptables_disabled"].filter((id) => ctx.findingsById.has(id)),
  });
}

export function captureStep(ctx: Ctx): ChecklistItem[] {
  return [flows(ctx), synRetrans(ctx), mtu(ctx), resets(ctx)];
}
