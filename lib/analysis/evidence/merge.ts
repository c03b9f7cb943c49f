/**
 * Merges the facts of all of one host's files into one HostEvidence, each fact citing {file, line}.
 *
 * Counter snapshots: every file that carries `counters` is a reading. A counter read in two or more files
 * gives a delta from its earliest to its latest reading (only non-zero deltas are kept); `counters` holds
 * the latest reading. Readings are ordered by
 *   1. `takenAt` when every reading of that counter has one (a parser sets it, or the file starts with a
 *      `# taken at <time>` comment / `date` output line, see `findTakenAt`) — then `seconds` and
 *      `ratePerSecond` are filled too;
 *   2. else by name hints, when every reading's file name has one: before/pre/start < after/post/end,
 *      t0 < t1 < t2, and a trailing number (nstat-1.txt < nstat-2.txt);
 *   3. else by file order (the order the bundle reader found the files: sorted paths).
 * conntrack -S statistics read twice give deltas too, named `Conntrack.<stat>` (they are not counters).
 * Other facts: lists are concatenated (interfaces, addresses, routes and listeners de-duplicated, keeping
 * the latest reading of each), single values (sysctls, conntrack, socket states, Kubernetes facts) keep
 * the latest reading.
 */
import type { CounterDelta, EvidenceKind, HostEvidence } from "./model";
import { emptyHost } from "./model";
import type { FileFacts, Warning } from "./parser";

export type ParsedFile = {
  /** path inside the host's folder; the `file` of every cite */
  path: string;
  kind: EvidenceKind;
  bytes: number;
  facts: FileFacts;
  warnings: Warning[];
  /** one part of a multi-part file (a paste of several commands): its own reading, e.g. "paste.txt#3" */
  reading?: string;
  /** the command line the part came under */
  command?: string;
};

export type MergeExtras = {
  unrecognized?: HostEvidence["unrecognized"];
  /** binary captures found by the bundle reader (tcpdump text files are added from `files`) */
  captures?: HostEvidence["captures"];
};

/** Warnings kept per file in HostEvidence (the rest are counted in one last warning). */
export const MAX_WARNINGS_PER_FILE = 50;

const cite = (file: string, line?: number) => (line === undefined ? { file } : { file, line });

/**
 * A parser's fact with its `line` turned into a cite, IN PLACE: the parser's objects are ours to keep, and
 * access logs bring hundreds of thousands of them. Copying (rest/spread or a key loop) or `delete` costs
 * 8-20x more than this in V8; the price is a `line: undefined` own property left on the object, which
 * JSON and zod drop and `toEqual` ignores.
 */
function cited<T extends { line?: number }>(o: T, file: string): Omit<T, "line"> & { cite: { file: string; line?: number } } {
  const w = o as T & { cite?: { file: string; line?: number } };
  w.cite = cite(file, o.line);
  w.line = undefined;
  return w as unknown as Omit<T, "line"> & { cite: { file: string; line?: number } };
}

/**
 * A time a file says it was taken at, from its first lines: `# taken at 2026-11-22T07:38:16Z`,
 * `# date: …`, or a bare `date` output (`Sun Nov 22 07:38:16 UTC 2026`) / ISO time / epoch seconds line.
 */
export function findTakenAt(head: string): string | undefined {
  const lines = head.slice(0, 2048).split("\n").slice(0, 6);
  for (const raw of lines) {
    const l = raw.replace(/\r$/, "").trim();
    const c = /^#\s*(?:taken(?: at)?|date|time|captured(?: at)?|timestamp)\s*[:=]?\s*(.{4,60})$/i.exec(l);
    const t = c ? c[1].trim() : l;
    const parsed = parseTime(t);
    if (parsed) return parsed;
  }
  return undefined;
}

