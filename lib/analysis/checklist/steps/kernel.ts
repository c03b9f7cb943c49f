/** Step 5, kernel: versions, version-aware sysctls, MTUs along the path, counter deltas. */
import { delta, parseVersion, versionAtLeast } from "../../diagnosis/context";
import type { HostEvidence } from "../../evidence/model";
import { collect } from "../collect";
import { cite, findingFacts, findingStatus, fmt, item, leadSummary, nextSteps, num, worst, type Ctx } from "../context";
import type { Citation, ChecklistItem, ItemStatus } from "../model";

function version(ctx: Ctx): ChecklistItem {
  const key = "kernel.version";
  const title = "Kernel version of each host";
  const known = ctx.hosts.filter((h) => h.kernel);
  const missing = ctx.allHosts.filter((n) => !known.some((h) => h.host === n));
  if (known.length === 0) {
    return item("kernel", { key, title, status: "unknown", summary: "No kernel version yet.", facts: [], collect: collect("uname", ctx.allHosts) });
  }
  return item("kernel", {
    key, title, status: missing.length ? "unknown" : "pass",
    summary: `${known.map((h) => `${h.host} ${h.kernel!.value}`).join(", ")}${missing.length ? `; unknown: ${missing.join(", ")}` : ""}.`,
    facts: known.map((h) => cite(h.host, h.kernel!.cite, `kernel ${h.kernel!.value}`)),
    collect: missing.length ? collect("uname", missing) : [],
  });
}

/** effective rp_filter of an interface: max(all, iface) */
function rpFilter(h: HostEvidence): Array<{ iface: string; value: number; cite: Citation }> {
  const all = num(h, "net.ipv4.conf.all.rp_filter") ?? 0;
  const out: Array<{ iface: string; value: number; cite: Citation }> = [];
  for (const [name, f] of Object.entries(h.sysctls)) {
    const m = /^net\.ipv4\.conf\.([^.]+)\.rp_filter$/.exec(name);
    if (!m || m[1] === "all" || m[1] === "default" || m[1] === "lo") continue;
    const v = Math.max(all, Number(f.value) || 0);
    if (v === 1) out.push({ iface: m[1]!, value: v, cite: cite(h.host, f.cite, `rp_filter strict (1) on ${m[1]} (max of all=${all} and ${m[1]}=${f.value})`) });
  }
  return out;
}

function sysctls(ctx: Ctx): ChecklistItem {
  const ids = ["tw_recycle_nat_paws", "rp_filter_asymmetric_route", "bridge_nf_call_iptables_disabled", "accept_queue_overflow"];
  const key = "kernel.sysctls";
  const title = "Risky sysctls for this kernel version";
  const facts: Citation[] = [];
  const okFacts: Citation[] = [];
  let status: ItemStatus = "pass";
  let looked = false;
  for (const h of ctx.hosts) {
    if (Object.keys(h.sysctls).length === 0) continue;
    looked = true;
    const v = parseVersion(h.kernel?.value);
    const recycle = h.sysctls["net.ipv4.tcp_tw_recycle"];
    const ts = num(h, "net.ipv4.tcp_timestamps");
    if (recycle && recycle.value.trim() === "1" && versionAtLeast(v, 4, 12) !== true) {
      status = worst(status, ts === 0 ? "warn" : "fail");
      facts.push(cite(h.host, recycle.cite, `net.ipv4.tcp_tw_recycle = 1 with tcp_timestamps = ${ts ?? "default 1"}: SYNs from hosts behind one NAT are dropped (PAWS); removed in 4.12`));
    }
    const strict = rpFilter(h);
    if (strict.length > 0) {
      status = worst(status, "warn");
      facts.push(strict[0]!.cite);
    }
    const bnf = h.sysctls["net.bridge.bridge-nf-call-iptables"];
    if (bnf && bnf.value.trim() === "0" && h.interfaces.some((i) => i.kind === "bridge")) {
      status = worst(status, "warn");
      facts.push(cite(h.host, bnf.cite, "net.bridge.bridge-nf-call-iptables = 0 with a bridge: bridged pod traffic skips the Service NAT rules"));
    }
    const inspected = ["net.core.somaxconn", "net.ipv4.conf.all.rp_filter", "net.ipv4.tcp_tw_reuse", "net.bridge.bridge-nf-call-iptables", "net.ipv4.tcp_tw_recycle"]
      .filter((n) => h.sysctls[n])
      .map((n) => `${n} = ${h.sysctls[n]!.value}`);
    const first = h.sysctls["net.core.somaxconn"] ?? Object.values(h.sysctls)[0]!;
    okFacts.push(cite(h.host, first.cite, `${inspected.join(", ") || `${Object.keys(h.sysctls).length} sysctls read`}${recycle ? "" : versionAtLeast(v, 4, 12) ? "; tcp_tw_recycle no longer exists on this kernel" : ""}`));
    const somaxconn = num(h, "net.core.somaxconn");
    if (somaxconn !== undefined) {
      const def = versionAtLeast(v, 5, 4) === false ? 128 : 4096;
      if (somaxconn < Math.min(def, 1024)) {
        status = worst(status, "warn");
        facts.push(cite(h.host, h.sysctls["net.core.somaxconn"]!.cite, `net.core.somaxconn = ${somaxconn} caps every listener's accept queue (default ${def} on this kernel)`));
      }
    }
  }
  const own = status;
  const byFinding = findingStatus(ctx, ids.slice(0, 3));
  if (byFinding) status = worst(status, byFinding);
  const lead = own === "pass" && status !== "pass" ? leadSummary(ctx, ids.slice(0, 3)) : undefined;
  for (const id of ids.slice(0, 3)) for (const f of findingFacts(ctx, id, 2)) if (!facts.some((x) => x.fact === f.fact)) facts.push(f);
  if (!looked && !byFinding) {
    return item("kernel", {
      key, title, status: "unknown", summary: "No sysctl dump yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("sysctls", ctx.allHosts)], findings: ids.filter((id) => ctx.findingsById.has(id)),
    });
  }
  return item("kernel", {
    key, title, status,
    summary: lead ?? (status === "pass" ? "No risky setting for these kernels (tcp_tw_recycle, strict rp_filter, bridge-nf-call-iptables, a small somaxconn)." : `${facts.length} setting(s) to look at.`),
    facts: (facts.length ? facts : okFacts).slice(0, 8), collect: [], findings: ids.filter((id) => ctx.findingsById.has(id)),
  });
}

