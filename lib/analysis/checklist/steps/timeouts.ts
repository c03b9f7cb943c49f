/** Step 1, timeouts: the timeout chain, latencies against the kernel's SYN schedule, the schedule itself. */
import { explainLatency, synSchedule } from "../../diagnosis/timing";
import { collect } from "../collect";
import { cite, findingFacts, findingStatus, fmt, hasKind, item, nextSteps, worst, type Ctx } from "../context";
import type { Citation, ChecklistItem, ItemStatus } from "../model";

const PROXY_KINDS = ["nginx-error-log", "envoy-access-log", "nginx-access-log", "ingress-nginx-access-log"];

function chain(ctx: Ctx): ChecklistItem {
  const ids = ["keepalive_timeout_mismatch"];
  const facts: Citation[] = findingFacts(ctx, "keepalive_timeout_mismatch");
  const idleErrors = ctx.hosts.flatMap((h) =>
    h.logEvents
      .filter((e) => e.kind === "upstream_prematurely_closed" || (e.kind === "connection_reset" && /reading response header/.test(e.phase ?? e.message)))
      .map((e) => ({ h, e })),
  );
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) {
    const f = ctx.findingsById.get("keepalive_timeout_mismatch")!;
    return item("timeouts", {
      key: "timeouts.chain",
      title: "Timeout chain: load balancer idle, proxy keepalive, upstream idle",
      status: byFinding,
      summary: `${f.title} (confidence ${f.confidence}). An upstream closing idle connections sooner than the proxy reuses them turns into 502s.`,
      facts,
      collect: [],
      findings: ids,
    });
  }
  if (idleErrors.length > 0) {
    return item("timeouts", {
      key: "timeouts.chain",
      title: "Timeout chain: load balancer idle, proxy keepalive, upstream idle",
      status: "warn",
      summary: `${idleErrors.length} proxy error(s) on reused upstream connections (prematurely closed / reset while reading the response header): compare each hop's idle timeout with the next one's.`,
      facts: idleErrors.slice(0, 4).map(({ h, e }) => cite(h.host, e.cite, e.message.slice(0, 200))),
      collect: nextSteps(ctx, ids),
      findings: ids,
    });
  }
  const proxies = ctx.hosts.filter((h) => hasKind(h, ...PROXY_KINDS));
  if (proxies.length > 0) {
    return item("timeouts", {
      key: "timeouts.chain",
      title: "Timeout chain: load balancer idle, proxy keepalive, upstream idle",
      status: "pass",
      summary: `No upstream connection closed or reset under the proxy in the logs of ${proxies.map((h) => h.host).join(", ")}.`,
      facts: proxies.flatMap((h) => h.files.filter((f) => PROXY_KINDS.includes(f.kind)).map((f) => cite(h.host, { file: f.path }, `${f.kind} read: no prematurely-closed or reset upstream connection`))).slice(0, 4),
      collect: [],
    });
  }
  return item("timeouts", {
    key: "timeouts.chain",
    title: "Timeout chain: load balancer idle, proxy keepalive, upstream idle",
    status: "unknown",
    summary: "No proxy logs yet: the chain cannot be checked. Send the proxy's error log; note each hop's idle timeout (load balancer, ingress keepalive_timeout, upstream keep-alive).",
    facts: [],
    collect: [...nextSteps(ctx, ids), ...collect("errorLog", ctx.allHosts)],
  });
}