function parseTime(t: string): string | undefined {
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d| ?UTC)?$/.test(t)) {
    const ms = Date.parse(t.replace(" UTC", "Z").replace(/^(\S+) (\d)/, "$1T$2"));
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  if (/^\d{10}(\.\d{1,9})?$/.test(t)) return new Date(Number(t) * 1000).toISOString();
  // date(1): "Sun Nov 22 07:38:16 UTC 2026"
  const m = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d:\d\d:\d\d) (?:([A-Z]{2,5}|[+-]\d{4}) )?(\d{4})$/.exec(t);
  if (m) {
    const zone = !m[4] || m[4] === "UTC" || m[4] === "GMT" ? "Z" : /^[+-]\d{4}$/.test(m[4]) ? m[4] : "Z";
    const ms = Date.parse(`${m[1]} ${m[2]} ${m[5]} ${m[3]} ${zone === "Z" ? "GMT" : "GMT" + zone}`);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  return undefined;
}

/** Position of a file in a before/after series, from its name; undefined when the name says nothing. */
export function snapshotRank(path: string): number | undefined {
  const parts = path.toLowerCase().split(/[\\/]/);
  const base = parts[parts.length - 1] ?? "";
  const stem = base.replace(/\.(txt|out|log|json)$/, "");
  if (/(^|[^a-z])(before|pre|start|begin|first|old)([^a-z]|$)/.test(stem)) return 0;
  if (/(^|[^a-z])(after|post|end|later|second|last|new)([^a-z]|$)/.test(stem)) return 1e9;
  const t = /(?:^|[^a-z0-9])t(\d{1,6})(?:[^0-9]|$)/.exec(stem);
  if (t) return Number(t[1]);
  const n = /(\d{1,6})$/.exec(stem);
  if (n) return Number(n[1]);
  // a folder per reading: before/nstat.txt, after/nstat.txt, before/proc/net/netstat (named moments in any
  // folder above, nearest first); a numbered folder only right above the file (t1/nstat), and never a
  // process id of a /proc tree (sosreport's proc/30018/net/netstat)
  for (let i = parts.length - 2; i >= 0; i--) {
    const dir = parts[i]!;
    if (/^(before|pre|start)$/.test(dir)) return 0;
    if (/^(after|post|end)$/.test(dir)) return 1e9;
  }
  const dir = parts.length >= 2 ? parts[parts.length - 2]! : "";
  if (parts.includes("proc")) return undefined;
  const td = /^(?:t|snap(?:shot)?-?|round-?|)(\d{1,6})$/.exec(dir);
  return td ? Number(td[1]) : undefined;
}

type Reading = { value: number; file: string; line?: number; order: number; takenAt?: number; rank?: number; moment: string };

function orderReadings(rs: Reading[]): Reading[] {
  const byTime = rs.every((r) => r.takenAt !== undefined);
  // several formats read at the same moment share a rank (nstat-before.txt, netstat-s-before.txt): ties
  // are fine, file order breaks them
  const byRank = !byTime && rs.every((r) => r.rank !== undefined) && new Set(rs.map((r) => r.rank)).size > 1;
  return [...rs].sort((a, b) =>
    byTime ? a.takenAt! - b.takenAt! || a.order - b.order
      : byRank ? a.rank! - b.rank! || a.order - b.order
        : a.order - b.order);
}

/** one reading per moment (several formats read at one moment are one reading: the highest value, counters only grow) */
function perMoment(rs: Reading[]): Reading[] {
  const m = new Map<string, Reading>();
  for (const r of rs) {
    const prev = m.get(r.moment);
    if (!prev || r.value > prev.value) m.set(r.moment, r);
  }
  return [...m.values()];
}

function deltaOf(name: string, all: Reading[]): CounterDelta | undefined {
  const rs = perMoment(all);
  if (rs.length < 2) return undefined;
  const sorted = orderReadings(rs);
  const from = sorted[0];
  const to = sorted[sorted.length - 1];
  const d: CounterDelta = {
    name, from: from.value, to: to.value, delta: to.value - from.value,
    fromCite: cite(from.file, from.line), toCite: cite(to.file, to.line),
  };
  if (d.delta === 0) return undefined;
  if (from.takenAt !== undefined && to.takenAt !== undefined && to.takenAt > from.takenAt) {
    d.seconds = (to.takenAt - from.takenAt) / 1000;
    d.ratePerSecond = d.delta / d.seconds;
  }
  return d;
}

