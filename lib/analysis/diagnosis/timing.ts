/**
 * The kernel's SYN / SYN-ACK retransmission schedule, and what an observed latency says about it.
 *
 * Kernel semantics (net/ipv4/tcp_timer.c, ip-sysctl.rst):
 * - The first SYN waits TCP_TIMEOUT_INIT = 1 s (3 s before 2.6.39, commit 9ad7c049 "RFC2988bis + taking
 *   RTT sample from 3WHS for the passive open side").
 * - tcp_retransmit_timer(): in SYN_SENT, while `tp->total_rto <= sysctl_tcp_syn_linear_timeouts` the RTO is
 *   NOT doubled (6.5+, commit ccce324dabfe, default 4); otherwise `icsk_rto = min(icsk_rto << 1, rto_max)`.
 *   With the default 4 the first five gaps are 1 s: offsets 1,2,3,4,5,7,11,19,35,67.
 * - tcp_write_timeout(): SYN_SENT gives up after tcp_syn_retries (+ tcp_syn_linear_timeouts on 6.5+)
 *   retransmissions: 127 s before 6.5, 131 s after (defaults).
 * - rto_max is TCP_RTO_MAX = 120 s, a sysctl (tcp_rto_max_ms) since 6.15.
 * - The passive side retransmits the SYN-ACK on `TCP_TIMEOUT_INIT << num_timeout` (no linear phase):
 *   1,3,7,15,31 after the first SYN-ACK, dropped at 63 s with tcp_synack_retries = 5.
 * Measured on this machine's 6.18 kernel by the lab (testdata/timing) and in the research notes.
 */
import { parseVersion, versionAtLeast } from "./context";

export type Sysctls = Record<string, { value: string } | string | undefined>;

export type Schedule = {
  side: "syn" | "synack";
  /** offsets (s) of each retransmission after the first SYN / SYN-ACK */
  retransmits: number[];
  /** when the kernel gives up (s after the first packet) */
  giveUp: number;
  initialRto: number;
  linearTimeouts: number;
  retries: number;
  rtoMax: number;
  /** how the kernel version was taken into account */
  basis: string;
};

