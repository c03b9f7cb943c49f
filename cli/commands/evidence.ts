/**
 * `netmortem evidence <dir|bundle|files…> [--json]`: what the evidence engine reads from a bundle, per
 * host — recognised files and their kinds, the facts diagnosis leans on, counter deltas, and the files
 * nothing recognised. A thin wrapper over lib/analysis/bundle's readBundle.
 */
import { readBundle } from "../../lib/analysis/bundle/index";
import type { HostEvidence } from "../../lib/analysis/evidence/model";

export const summary = "Read a bundle (dir, .tar[.gz], .zip or files) and show the facts found per host";

const HELP = `Usage: netmortem evidence <dir|bundle.tar.gz|bundle.zip|file…> [--json]

Reads every path (directories, .tar, .tar.gz/.tgz, .zip, single files), recognises each file by its
content and prints, per host: recognised files, key facts, counter deltas and unrecognised files.

Options:
  --json   print the HostEvidence array (lib/analysis/evidence/model.ts) as JSON
  -h, --help

Exit codes: 0 read, 1 the bundle could not be read (corrupt, refused, too large), 2 usage or missing path.
`;

const IMPORTANT_SYSCTLS = [
  "net.ipv4.tcp_tw_recycle", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_timestamps", "net.core.somaxconn",
  "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies", "net.ipv4.tcp_syn_retries", "net.ipv4.tcp_synack_retries",
  "net.ipv4.tcp_abort_on_overflow", "net.ipv4.ip_local_port_range", "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.conf.all.rp_filter", "net.ipv4.conf.default.rp_filter", "net.bridge.bridge-nf-call-iptables",
  "net.ipv4.ip_forward", "net.ipv4.ip_no_pmtu_disc", "net.ipv4.tcp_mtu_probing", "net.netfilter.nf_conntrack_max",
  "net.netfilter.nf_conntrack_tcp_timeout_time_wait", "net.ipv4.tcp_fin_timeout",
];

const at = (c: { file: string; line?: number }) => (c.line ? `${c.file}:${c.line}` : c.file);
/** a value as shown: at most 200 characters (a 200 MB sysctl value is not printed in full, issue 10 item 9) */
const clip = (v: string, n = 200) => (v.length > n ? `${v.slice(0, n)}… (${v.length} characters)` : v);

