/** Step 2, resources: accept queues, conntrack, ephemeral ports and TIME-WAIT, the local port range vs NodePorts. */
import { delta } from "../../diagnosis/context";
import type { HostEvidence } from "../../evidence/model";
import { collect } from "../collect";
import { cite, findingFacts, findingStatus, fmt, item, leadSummary, nextSteps, plural, worst, type Ctx } from "../context";
import type { Citation, ChecklistItem, ItemStatus } from "../model";

function acceptQueue(ctx: Ctx): ChecklistItem {
  const ids = ["accept_queue_overflow"];
  const key = "resources.accept-queue";
  const title = "Accept queues: Recv-Q vs backlog, somaxconn, ListenOverflows";
  const facts: Citation[] = [];
  // what was looked at and is fine comes after what is wrong
  const quiet: Citation[] = [];
  let status: ItemStatus = "pass";
  let looked = false;
  const servers: string[] = [];
  for (const h of ctx.hosts) {
    const somaxconn = h.sysctls["net.core.somaxconn"];
    for (const l of h.listeners) {
      if (l.proto !== "tcp" || l.backlogKnown === false) continue;
      looked = true;
      servers.push(h.host);
      if (l.sendQ > 0 && l.recvQ >= l.sendQ) {
        status = "fail";
        facts.push(cite(h.host, l.cite, `listener ${l.local}:${l.port}${l.process ? ` (${l.process})` : ""} has ${l.recvQ} connections waiting on a backlog of ${l.sendQ}: the accept queue is full`));
      }
    }
    for (const name of ["TcpExt.ListenOverflows", "TcpExt.ListenDrops"]) {
      const d = delta(h, name);
      const c = h.counters[name];
      if (d && d.delta > 0) {
        looked = true;
        status = "fail";
        facts.push(cite(h.host, d.toCite, `${name} rose by ${fmt(d.delta)} (${fmt(d.from)} → ${fmt(d.to)})${d.seconds ? ` in ${fmt(d.seconds)} s` : ""}`));
      } else if (c) {
        looked = true;
        if (c.value === 0 || d) quiet.push(cite(h.host, c.cite, `${name} = ${fmt(c.value)}${h.deltas.length ? " (no rise between the readings)" : ""}`));
        if (c.value > 0 && !d) {
          status = worst(status, "warn");
          facts.push(cite(h.host, c.cite, `${name} = ${fmt(c.value)} since boot (one reading: not known whether it rose during the incident)`));
        }
      }
    }
    if (somaxconn && (looked || h.listeners.length > 0)) quiet.push(cite(h.host, somaxconn.cite, `net.core.somaxconn = ${somaxconn.value}`));
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) {
    status = worst(status, byFinding);
    for (const f of findingFacts(ctx, "accept_queue_overflow")) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  }
  if (!looked && !byFinding) {
    return item("resources", {
      key, title, status: "unknown",
      summary: "No listener backlog or listen-overflow counter in the evidence yet.",
      facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("listeners", ctx.allHosts), ...collect("listenCounters", ctx.allHosts)],
      findings: ids,
    });
  }
  const summary =
    own === "pass" && status !== "pass"
      ? leadSummary(ctx, ids)!
      : status === "fail"
      ? "Connections were dropped at a full accept queue: clients wait for their SYN retransmission timer (1, 2, 3… s)."
      : status === "warn"
        ? "Listen overflows happened at some time since boot; a second reading shows whether they happen now."
        : `No listener at its backlog and no listen overflows (${[...new Set(servers)].join(", ") || "counters only"}).`;
  return item("resources", {
    key, title, status, summary, facts: [...facts, ...quiet].slice(0, 8),
    collect: status === "warn" ? collect("listenCounters", [...new Set(ctx.hosts.filter((h) => h.counters["TcpExt.ListenOverflows"]).map((h) => h.host))]) : [],
    findings: ids,
  });
}

function conntrack(ctx: Ctx): ChecklistItem {
  const ids = ["conntrack_table_full", "conntrack_insert_race"];
  const key = "resources.conntrack";
  const title = "Conntrack: count vs max, drops and insert failures";
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  let looked = false;
  for (const h of ctx.hosts) {
    const { count, max } = h.conntrack;
    if (count && max && max.value > 0) {
      looked = true;
      const ratio = count.value / max.value;
      const s: ItemStatus = ratio >= 0.9 ? "fail" : ratio >= 0.75 ? "warn" : "pass";
      status = worst(status, s);
      facts.push(cite(h.host, count.cite, `nf_conntrack_count ${fmt(count.value)} of nf_conntrack_max ${fmt(max.value)} (${(ratio * 100).toFixed(1)} %)`));
    }
    for (const [stat, bad] of [["drop", "fail"], ["early_drop", "fail"], ["insert_failed", "warn"]] as const) {
      const d = delta(h, `Conntrack.${stat}`);
      if (d && d.delta > 0) {
        looked = true;
        status = worst(status, bad);
        facts.push(cite(h.host, d.toCite, `conntrack ${stat} rose by ${fmt(d.delta)}`));
      } else if (h.conntrack.stats[stat]) looked = true;
    }
    for (const e of h.logEvents.filter((x) => x.kind === "conntrack_table_full").slice(0, 2)) {
      status = "fail";
      facts.push(cite(h.host, e.cite, e.message.slice(0, 200)));
    }
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) status = worst(status, byFinding);
  const lead = own === "pass" && status !== "pass" ? leadSummary(ctx, ids) : undefined;
  for (const id of ids) for (const f of findingFacts(ctx, id, 2)) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  if (!looked && !byFinding) {
    return item("resources", {
      key, title, status: "unknown", summary: "No conntrack count, max or statistics in the evidence yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("conntrack", ctx.allHosts)], findings: ids,
    });
  }
  return item("resources", {
    key, title, status,
    summary: lead ?? (status === "pass" ? "The conntrack tables have room and drop nothing." : status === "fail" ? "The conntrack table is full or dropping: new flows are lost." : "Conntrack is filling up or failing inserts."),
    facts: facts.slice(0, 8), collect: [], findings: ids,
  });
}