const TUNNELS = new Set(["vxlan", "geneve", "ipip", "gre", "wireguard"]);

function mtus(ctx: Ctx): ChecklistItem {
  const ids = ["overlay_mtu_mismatch", "pmtu_blackhole"];
  const key = "kernel.mtu";
  const title = "MTUs along the path (overlay vs underlay, route MTUs)";
  const facts: Citation[] = [];
  let looked = false;
  for (const h of ctx.hosts) {
    const ifs = h.interfaces.filter((i) => i.kind !== "loopback");
    if (ifs.length === 0) continue;
    looked = true;
    const summary = ifs
      .filter((i) => TUNNELS.has(i.kind) || i.kind === "bridge" || i.kind === "device" || i.kind === "veth" || i.kind === "bond" || i.kind === "vlan")
      .slice(0, 8)
      .map((i) => `${i.name} ${i.kind} ${i.mtu}`)
      .join(", ");
    facts.push(cite(h.host, ifs[0]!.cite, `interfaces: ${summary}`));
    for (const r of h.routes.filter((x) => x.mtu !== undefined).slice(0, 2)) facts.push(cite(h.host, r.cite, `route ${r.dst}${r.dev ? ` dev ${r.dev}` : ""} mtu ${r.mtu}${r.mtuLock ? " (locked)" : ""}`));
  }
  const byFinding = findingStatus(ctx, ids);
  const ff = ids.flatMap((id) => findingFacts(ctx, id, 3));
  if (!looked && !byFinding) {
    return item("kernel", {
      key, title, status: "unknown", summary: "No interface list yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("links", ctx.allHosts)], findings: [],
    });
  }
  const status = byFinding ?? "pass";
  return item("kernel", {
    key, title, status,
    summary: status === "pass" ? "The MTUs read fit together (no overlay device larger than its underlay allows)." : status === "warn" ? leadSummary(ctx, ids)! : "An MTU on the path is larger than the path can carry.",
    facts: [...ff, ...facts].slice(0, 8), collect: [], findings: ids.filter((id) => ctx.findingsById.has(id)),
  });
}