function hostText(h: HostEvidence): string {
  const out: string[] = [];
  const p = (s = "") => out.push(s);
  p(`== host ${h.host}`);
  if (h.kernel) p(`kernel: ${clip(h.kernel.value)}  (${at(h.kernel.cite)})`);
  p(`files (${h.files.length}):`);
  for (const f of h.files) p(`  ${f.path}  ${f.kind}  ${f.bytes} B${f.warnings.length ? `  (${f.warnings.length} warning${f.warnings.length > 1 ? "s" : ""})` : ""}`);
  const sys = IMPORTANT_SYSCTLS.filter((k) => h.sysctls[k]).map((k) => `  ${k} = ${clip(h.sysctls[k].value)}  (${at(h.sysctls[k].cite)})`);
  const rp = Object.keys(h.sysctls).filter((k) => /\.rp_filter$/.test(k) && !IMPORTANT_SYSCTLS.includes(k) && h.sysctls[k].value !== "0");
  for (const k of rp.slice(0, 10)) sys.push(`  ${clip(k)} = ${clip(h.sysctls[k].value)}  (${at(h.sysctls[k].cite)})`);
  if (sys.length) {
    p(`sysctls (${Object.keys(h.sysctls).length} read, key ones):`);
    out.push(...sys);
  }
  if (h.interfaces.length) {
    p("interfaces:");
    for (const i of h.interfaces) {
      const extra = i.vxlan ? ` vni ${i.vxlan.id}${i.vxlan.dstport ? ` port ${i.vxlan.dstport}` : ""}${i.vxlan.dev ? ` dev ${i.vxlan.dev}` : ""}` : "";
      p(`  ${i.name}  ${i.kind}  mtu ${i.mtu}${i.master ? `  master ${i.master}` : ""}${extra}  (${at(i.cite)})`);
    }
  }
  const mtuRoutes = h.routes.filter((r) => r.mtu !== undefined);
  if (mtuRoutes.length) {
    p("routes with an mtu:");
    for (const r of mtuRoutes) p(`  ${r.dst}${r.via ? ` via ${r.via}` : ""}${r.dev ? ` dev ${r.dev}` : ""} mtu ${r.mtu}  [${r.source}]  (${at(r.cite)})`);
  }
  if (h.listeners.length) {
    p("listeners (Recv-Q / Send-Q):");
    for (const l of h.listeners.slice(0, 40)) p(`  ${l.proto} ${l.local}:${l.port}  ${l.recvQ} / ${l.sendQ}${l.backlogKnown !== false && l.recvQ >= l.sendQ && l.sendQ > 0 ? "  FULL" : ""}${l.backlogKnown === false ? "  (backlog not shown by this output)" : ""}${l.process ? `  ${l.process}` : ""}  (${at(l.cite)})`);
    if (h.listeners.length > 40) p(`  … ${h.listeners.length - 40} more`);
  }
  if (Object.keys(h.socketStates).length) p(`socket states: ${Object.entries(h.socketStates).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const ct = h.conntrack;
  if (ct.count || ct.max || Object.keys(ct.stats).length) {
    const parts = [];
    if (ct.count) parts.push(`count ${ct.count.value} (${at(ct.count.cite)})`);
    if (ct.max) parts.push(`max ${ct.max.value} (${at(ct.max.cite)})`);
    for (const k of ["drop", "early_drop", "insert_failed", "invalid", "error"]) if (ct.stats[k]) parts.push(`${k} ${ct.stats[k].value}`);
    p(`conntrack: ${parts.join(", ")}`);
  }
  const rules = h.rules.filter((r) => r.kind !== "other");
  if (rules.length) {
    p("rules:");
    const byKind = new Map<string, number>();
    for (const r of rules) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    p(`  ${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    for (const r of rules.filter((x) => x.kind === "nodeport" || x.kind === "icmp-drop").slice(0, 10)) p(`  ${r.kind}: ${r.text.slice(0, 140)}  (${at(r.cite)})`);
  }
  const k = h.kubernetes;
  if (k.version || k.nodePortRange || k.nodePorts.length || k.proxyMode) {
    const parts = [];
    if (k.version) parts.push(`version ${k.version.value}`);
    if (k.proxyMode) parts.push(`kube-proxy ${k.proxyMode.value}`);
    if (k.nodePortRange) parts.push(`nodePort range ${k.nodePortRange.value.join("-")}`);
    if (k.nodePorts.length) parts.push(`nodePorts ${k.nodePorts.map((n) => n.value).join(",")}`);
    p(`kubernetes: ${parts.join("; ")}`);
  }
  if (h.logEvents.length) {
    const byKind = new Map<string, number>();
    for (const e of h.logEvents) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1);
    p(`log events (${h.logEvents.length}): ${[...byKind].sort((a, b) => b[1] - a[1]).map(([kk, n]) => `${kk} ${n}`).join(", ")}`);
  }
  if (h.accessLog.length) {
    const st = new Map<number, number>();
    for (const e of h.accessLog) st.set(e.status, (st.get(e.status) ?? 0) + 1);
    p(`access log (${h.accessLog.length} requests): ${[...st].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(" ")}`);
  }
  const slow = h.latencies.filter((l) => l.seconds >= 1).sort((a, b) => b.seconds - a.seconds);
  if (slow.length) {
    p(`slow latencies (>= 1 s: ${slow.length}):`);
    for (const l of slow.slice(0, 8)) p(`  ${l.seconds.toFixed(3)} s  ${l.what ?? l.source}  (${at(l.cite)})`);
  }
  if (h.deltas.length) {
    p(`counter deltas (${h.deltas.length}):`);
    for (const d of h.deltas.slice(0, 60)) {
      p(`  ${d.name}  ${d.from} -> ${d.to}  (${d.delta >= 0 ? "+" : ""}${d.delta}${d.ratePerSecond !== undefined ? `, ${d.ratePerSecond.toFixed(2)}/s over ${d.seconds} s` : ""})  (${at(d.fromCite)} -> ${at(d.toCite)})`);
    }
    if (h.deltas.length > 60) p(`  … ${h.deltas.length - 60} more`);
  }
  if (h.captures.length) p(`captures: ${h.captures.map((c) => `${c.path} (${c.kind})`).join(", ")}`);
  if (h.unrecognized.length) {
    p(`unrecognised (${h.unrecognized.length}):`);
    for (const u of h.unrecognized) p(`  ${u.path}  ${u.bytes} B  — ${clip(u.reason, 400)}`);
  }
  return out.join("\n");
}

export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  const json = args.includes("--json");
  const unknown = args.filter((a) => a.startsWith("-") && a !== "--json");
  if (unknown.length) {
    process.stderr.write(`netmortem evidence: unknown option ${unknown[0]}\n${HELP}`);
    return 2;
  }
  const paths = args.filter((a) => !a.startsWith("-"));
  if (paths.length === 0) {
    process.stderr.write(`netmortem evidence: no path given\n${HELP}`);
    return 2;
  }
  const r = await readBundle(paths);
  if (r.status === "failed") {
    const e = r.error;
    process.stderr.write(`netmortem evidence: ${e.code}: ${e.message}${e.entry ? ` (entry ${e.entry})` : ""}${e.path ? ` [${e.path}]` : ""}\n`);
    return e.code === "not_found" ? 2 : 1;
  }
  if (json) {
    process.stdout.write(JSON.stringify(r.hosts, null, 2) + "\n");
    return 0;
  }
  // an empty directory or archive: say so rather than print nothing
  const text = r.hosts.length > 0 ? r.hosts.map(hostText).join("\n\n") : `no files found in ${paths.join(", ")}`;
  // what could not be read in full (a text past its bound, a cut line, a file the walk could not open), as analyze says it
  const n = r.unreadable.length;
  const incomplete = n
    ? `\n\nIncomplete: ${n} input${n > 1 ? "s" : ""} could not be read (in full):\n${r.unreadable.map((u) => `  - [${u.host}] ${u.file}: ${clip(u.message, 400)}`).join("\n")}`
    : "";
  process.stdout.write(text + incomplete + (r.warnings.length ? `\n\nwarnings:\n${r.warnings.map((w) => `  ${w}`).join("\n")}` : "") + "\n");
  return 0;
}