function portRangeOf(h: HostEvidence): [number, number] | undefined {
  const f = h.sysctls["net.ipv4.ip_local_port_range"];
  if (!f) return undefined;
  const [a, b] = f.value.trim().split(/\s+/).map(Number);
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : undefined;
}

function ephemeral(ctx: Ctx): ChecklistItem {
  const ids = ["ephemeral_port_exhaustion"];
  const key = "resources.ephemeral-ports";
  const title = "Ephemeral ports and TIME-WAIT";
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  let looked = false;
  for (const h of ctx.hosts) {
    const range = portRangeOf(h);
    const tw = h.socketStates["TIME-WAIT"];
    if (range) {
      looked = true;
      const width = range[1] - range[0] + 1;
      facts.push(cite(h.host, h.sysctls["net.ipv4.ip_local_port_range"]!.cite, `ip_local_port_range ${range[0]}-${range[1]}: ${fmt(width)} source ports per destination`));
      if (tw !== undefined && tw >= width * 0.5) {
        status = worst(status, tw >= width * 0.9 ? "fail" : "warn");
        facts.push({ host: h.host, file: h.files.find((f) => f.kind === "ss-summary" || f.kind === "ss-sockets" || f.kind === "sockstat")?.path ?? "(sockets)", fact: `${fmt(tw)} sockets in TIME-WAIT against ${fmt(width)} ports` });
      }
    } else if (tw !== undefined) looked = true;
    const cannot = h.logEvents.filter((e) => e.kind === "cannot_assign_address");
    if (cannot.length > 0) {
      status = "fail";
      facts.push(cite(h.host, cannot[0]!.cite, `${plural(cannot.length, "'Cannot assign requested address' error")}: ${cannot[0]!.message.slice(0, 160)}`));
    }
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) status = worst(status, byFinding);
  const lead = own === "pass" && status !== "pass" ? leadSummary(ctx, ids) : undefined;
  for (const f of findingFacts(ctx, "ephemeral_port_exhaustion", 3)) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  if (!looked && !byFinding) {
    return item("resources", {
      key, title, status: "unknown", summary: "Neither the local port range nor socket states are in the evidence yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("sockets", ctx.allHosts)], findings: ids,
    });
  }
  return item("resources", {
    key, title, status,
    summary: lead ?? (status === "pass" ? "Source ports are not running out." : "Outgoing connections are short of source ports (TIME-WAIT fills the range)."),
    facts: facts.slice(0, 8), collect: [], findings: ids,
  });
}

function portRangeVsNodePorts(ctx: Ctx): ChecklistItem {
  const ids = ["port_range_nodeport_collision"];
  const key = "resources.port-range";
  const title = "Local port range vs the NodePort range";
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  let looked = false;
  for (const h of ctx.hosts) {
    const range = portRangeOf(h);
    if (!range) continue;
    looked = true;
    const np = h.kubernetes.nodePortRange?.value ?? [30000, 32767];
    const reserved = h.sysctls["net.ipv4.ip_local_reserved_ports"]?.value.trim() ?? "";
    const overlap = range[0] <= np[1] && range[1] >= np[0];
    if (!overlap) {
      facts.push(cite(h.host, h.sysctls["net.ipv4.ip_local_port_range"]!.cite, `ip_local_port_range ${range[0]}-${range[1]} is clear of the NodePort range ${np[0]}-${np[1]}`));
    } else if (reserved !== "") {
      facts.push(cite(h.host, h.sysctls["net.ipv4.ip_local_reserved_ports"]!.cite, `ip_local_port_range ${range[0]}-${range[1]} overlaps the NodePort range ${np[0]}-${np[1]}; reserved: ${reserved}`));
    } else {
      status = worst(status, "warn");
      facts.push(cite(h.host, h.sysctls["net.ipv4.ip_local_port_range"]!.cite, `ip_local_port_range ${range[0]}-${range[1]} overlaps the NodePort range ${np[0]}-${np[1]}${h.kubernetes.nodePortRange ? "" : " (Kubernetes default)"} and no port is reserved`));
    }
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids);
  if (byFinding) status = worst(status, byFinding);
  const lead = own === "pass" && status !== "pass" ? leadSummary(ctx, ids) : undefined;
  for (const f of findingFacts(ctx, "port_range_nodeport_collision", 4)) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  if (!looked && !byFinding) {
    return item("resources", {
      key, title, status: "unknown", summary: "The local port range is not in the evidence yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("portRange", ctx.allHosts)], findings: ids,
    });
  }
  return item("resources", {
    key, title, status,
    summary: lead ??
      (status === "pass"
        ? "The local port range stays clear of the NodePort range."
        : status === "warn"
          ? "Outgoing connections may take a NodePort as their source port (Kubernetes ≥ 1.24 no longer holds them): their replies are diverted. Reserve the range or narrow ip_local_port_range."
          : "Connections took NodePorts as source ports and their handshakes failed."),
    facts: facts.slice(0, 8), collect: [], findings: ids,
  });
}

export function resourcesStep(ctx: Ctx): ChecklistItem[] {
  return [acceptQueue(ctx), conntrack(ctx), ephemeral(ctx), portRangeVsNodePorts(ctx)];
}