function num(s: Sysctls, name: string): number | undefined {
  const v = s[name] ?? s[`net.ipv4.${name}`];
  if (v === undefined) return undefined;
  const text = typeof v === "string" ? v : v.value;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

export function synSchedule(kernel: string | number[] | undefined, sysctls: Sysctls = {}): Schedule {
  const v = Array.isArray(kernel) ? kernel : parseVersion(kernel);
  const linearKernel = versionAtLeast(v, 6, 5);
  const initialRto = versionAtLeast(v, 2, 6, 39) === false ? 3 : 1;
  // An unknown kernel is read as a current one; callers that care compare both schedules.
  const linearTimeouts = linearKernel === false ? 0 : num(sysctls, "tcp_syn_linear_timeouts") ?? 4;
  const defaultRetries = versionAtLeast(v, 3, 7) === false ? 5 : 6;
  const retries = num(sysctls, "tcp_syn_retries") ?? defaultRetries;
  const rtoMax = versionAtLeast(v, 6, 15) === false ? 120 : (num(sysctls, "tcp_rto_max_ms") ?? 120000) / 1000;
  const total = retries + linearTimeouts;
  // tcp_write_timeout() also gives up once the time the classic doubling schedule of tcp_syn_retries would
  // take has passed (retransmits_timed_out → tcp_model_timeout, TCP_RTO_MAX-based), counted from the first
  // SYN and checked only after a first retransmission. With the defaults both limits land at 131 s; with a
  // lowered tcp_syn_retries the time limit ends the linear phase early (6.18: retries 2 → SYNs at 1..5 s,
  // failure at 7 s).
  const modelTimeout = linearKernel === false ? Infinity : modelTimeoutOf(retries, initialRto);
  const retransmits: number[] = [];
  let t = 0;
  let rto = initialRto;
  let giveUp = 0;
  for (let k = 1; ; k++) {
    t += rto;
    const sent = k - 1;
    if (sent >= total || (sent > 0 && t >= modelTimeout - 1e-9)) {
      giveUp = round(t);
      break;
    }
    retransmits.push(round(t));
    // timeout number k has fired: total_rto == k
    if (k > linearTimeouts) rto = Math.min(rto * 2, rtoMax);
  }
  const basis = v
    ? `kernel ${v.join(".")}${linearKernel ? `, tcp_syn_linear_timeouts=${linearTimeouts}` : " (before 6.5: no linear SYN timeouts)"}, tcp_syn_retries=${retries}`
    : `kernel unknown (assumed ≥ 6.5), tcp_syn_retries=${retries}`;
  return { side: "syn", retransmits, giveUp, initialRto, linearTimeouts, retries, rtoMax, basis };
}

/** tcp_model_timeout(): how long `boundary` doubling retransmissions take from rto_base, capped at TCP_RTO_MAX */
function modelTimeoutOf(boundary: number, rtoBase: number): number {
  const thresh = Math.floor(Math.log2(120 / rtoBase));
  if (boundary <= thresh) return (2 ** (boundary + 1) - 1) * rtoBase;
  return (2 ** (thresh + 1) - 1) * rtoBase + (boundary - thresh) * 120;
}

export function synAckSchedule(kernel: string | number[] | undefined, sysctls: Sysctls = {}): Schedule {
  const v = Array.isArray(kernel) ? kernel : parseVersion(kernel);
  const initialRto = versionAtLeast(v, 2, 6, 39) === false ? 3 : 1;
  const retries = num(sysctls, "tcp_synack_retries") ?? 5;
  const rtoMax = versionAtLeast(v, 6, 15) === false ? 120 : (num(sysctls, "tcp_rto_max_ms") ?? 120000) / 1000;
  const retransmits: number[] = [];
  let t = 0;
  let rto = initialRto;
  for (let k = 1; k <= retries; k++) {
    t += rto;
    retransmits.push(round(t));
    rto = Math.min(rto * 2, rtoMax);
  }
  return {
    side: "synack", retransmits, giveUp: round(t + rto), initialRto, linearTimeouts: 0, retries, rtoMax,
    basis: `tcp_synack_retries=${retries}${v ? `, kernel ${v.join(".")}` : ""}`,
  };
}

export type ConfiguredTimeout = { name: string; seconds: number };

export type LatencyExplanation = {
  seconds: number;
  kind: "syn" | "synack" | "timeout" | "none";
  /** the schedule point or timeout that explains it */
  point?: number;
  /** retransmission number (1-based) for syn / synack */
  retransmission?: number;
  /** seconds left over once the point is taken away (the request itself, RTTs) */
  residual?: number;
  timeout?: string;
  text: string;
  /** other readings considered, best first */
  alternatives: string[];
};

const ORDINAL = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"];
const COUNT = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"];

function ord(n: number): string {
  return ORDINAL[n - 1] ?? `${n}th`;
}
function cnt(n: number): string {
  return COUNT[n] ?? String(n);
}

type Candidate = { kind: LatencyExplanation["kind"]; point: number; index?: number; residual: number; score: number; text: string; timeout?: string };

/** how far above a point a latency may land and still be "on" it: RTTs plus the request itself */
function tolerance(point: number, gapToNext: number): number {
  return Math.min(1.5, Math.max(0.25, gapToNext * 0.4));
}

function scheduleCandidates(seconds: number, s: Schedule): Candidate[] {
  const out: Candidate[] = [];
  const pts = s.retransmits;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i]!;
    const next = pts[i + 1] ?? s.giveUp;
    const residual = round(seconds - p);
    if (residual < -0.05 || residual > tolerance(p, next - p)) continue;
    const gap = next - p;
    // a close fit on a sparse part of the lattice is strong; on the 1 s linear steps it says little
    const score = (1 - Math.max(0, residual) / Math.max(gap, 0.5)) * Math.min(1, gap / 2);
    const n = i + 1;
    const what = s.side === "syn"
      ? `the SYN and ${n === 1 ? "nothing else" : `its first ${cnt(n - 1)} retransmission${n - 1 === 1 ? "" : "s"}`} were lost; the ${ord(n)} retransmission (sent at +${fmtS(p)} s) was answered`
      : `the SYN-ACK and ${n === 1 ? "nothing else" : `its first ${cnt(n - 1)} retransmission${n - 1 === 1 ? "" : "s"}`} went unanswered (or the final ACK was dropped); the ${ord(n)} SYN-ACK retransmission (at +${fmtS(p)} s) completed the handshake`;
    const rest = residual > 0.01 ? `; the remaining ${fmtS(residual)} s is the request itself and round trips` : "";
    out.push({ kind: s.side, point: p, index: n, residual, score, text: `${fmtS(seconds)} s: ${what}${rest} (${s.basis})` });
  }
  return out;
}

/**
 * Explain one observed latency by the kernel's handshake retries or a configured timeout, whichever fits
 * better (smaller residual, on a sparser part of its lattice).
 */
