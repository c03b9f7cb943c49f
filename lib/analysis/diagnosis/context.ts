/**
 * What every rule sees: all hosts' evidence, the capture summaries, observed latencies and what the caller
 * knows about the cluster, plus small helpers that turn facts into cited evidence items.
 */
import type { CaptureSummary } from "../capture/model";
import type { Cite, CounterDelta, HostEvidence } from "../evidence/model";
import { snapshotRank } from "../evidence/merge";
import type { EvidenceItem, RootCauseId } from "./model";
import type { Hop } from "./timeouts";

export type DiagnoseContext = {
  kubernetesVersion?: string;
  nodePortRange?: [number, number];
  cni?: string;
  kubeProxyMode?: string;
  /** the request path as the caller knows it (load balancer, ingress, app…) with configured timeouts */
  hops?: Hop[];
};

export type CaptureInput = { host: string; file: string; summary: CaptureSummary };

export type DiagnoseInput = {
  hosts: HostEvidence[];
  captures: CaptureInput[];
  latencies?: number[];
  context?: DiagnoseContext;
};

export type RuleContext = {
  hosts: HostEvidence[];
  captures: CaptureInput[];
  /** latencies given by the caller (seconds) */
  latencies: number[];
  context: DiagnoseContext;
  /** record what this rule looked at (shown in `checked`, whatever the outcome) */
  check: (what: string) => void;
};

export type Rule = {
  id: Exclude<RootCauseId, "none">;
  run: (ctx: RuleContext) => import("./model").Finding | null;
};

export function item(host: string, cite: Cite | undefined, fact: string): EvidenceItem {
  const out: EvidenceItem = { host, file: cite?.file ?? "(input)", fact };
  if (cite?.line !== undefined) out.line = cite.line;
  return out;
}

export function sysctl(h: HostEvidence, name: string): { value: string; cite: Cite } | undefined {
  return h.sysctls[name];
}

export function sysctlInt(h: HostEvidence, name: string): number | undefined {
  const f = h.sysctls[name];
  if (!f) return undefined;
  const n = Number(f.value.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

export function counter(h: HostEvidence, name: string): { value: number; cite: Cite } | undefined {
  return h.counters[name];
}

export function delta(h: HostEvidence, name: string): CounterDelta | undefined {
  const d = h.deltas.find((x) => x.name === name);
  if (!d || d.delta >= 0) return d;
  // A cumulative counter only falls across a reboot. When the readings' own names say the "later" one is
  // the before-reading (several before/after files of different formats on one host can come out of the
  // merge in file-name order), read the pair the other way round.
  const rf = snapshotRank(d.fromCite.file);
  const rt = snapshotRank(d.toCite.file);
  if (rf !== undefined && rt !== undefined && rf > rt) {
    return { ...d, from: d.to, to: d.from, delta: -d.delta, fromCite: d.toCite, toCite: d.fromCite };
  }
  return d;
}

/** true when this host has two readings of counters of that group (so a missing delta means "no change") */
export function hasDeltasFor(h: HostEvidence, prefix: string): boolean {
  return h.deltas.some((d) => d.name.startsWith(prefix)) || hasTwoReadings(h, prefix);
}

function hasTwoReadings(h: HostEvidence, prefix: string): boolean {
  // The merger lists only changed counters in `deltas`; `readings` lists those read at two or more moments
  // (several formats read at one moment are one reading, not "no change")
  return Object.keys(h.readings ?? {}).some((k) => k.startsWith(prefix));
}

/** was this counter read at two or more moments (so a missing delta means it did not move)? */
export function readTwice(h: HostEvidence, name: string): boolean {
  return (h.readings?.[name] ?? 0) >= 2;
}

export function deltaFact(d: CounterDelta): string {
  const span = d.seconds !== undefined ? ` (${fmt(d.seconds)} s apart)` : "";
  const where = d.fromCite.file === d.toCite.file ? `in two readings of ${d.toCite.file}` : `between ${d.fromCite.file} and ${d.toCite.file}`;
  return `${d.name} rose by ${d.delta} ${where}${span}: ${d.from} → ${d.to}`;
}

export function fmt(n: number, digits = 2): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toFixed(digits)));
}

/** "6.18.44-fc-v657" → [6, 18, 44]; undefined if it does not look like a kernel version */
export function parseVersion(v: string | undefined): number[] | undefined {
  if (!v) return undefined;
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function versionAtLeast(v: number[] | undefined, ...min: number[]): boolean | undefined {
  if (!v) return undefined;
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export function kernelOf(h: HostEvidence): number[] | undefined {
  return parseVersion(h.kernel?.value);
}

export function nodePortRange(ctx: RuleContext): { range: [number, number]; source: string; host?: string; cite?: Cite } {
  if (ctx.context.nodePortRange) return { range: ctx.context.nodePortRange, source: "--nodeport-range" };
  for (const h of ctx.hosts) {
    const r = h.kubernetes.nodePortRange;
    if (r) return { range: r.value, source: `${h.host}:${r.cite.file}`, host: h.host, cite: r.cite };
  }
  return { range: [30000, 32767], source: "the Kubernetes default" };
}

export function kubernetesVersion(ctx: RuleContext): { value: string; host?: string; cite?: Cite } | undefined {
  if (ctx.context.kubernetesVersion) return { value: ctx.context.kubernetesVersion };
  for (const h of ctx.hosts) {
    const v = h.kubernetes.version;
    if (v) return { value: v.value, host: h.host, cite: v.cite };
  }
  return undefined;
}

// ---- IPv4 prefix arithmetic (bridge collisions, route lookups) ----

export function ipv4ToInt(a: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export type Prefix = { base: number; len: number; text: string };

export function parsePrefix(p: string): Prefix | undefined {
  const [addr, lenText] = p.split("/");
  const ip = ipv4ToInt(addr ?? "");
  if (ip === undefined) return undefined;
  const len = lenText === undefined ? 32 : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > 32) return undefined;
  return { base: (ip & mask(len)) >>> 0, len, text: p };
}

function mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

export function prefixContains(p: Prefix, ip: number): boolean {
  return ((ip & mask(p.len)) >>> 0) === p.base;
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  const len = Math.min(a.len, b.len);
  return ((a.base & mask(len)) >>> 0) === ((b.base & mask(len)) >>> 0);
}

/** strip a port / brackets: "10.0.0.5:8080" → "10.0.0.5" */
export function hostPart(addr: string): string {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::\d+)?$/.exec(addr.replace(/^https?:\/\//, "").split("/")[0] ?? "");
  return m ? m[1]! : addr;
}