function latencies(ctx: Ctx): ChecklistItem {
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  let onSchedule = 0;
  let onTimeout = 0;
  let slow = 0;
  let seen = 0;
  for (const h of ctx.hosts) {
    const kernel = h.kernel?.value;
    const sysctls = Object.fromEntries(Object.entries(h.sysctls).map(([k, v]) => [k, v.value]));
    // one reading per distinct latency (10 ms), slowest first: a hundred 31.7 s lines say one thing
    const distinct = new Map<number, (typeof h.latencies)[number]>();
    for (const l of h.latencies) {
      seen++;
      if (l.seconds < 0.9) continue;
      const k = Math.round(l.seconds * 100);
      if (!distinct.has(k)) distinct.set(k, l);
    }
    for (const l of [...distinct.values()].sort((a, b) => b.seconds - a.seconds)) {
      slow++;
      const x = explainLatency(l.seconds, kernel, sysctls);
      if (x.kind === "syn" || x.kind === "synack") {
        onSchedule++;
        status = worst(status, l.seconds >= 2.5 ? "fail" : "warn");
      } else if (x.kind === "timeout") {
        onTimeout++;
        status = worst(status, "warn");
      } else status = worst(status, "warn");
      if (facts.length < 6) facts.push(cite(h.host, l.cite, x.text));
    }
  }
  for (const l of ctx.analysis?.latency ?? []) {
    if (facts.length < 6 && !facts.some((f) => f.fact === l.explanation)) facts.push({ host: "(given)", file: "(incident)", fact: l.explanation });
  }
  const key = "timeouts.latency";
  const title = "Observed latencies against the kernel's SYN schedule and configured timeouts";
  if (seen === 0 && (ctx.analysis?.latency ?? []).length === 0) {
    return item("timeouts", {
      key, title, status: "unknown",
      summary: "No latencies in the evidence. Timings or an access log with request times show whether slow requests land on the SYN retry schedule (1, 2, 3… or 1, 3, 7… s).",
      facts: [],
      collect: [...collect("latency", ctx.allHosts.slice(0, 1)), ...collect("accessLog", ctx.allHosts.slice(0, 1))],
    });
  }
  if (slow === 0) {
    const n = ctx.analysis?.latency?.length ?? 0;
    for (const h of ctx.hosts) {
      const top = h.latencies.reduce<(typeof h.latencies)[number] | undefined>((a, l) => (!a || l.seconds > a.seconds ? l : a), undefined);
      if (top && facts.length < 4) facts.push(cite(h.host, top.cite, `slowest of ${fmt(h.latencies.length)} latencies: ${fmt(top.seconds)} s${top.what ? ` (${top.what})` : ""}`));
    }
    return item("timeouts", {
      key, title, status: n > 0 ? "warn" : "pass",
      summary: n > 0 ? `The given latencies: ${facts.map((f) => f.fact).join(" ")}` : `All ${fmt(seen)} latencies in the evidence are under 0.9 s.`,
      facts, collect: [],
    });
  }
  return item("timeouts", {
    key, title, status,
    summary: `${slow} distinct slow latenc${slow === 1 ? "y" : "ies"} (≥ 0.9 s): ${onSchedule} on the kernel's SYN / SYN-ACK retransmission schedule${onTimeout ? `, ${onTimeout} on a configured timeout` : ""}. A latency on the schedule means handshakes were lost and retried.`,
    facts, collect: [],
  });
}

function schedule(ctx: Ctx): ChecklistItem {
  const facts: Citation[] = [];
  const missing: string[] = [];
  for (const h of ctx.hosts) {
    if (!h.kernel) {
      missing.push(h.host);
      continue;
    }
    const sysctls = Object.fromEntries(Object.entries(h.sysctls).map(([k, v]) => [k, v.value]));
    const s = synSchedule(h.kernel.value, sysctls);
    facts.push(cite(h.host, h.kernel.cite, `SYN retransmissions at +${s.retransmits.map(fmt).join(", +")} s, gives up at ${fmt(s.giveUp)} s (${s.basis})`));
  }
  const key = "timeouts.syn-schedule";
  const title = "The kernel's SYN retry schedule on each host";
  if (facts.length === 0) {
    return item("timeouts", {
      key, title, status: "unknown",
      summary: "No kernel version yet: the schedule differs before and after 6.5 (1, 3, 7, 15… s vs 1, 2, 3, 4, 5, 7… s).",
      facts: [], collect: collect("synSysctls", ctx.allHosts),
    });
  }
  return item("timeouts", {
    key, title, status: "pass",
    summary: `Known for ${facts.length} host(s)${missing.length ? `; unknown for ${missing.join(", ")}` : ""}.`,
    facts, collect: missing.length ? collect("synSysctls", missing) : [],
  });
}

export function timeoutsStep(ctx: Ctx): ChecklistItem[] {
  return [chain(ctx), latencies(ctx), schedule(ctx)];
}