export function explainLatency(
  seconds: number,
  hostKernel: string | undefined,
  sysctls: Sysctls = {},
  configuredTimeouts: ConfiguredTimeout[] = [],
  /** the server's sysctls, for its SYN-ACK schedule (the client's own tcp_synack_retries do not apply) */
  serverSysctls: Sysctls = {},
): LatencyExplanation {
  const cands: Candidate[] = [];
  const syn = synSchedule(hostKernel, sysctls);
  cands.push(...scheduleCandidates(seconds, syn));
  if (!hostKernel) {
    // without a kernel version the pre-6.5 doubling schedule is as plausible as the linear one
    const old = synSchedule([6, 1, 0], sysctls);
    for (const c of scheduleCandidates(seconds, old)) {
      c.text = c.text.replace(/\(kernel 6\.1\.0[^)]*\)/, "(if the client kernel is older than 6.5: doubling schedule 1, 3, 7, 15, 31, 63 s)");
      cands.push(c);
    }
  }
  for (const c of scheduleCandidates(seconds, synAckSchedule(hostKernel, serverSysctls))) {
    c.score *= 0.9; // the client's own SYN retries are the commoner reading
    cands.push(c);
  }
  for (const t of configuredTimeouts) {
    const residual = round(seconds - t.seconds);
    if (residual < -0.05 || residual > Math.min(1.5, Math.max(0.3, t.seconds * 0.05))) continue;
    const score = 1 - Math.max(0, residual) / Math.max(1, t.seconds * 0.05 + 0.5);
    cands.push({
      kind: "timeout", point: t.seconds, residual, score, timeout: t.name,
      text: `${fmtS(seconds)} s: the configured ${t.name} (${fmtS(t.seconds)} s) fired${residual > 0.01 ? `, plus ${fmtS(residual)} s` : ""}`,
    });
  }
  cands.sort((a, b) => b.score - a.score || a.residual - b.residual);
  const best = cands[0];
  if (!best || best.score <= 0.05) {
    return {
      seconds, kind: "none", alternatives: cands.map((c) => c.text),
      text: `${fmtS(seconds)} s is not on the SYN retransmission schedule (${syn.retransmits.slice(0, 7).map(fmtS).join(", ")} … s) nor near a configured timeout: more likely server work time than a lost handshake`,
    };
  }
  let text = best.text;
  const isTimeout = best.kind === "timeout";
  const rival = cands.find((c) => (c.kind === "timeout") !== isTimeout && c.score >= best.score - 0.1);
  if (rival) {
    text += `. Equally consistent: ${rival.text.replace(/^[\d.]+ s: /, "")}`;
  } else if (!isTimeout && configuredTimeouts.length > 0) {
    const near = configuredTimeouts.filter((t) => Math.abs(t.seconds - seconds) < Math.max(3, seconds * 0.15));
    const shown = (near.length > 0 ? near : configuredTimeouts).slice(0, 4);
    text += `. No configured timeout explains this${near.length > 0 ? " as well" : ""} (${shown.map((t) => `${t.name} ${fmtS(t.seconds)} s`).join(", ")}); the kernel's handshake retries do`;
  }
  if (best.kind !== "timeout" && seconds >= 4.95 && seconds <= 5.6) {
    text += `. 5 s is also glibc's resolver timeout (a lost DNS packet, conntrack insert race)${rival ? "" : " and ingress-nginx's default proxy-connect-timeout"}`;
  }
  const out: LatencyExplanation = {
    seconds, kind: best.kind, point: best.point, residual: best.residual, text,
    alternatives: cands.slice(1, 4).map((c) => c.text),
  };
  if (best.index !== undefined) out.retransmission = best.index;
  if (best.timeout !== undefined) out.timeout = best.timeout;
  return out;
}

/** is this latency on the SYN lattice of either kernel family (the "a handshake was lost" fingerprint)? */
export function onSynLattice(seconds: number, hostKernel?: string, sysctls: Sysctls = {}): boolean {
  const scheds = hostKernel ? [synSchedule(hostKernel, sysctls), synAckSchedule(hostKernel)] : [synSchedule(undefined, sysctls), synSchedule([6, 1, 0], sysctls), synAckSchedule(undefined)];
  // ignore the dense 1 s linear steps below 5 s: a 2.3 s request is not evidence of anything
  return scheds.some((s) => scheduleCandidates(seconds, s).some((c) => c.point >= 3 && c.score > 0.3));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function fmtS(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}
