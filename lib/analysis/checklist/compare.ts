/**
 * "It works on node A but not on B": what differs between two hosts' evidence (or one host's evidence at two
 * times): sysctls, interface MTUs, routes, and the counters the diagnosis reads. Pure.
 */
import type { HostEvidence } from "../evidence/model";

export type Diff = { name: string; a: string | null; b: string | null };
export type CompareSide = { source: string; label: string; host: HostEvidence };
export type HostComparison = {
  a: { source: string; label: string; kernel: string | null };
  b: { source: string; label: string; kernel: string | null };
  sysctls: Diff[];
  mtus: Diff[];
  routes: Diff[];
  counters: Diff[];
  compared: { sysctls: number; mtus: number; routes: number; counters: number };
};

/** values that differ between any two machines, or from minute to minute, and say nothing about the network */
const NOISE = [
  /^kernel\.(random|ns_last_pid|hostname|domainname|tainted|pty\.nr|core_uses_pid|perf_event|sched_domain)/,
  /^fs\.(dentry-state|inode-nr|inode-state|file-nr|quota)/,
  /^net\.netfilter\.nf_conntrack_count$/,
  /^vm\.(stat|nr_|percpu)/,
  /^dev\.cdrom/,
  /^net\.ipv6\.conf\.[^.]+\.stable_secret$/,
  /^kernel\.(osrelease|version)$/,
  /^user\./,
];

/** the counters the rules and the checklist read, compared as values (two hosts) or as changes (two times) */
const COUNTERS = [
  "TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.PAWSPassive", "TcpExt.PAWSActive", "TcpExt.IPReversePathFilter",
  "TcpExt.TCPTimeouts", "TcpExt.TCPSynRetrans", "TcpExt.TCPAbortOnTimeout", "TcpExt.TCPMTUPFail", "Tcp.RetransSegs",
  "Tcp.AttemptFails", "Tcp.EstabResets", "Ip.FragFails", "Ip.ReasmFails", "Sockstat.TCP.tw", "Sockstat.TCP.inuse",
  "Conntrack.drop", "Conntrack.early_drop", "Conntrack.insert_failed", "Conntrack.invalid",
];

function ifaceKey(name: string): string {
  // a veth's random suffix differs between any two nodes; compare it as a class
  return /^(veth|cali|lxc|tap)[0-9a-f]{4,}/i.test(name) ? `${name.replace(/[0-9a-f]{4,}.*$/i, "")}*` : name;
}

function sysctlsOf(h: HostEvidence): Map<string, string> {
  const ifaces = new Set(h.interfaces.map((i) => i.name));
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(h.sysctls)) {
    if (NOISE.some((re) => re.test(k))) continue;
    // per-interface keys of interfaces that are not everywhere (veths) are compared only via all/default
    const m = /^net\.ipv[46]\.(conf|neigh)\.([^.]+)\./.exec(k);
    if (m && m[2] !== "all" && m[2] !== "default" && !ifaces.has(m[2]!) && ifaces.size > 0) continue;
    if (m && /^(veth|cali|lxc|tap)[0-9a-f]{4,}/i.test(m[2]!)) continue;
    out.set(k, v.value);
  }
  return out;
}

function mtusOf(h: HostEvidence): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of h.interfaces) {
    const k = ifaceKey(i.name);
    const v = `${i.mtu} (${i.kind})`;
    const prev = out.get(k);
    out.set(k, prev && prev !== v ? [...new Set([...prev.split(" / "), v])].sort().join(" / ") : v);
  }
  return out;
}

function routesOf(h: HostEvidence): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of h.routes) {
    if (r.source !== "table" || (r.table && r.table !== "main")) continue;
    const dev = r.dev ? ifaceKey(r.dev) : undefined;
    out.set(r.dst, [r.via ? `via ${r.via}` : "", dev ? `dev ${dev}` : "", r.mtu ? `mtu ${r.mtu}${r.mtuLock ? " lock" : ""}` : ""].filter(Boolean).join(" "));
  }
  return out;
}

function diffMaps(a: Map<string, string>, b: Map<string, string>): { diffs: Diff[]; compared: number } {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const diffs: Diff[] = [];
  for (const k of keys) {
    const x = a.get(k) ?? null;
    const y = b.get(k) ?? null;
    if (x !== y) diffs.push({ name: k, a: x, b: y });
  }
  return { diffs, compared: keys.length };
}

function countersOf(h: HostEvidence, asChange: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of COUNTERS) {
    const d = h.deltas.find((x) => x.name === name);
    const c = h.counters[name];
    if (asChange) {
      if (d) out.set(name, `+${d.delta}`);
      else if (c) out.set(name, "+0");
    } else if (c) out.set(name, String(c.value));
  }
  return out;
}

export function compareHosts(a: CompareSide, b: CompareSide, opts: { sameHost?: boolean } = {}): HostComparison {
  const s = diffMaps(sysctlsOf(a.host), sysctlsOf(b.host));
  const m = diffMaps(mtusOf(a.host), mtusOf(b.host));
  const r = diffMaps(routesOf(a.host), routesOf(b.host));
  // one host at two times: what it counted in each period matters, not its totals since boot
  const asChange = Boolean(opts.sameHost) && a.host.deltas.length > 0 && b.host.deltas.length > 0;
  const c = diffMaps(countersOf(a.host, asChange), countersOf(b.host, asChange));
  const important = (d: Diff) => (/somaxconn|rp_filter|tw_recycle|tcp_timestamps|port_range|reserved_ports|bridge-nf|conntrack_max|syn_retries|synack_retries|syn_linear|mtu|ip_forward|tcp_max_syn_backlog|tw_reuse/.test(d.name) ? 0 : 1);
  s.diffs.sort((x, y) => important(x) - important(y) || x.name.localeCompare(y.name));
  return {
    a: { source: a.source, label: a.label, kernel: a.host.kernel?.value ?? null },
    b: { source: b.source, label: b.label, kernel: b.host.kernel?.value ?? null },
    sysctls: s.diffs,
    mtus: m.diffs,
    routes: r.diffs,
    counters: c.diffs,
    compared: { sysctls: s.compared, mtus: m.compared, routes: r.compared, counters: c.compared },
  };
}