/** One host's evidence from its parsed files, in the order the bundle reader found them. */
export function mergeHost(host: string, files: ParsedFile[], extras: MergeExtras = {}): HostEvidence {
  const h = emptyHost(host);
  h.unrecognized = [...(extras.unrecognized ?? [])];
  h.captures = [...(extras.captures ?? [])];
  // facts that keep "the latest reading" follow the snapshot order of their files
  // the moment each reading was taken: its time, else its name's place in a series, else the n-th file of
  // its kind (nstat.txt and netstat-s.txt side by side are one moment; nstat-1 and nstat-2 are two)
  const perKind = new Map<string, number>();
  const ranked = files.map((f, order) => {
    const t = f.facts.takenAt ? Date.parse(f.facts.takenAt) : NaN;
    const takenAt = Number.isFinite(t) ? t : undefined;
    const rank = snapshotRank(f.path);
    const counterKind = f.kind;
    const nth = perKind.get(counterKind) ?? 0;
    if (f.facts.counters || f.facts.conntrack?.stats) perKind.set(counterKind, nth + 1);
    const moment = takenAt !== undefined ? `t:${takenAt}` : rank !== undefined ? `r:${rank}` : `n:${nth}`;
    return { f, order, takenAt, rank, moment };
  });
  const counterReadings = new Map<string, Reading[]>();
  const conntrackReadings = new Map<string, Reading[]>();
  const latestOrder = [...ranked].sort((a, b) =>
    a.takenAt !== undefined && b.takenAt !== undefined ? a.takenAt - b.takenAt || a.order - b.order
      : a.rank !== undefined && b.rank !== undefined ? a.rank - b.rank || a.order - b.order : a.order - b.order);

  const ifaces = new Map<string, HostEvidence["interfaces"][number]>();
  const addrs = new Map<string, HostEvidence["addresses"][number]>();
  const routes = new Map<string, HostEvidence["routes"][number]>();
  const listeners = new Map<string, HostEvidence["listeners"][number]>();
  const nodePorts = new Map<number, HostEvidence["kubernetes"]["nodePorts"][number]>();

  for (const { f, order, takenAt, rank, moment } of latestOrder) {
    const file = f.path;
    const facts = f.facts;
    const warnings = f.warnings.length > MAX_WARNINGS_PER_FILE
      ? [...f.warnings.slice(0, MAX_WARNINGS_PER_FILE), { message: `${f.warnings.length - MAX_WARNINGS_PER_FILE} more warnings` }]
      : f.warnings;
    h.files[order] = { path: file, kind: f.kind, bytes: f.bytes, warnings };
    if (facts.kernel && (!h.kernel || f.kind === "uname")) h.kernel = { value: facts.kernel.value, cite: cite(file, facts.kernel.line) };
    if (facts.sysctls) {
      for (const [k, v] of Object.entries(facts.sysctls)) h.sysctls[k] = { value: v.value, cite: cite(file, v.line) };
    }
    if (facts.counters) {
      for (const [k, v] of Object.entries(facts.counters)) {
        if (!Number.isFinite(v.value)) continue;
        h.counters[k] = { value: v.value, cite: cite(file, v.line) };
        let rs = counterReadings.get(k);
        if (!rs) counterReadings.set(k, (rs = []));
        rs.push({ value: v.value, file, line: v.line, order, takenAt, rank, moment });
      }
    }
    for (const i of facts.interfaces ?? []) {
      const { line, ...rest } = i;
      ifaces.set(rest.name, { ...rest, cite: cite(file, line) });
    }
    for (const a of facts.addresses ?? []) {
      const { line, ...rest } = a;
      addrs.set(`${rest.ifname} ${rest.address}/${rest.prefixLen}`, { ...rest, cite: cite(file, line) });
    }
    for (const r of facts.routes ?? []) {
      const { line, ...rest } = r;
      routes.set(`${rest.source} ${rest.table ?? ""} ${rest.type ?? ""} ${rest.dst} ${rest.via ?? ""} ${rest.dev ?? ""}`, { ...rest, cite: cite(file, line) });
    }
    for (const l of facts.listeners ?? []) {
      const { line, ...rest } = l;
      listeners.set(`${rest.proto} ${rest.local} ${rest.port}`, { ...rest, cite: cite(file, line) });
    }
    for (const s of facts.sockets ?? []) {
      h.sockets.push(cited(s, file));
    }
    if (facts.socketStates && Object.keys(facts.socketStates).length > 0) h.socketStates = { ...facts.socketStates };
    if (facts.conntrack) {
      const c = facts.conntrack;
      if (c.count) h.conntrack.count = { value: c.count.value, cite: cite(file, c.count.line) };
      if (c.max) h.conntrack.max = { value: c.max.value, cite: cite(file, c.max.line) };
      for (const [k, v] of Object.entries(c.stats ?? {})) {
        h.conntrack.stats[k] = { value: v.value, cite: cite(file, v.line) };
        let rs = conntrackReadings.get(k);
        if (!rs) conntrackReadings.set(k, (rs = []));
        rs.push({ value: v.value, file, line: v.line, order, takenAt, rank, moment });
      }
    }
    for (const r of facts.rules ?? []) {
      h.rules.push(cited(r, file));
    }
    for (const e of facts.conntrackEntries ?? []) {
      (h.conntrackEntries ??= []).push(cited(e, file));
    }
    for (const e of facts.logEvents ?? []) {
      h.logEvents.push(cited(e, file));
    }
    for (const e of facts.accessLog ?? []) {
      h.accessLog.push(cited(e, file));
    }
    for (const e of facts.latencies ?? []) {
      h.latencies.push(cited(e, file));
    }
    const k = facts.kubernetes;
    if (k) {
      if (k.version) h.kubernetes.version = { value: k.version.value, cite: cite(file, k.version.line) };
      if (k.nodePortRange) h.kubernetes.nodePortRange = { value: k.nodePortRange.value, cite: cite(file, k.nodePortRange.line) };
      if (k.proxyMode) h.kubernetes.proxyMode = { value: k.proxyMode.value, cite: cite(file, k.proxyMode.line) };
      for (const p of k.nodePorts ?? []) if (!nodePorts.has(p.value)) nodePorts.set(p.value, { value: p.value, cite: cite(file, p.line) });
    }
    if (f.kind === "tcpdump-text" && !h.captures.some((c) => c.path === file)) h.captures.push({ path: file, kind: "tcpdump-text" });
  }
  h.files = h.files.filter((x) => x !== undefined);
  h.interfaces = [...ifaces.values()];
  h.addresses = [...addrs.values()];
  h.routes = [...routes.values()];
  h.listeners = [...listeners.values()];
  h.kubernetes.nodePorts = [...nodePorts.values()];
  const moments: Record<string, number> = {};
  for (const [name, rs] of counterReadings) {
    const d = deltaOf(name, rs);
    if (d) h.deltas.push(d);
    const n = new Set(rs.map((r) => r.moment)).size;
    if (n >= 2) moments[name] = n;
  }
  for (const [name, rs] of conntrackReadings) {
    const n = new Set(rs.map((r) => r.moment)).size;
    if (n >= 2) moments[`Conntrack.${name}`] = n;
  }
  if (Object.keys(moments).length > 0) h.readings = moments;
  for (const [name, rs] of conntrackReadings) {
    const d = deltaOf(`Conntrack.${name}`, rs);
    if (d) h.deltas.push(d);
  }
  // a stable order for people and tests: by file order of the readings' source, then name
  h.deltas.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return h;
}
