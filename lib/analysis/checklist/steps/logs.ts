/** Step 3, logs: proxy errors, 5xx over time, kernel log lines. */
import type { LogEventKind } from "../../evidence/model";
import { collect } from "../collect";
import { cite, fmt, hasKind, item, nextSteps, plural, type Ctx } from "../context";
import type { Citation, ChecklistItem, ItemStatus } from "../model";

const PROXY_ERRORS: Partial<Record<LogEventKind, string>> = {
  upstream_prematurely_closed: "upstream prematurely closed connection",
  connection_reset: "104: Connection reset by peer",
  upstream_timed_out: "110: upstream timed out",
  no_live_upstreams: "no live upstreams",
  connection_refused: "111: Connection refused",
  cannot_assign_address: "99: Cannot assign requested address",
};
const KERNEL_EVENTS: Partial<Record<LogEventKind, { label: string; status: ItemStatus }>> = {
  conntrack_table_full: { label: "nf_conntrack: table full, dropping packet", status: "fail" },
  neighbour_table_overflow: { label: "neighbour table overflow", status: "fail" },
  syn_flooding: { label: "possible SYN flooding", status: "warn" },
  martian_source: { label: "martian source", status: "warn" },
};

function proxyErrors(ctx: Ctx): ChecklistItem {
  const key = "logs.proxy-errors";
  const title = "Proxy errors: prematurely closed, 104 reset, upstream timed out";
  const counts = new Map<string, number>();
  const facts: Citation[] = [];
  const logs = ctx.hosts.filter((h) => hasKind(h, "nginx-error-log"));
  for (const h of ctx.hosts) {
    for (const e of h.logEvents) {
      const label = PROXY_ERRORS[e.kind];
      if (!label) continue;
      counts.set(label, (counts.get(label) ?? 0) + 1);
      if (facts.filter((f) => f.fact.startsWith(label)).length < 2 && facts.length < 8) facts.push(cite(h.host, e.cite, `${label}: ${e.message.slice(0, 180)}`));
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total > 0) {
    return item("logs", {
      key, title, status: "fail",
      summary: `${plural(total, "proxy error")}: ${[...counts].map(([k, v]) => `${fmt(v)} × ${k}`).join(", ")}.`,
      facts, collect: [],
      findings: ["keepalive_timeout_mismatch", "ephemeral_port_exhaustion"].filter((id) => ctx.findingsById.has(id)),
    });
  }
  if (logs.length > 0) {
    return item("logs", {
      key, title, status: "pass",
      summary: `No upstream errors in the error logs of ${logs.map((h) => h.host).join(", ")}.`,
      facts: logs.flatMap((h) => h.files.filter((f) => f.kind === "nginx-error-log").map((f) => cite(h.host, { file: f.path }, "error log read: no upstream errors"))).slice(0, 4),
      collect: [],
    });
  }
  return item("logs", {
    key, title, status: "unknown", summary: "No proxy error log yet.", facts: [],
    collect: [...nextSteps(ctx, ["keepalive_timeout_mismatch"]), ...collect("errorLog", ctx.allHosts)],
  });
}

function fiveXX(ctx: Ctx): ChecklistItem {
  const key = "logs.5xx";
  const title = "5xx responses over time";
  let total = 0;
  let errors = 0;
  const byStatus = new Map<number, number>();
  const facts: Citation[] = [];
  let first: string | undefined;
  let last: string | undefined;
  for (const h of ctx.hosts) {
    for (const a of h.accessLog) {
      total++;
      if (a.status < 500) continue;
      errors++;
      byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
      if (a.time) {
        if (!first || a.time < first) first = a.time;
        if (!last || a.time > last) last = a.time;
      }
      if (facts.length < 4) facts.push(cite(h.host, a.cite, `${a.status}${a.method ? ` ${a.method}` : ""}${a.path ? ` ${a.path.slice(0, 80)}` : ""}${a.requestTime !== undefined ? ` in ${a.requestTime} s` : ""}${a.upstreamAddr.length ? ` via ${a.upstreamAddr.join(", ")}` : ""}`));
    }
  }
  if (total === 0) {
    const requests = ctx.analysis?.observed?.requests;
    if (requests && requests.total > 0) {
      return item("logs", {
        key, title, status: requests.errors5xx > 0 ? "fail" : "pass",
        summary: `${fmt(requests.errors5xx)} of ${fmt(requests.total)} logged requests failed with 5xx.`, facts: [], collect: [],
      });
    }
    return item("logs", { key, title, status: "unknown", summary: "No access log yet.", facts: [], collect: collect("accessLog", ctx.allHosts) });
  }
  const ratio = errors / total;
  if (errors === 0) {
    for (const h of ctx.hosts) {
      const f = h.files.find((x) => /access-log$/.test(x.kind));
      if (f && facts.length < 4) facts.push(cite(h.host, { file: f.path }, `${fmt(h.accessLog.length)} requests logged, none 5xx`));
    }
  }
  const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${fmt(n)} × ${s}`).join(", ");
  return item("logs", {
    key, title,
    status: errors === 0 ? "pass" : ratio >= 0.01 ? "fail" : "warn",
    summary:
      errors === 0
        ? `None of ${fmt(total)} logged requests failed with 5xx.`
        : `${fmt(errors)} of ${fmt(total)} logged requests (${(ratio * 100).toFixed(2)} %) failed: ${statuses}${first ? `, from ${first} to ${last}` : ""}.`,
    facts, collect: [],
  });
}

function kernelLog(ctx: Ctx): ChecklistItem {
  const key = "logs.kernel";
  const title = "Kernel log lines: conntrack full, SYN flooding, martians, neighbour overflow";
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  const logs = ctx.hosts.filter((h) => hasKind(h, "kernel-log"));
  for (const h of ctx.hosts) {
    const byKind = new Map<string, number>();
    for (const e of h.logEvents) {
      const k = KERNEL_EVENTS[e.kind];
      if (!k) continue;
      byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
      if (k.status === "fail") status = "fail";
      else if (status === "pass") status = "warn";
      if ((byKind.get(e.kind) ?? 0) <= 2 && facts.length < 8) facts.push(cite(h.host, e.cite, `${k.label}: ${e.message.slice(0, 180)}`));
    }
  }
  if (facts.length > 0) {
    return item("logs", {
      key, title, status,
      summary: `${plural(facts.length, "kernel message")} of interest (first ones shown).`,
      facts, collect: [],
      findings: ["conntrack_table_full", "rp_filter_asymmetric_route", "accept_queue_overflow"].filter((id) => ctx.findingsById.has(id)),
    });
  }
  if (logs.length > 0) {
    return item("logs", {
      key, title, status: "pass", summary: `Nothing of interest in the kernel logs of ${logs.map((h) => h.host).join(", ")}.`,
      facts: logs.flatMap((h) => h.files.filter((f) => f.kind === "kernel-log").map((f) => cite(h.host, { file: f.path }, "kernel log read: nothing of interest"))).slice(0, 4),
      collect: [],
    });
  }
  return item("logs", { key, title, status: "unknown", summary: "No kernel log yet.", facts: [], collect: collect("kernelLog", ctx.allHosts) });
}

export function logsStep(ctx: Ctx): ChecklistItem[] {
  return [proxyErrors(ctx), fiveXX(ctx), kernelLog(ctx)];
}