function routes(ctx: Ctx): ChecklistItem {
  const ids = ["bridge_subnet_collision"];
  const key = "kernel.routes";
  const title = "Routes: container bridges and pod subnets vs the routed network";
  const facts: Citation[] = [];
  let looked = false;
  for (const h of ctx.hosts) {
    if (h.routes.length === 0) continue;
    looked = true;
    for (const r of h.routes.filter((x) => x.source === "get").slice(0, 3)) {
      facts.push(cite(h.host, r.cite, `ip route get ${r.dst} → ${r.via ? `via ${r.via} ` : ""}dev ${r.dev ?? "?"}`));
    }
    const bridges = h.interfaces.filter((i) => i.kind === "bridge").map((i) => i.name);
    const onBridges = h.routes.filter((r) => r.source === "table" && r.dev && bridges.includes(r.dev));
    if (onBridges.length > 0) facts.push(cite(h.host, onBridges[0]!.cite, `bridge routes: ${onBridges.slice(0, 4).map((r) => `${r.dst} dev ${r.dev}`).join(", ")}`));
  }
  const byFinding = findingStatus(ctx, ids);
  if (!looked && !byFinding) {
    return item("kernel", {
      key, title, status: "unknown", summary: "No routing table yet.", facts: [],
      collect: [...nextSteps(ctx, ids), ...collect("links", ctx.allHosts)], findings: [],
    });
  }
  const status = byFinding ?? "pass";
  return item("kernel", {
    key, title, status,
    summary: status === "pass" ? "No bridge or pod subnet captures traffic meant for the routed network." : status === "warn" ? leadSummary(ctx, ids)! : "A bridge or pod subnet overlaps addresses the incident's traffic goes to: replies go into the bridge.",
    facts: [...findingFacts(ctx, "bridge_subnet_collision", 4), ...facts].slice(0, 8), collect: [], findings: ids.filter((id) => ctx.findingsById.has(id)),
  });
}

const WATCHED: Array<{ name: string; label: string; bad: boolean }> = [
  { name: "TcpExt.ListenOverflows", label: "accept queue overflows", bad: true },
  { name: "TcpExt.ListenDrops", label: "SYNs dropped at a listener", bad: true },
  { name: "TcpExt.PAWSPassive", label: "SYNs dropped by PAWS (tw_recycle)", bad: true },
  { name: "TcpExt.IPReversePathFilter", label: "packets dropped by rp_filter", bad: true },
  { name: "Ip.FragFails", label: "packets too big to forward (DF set)", bad: true },
  { name: "TcpExt.TCPTimeouts", label: "retransmission timeouts", bad: false },
  { name: "TcpExt.TCPSynRetrans", label: "SYN retransmissions", bad: false },
  { name: "Tcp.RetransSegs", label: "retransmitted segments", bad: false },
  { name: "Conntrack.drop", label: "conntrack drops", bad: true },
  { name: "Conntrack.insert_failed", label: "conntrack insert failures", bad: true },
];

function counters(ctx: Ctx): ChecklistItem {
  const key = "kernel.counters";
  const title = "Counter deltas during the incident";
  const facts: Citation[] = [];
  let status: ItemStatus = "pass";
  let withTwo = 0;
  const single: string[] = [];
  const quiet: Citation[] = [];
  for (const h of ctx.hosts) {
    const counted = Object.keys(h.counters).length > 0;
    if (!counted) continue;
    const hasDeltas = h.deltas.length > 0;
    if (hasDeltas) withTwo++;
    else single.push(h.host);
    if (hasDeltas) quiet.push(cite(h.host, h.deltas[0]!.toCite, `${fmt(h.deltas.length)} counters changed between two readings; none of the watched ones (${WATCHED.filter((w) => w.bad).map((w) => w.name).join(", ")}) rose`));
    for (const w of WATCHED) {
      const d = delta(h, w.name);
      if (d && d.delta > 0) {
        status = worst(status, w.bad ? "fail" : "warn");
        facts.push(cite(h.host, d.toCite, `${w.name} +${fmt(d.delta)} (${w.label})${d.ratePerSecond ? `, ${fmt(d.ratePerSecond)}/s` : ""}`));
      } else if (!hasDeltas && w.bad && (h.counters[w.name]?.value ?? 0) > 0) {
        status = worst(status, "warn");
        facts.push(cite(h.host, h.counters[w.name]!.cite, `${w.name} = ${fmt(h.counters[w.name]!.value)} since boot (${w.label})`));
      }
    }
  }
  if (withTwo === 0 && single.length === 0) {
    return item("kernel", { key, title, status: "unknown", summary: "No kernel counters yet.", facts: [], collect: collect("counters", ctx.allHosts) });
  }
  if (withTwo === 0) {
    return item("kernel", {
      key, title, status: status === "pass" ? "unknown" : status,
      summary: "One reading per host: counters say what happened since boot, not during the incident. Take a second reading.",
      facts: facts.slice(0, 8), collect: collect("counters", single),
    });
  }
  return item("kernel", {
    key, title, status,
    summary: status === "pass" ? `No watched counter moved between the readings of ${withTwo} host(s).` : `${facts.length} watched counter(s) moved.`,
    facts: (facts.length ? facts : quiet).slice(0, 10), collect: single.length ? collect("counters", single) : [],
  });
}

export function kernelStep(ctx: Ctx): ChecklistItem[] {
  return [version(ctx), sysctls(ctx), mtus(ctx), routes(ctx), counters(ctx)];
}
