/**
 * nginx access logs: the default `combined` format, combined followed by timings (bare numbers, or
 * `rt=`/`urt=`/`uct=`/`uht=`/`ua=`/`us=` pairs as in the common "main_ext"/"timed" formats), and the
 * ingress-nginx default `upstreaminfo` format:
 *
 *   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 *   "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
 *   $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id
 *
 * (older controllers have no `[$proxy_alternative_upstream_name]` and no `$req_id`; both are accepted).
 * nginx prints one value per upstream tried, separated by ", " (and " : " between upstream groups after
 * an internal redirect), with "-" where an upstream gave no value: `200, -`. Values stay positional, so
 * "-" becomes null rather than being dropped; a field that is a single "-" means "no upstream" → [].
 *
 * Every parsed request goes to `accessLog`. Requests that took >= 1 s (request_time) are ALSO added to
 * `latencies` (source "access-log", what "request_time"): a diagnosis looking for the 1 s / 3 s / 31 s
 * SYN-retransmission steps sees the slow ones without scanning every request.
 */
import { detached } from "../../detach";
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, nginxLocalTime, ok, safeParser, splitLines, toInt, toNum } from "./util";
// a cycle on purpose (nginxError imports parseAccessLine): both sides only call each other at parse time
import { KLOG_LINE, NGINX_LINE, parseLog as parseErrorLog } from "./nginxError";

type Entry = NonNullable<FileFacts["accessLog"]>[number];

// quoted fields allow escaped quotes (\"), as nginx escapes them; the unrolled `[^"\\]*(?:\\.[^"\\]*)*` is
// unambiguous, so linear. Only the fields we keep are captured (fewer strings per line).
const COMBINED = /^(\S{1,300}) \S{1,100} \S{1,300} \[([^\]]{1,40})\] "([^"\\]*(?:\\.[^"\\]*)*)" (\d{3}) (\d{1,15}|-)(?: "[^"\\]*(?:\\.[^"\\]*)*" "[^"\\]*(?:\\.[^"\\]*)*")?(.*)$/;

export const SLOW_REQUEST_SECONDS = 1;

// entries without upstream values share these frozen empties instead of three new arrays each (the
// arrays in AccessLogEntry are read-only to consumers)
const EMPTY_S: string[] = Object.freeze([]) as unknown as string[];
const EMPTY_N: Array<number | null> = Object.freeze([]) as unknown as Array<number | null>;

function splitRequest(req: string): { method?: string; path?: string } {
  const sp = req.indexOf(" ");
  if (sp <= 0 || req === "-") return {};
  const method = sp === 3 && req.startsWith("GET") ? "GET" : sp === 4 && req.startsWith("POST") ? "POST" : req.slice(0, sp);
  const rest = req.slice(sp + 1);
  const sp2 = rest.lastIndexOf(" HTTP/");
  return { method, path: sp2 >= 0 ? rest.slice(0, sp2) : rest };
}

/**
 * Groups the whitespace tokens of the upstream part into fields: "a, b" (value list) and "a : b"
 * (upstream groups) are one field.
 */
function groupFields(rest: string): string[][] {
  // the common case, one upstream and no groups: every token is a field
  if (!rest.includes(",") && !rest.includes(" : ") && !rest.includes("  ")) {
    const t = rest.split(" ");
    const out: string[][] = new Array(t.length);
    for (let i = 0; i < t.length; i++) out[i] = [t[i]];
    return t[0] === "" ? out.slice(1) : out;
  }
  const tokens = rest.split(" ").filter((t) => t !== "");
  const groups: string[][] = [];
  let cur: string[] | undefined;
  let joinNext = false;
  for (const t of tokens) {
    if (t === ":" || t === ",") {
      joinNext = true;
      continue;
    }
    const cont = t.endsWith(",");
    const v = cont ? t.slice(0, -1) : t;
    if (cur && joinNext) cur.push(v);
    else {
      cur = [v];
      groups.push(cur);
    }
    joinNext = cont;
  }
  return groups;
}

/**
 * One-value upstream fields repeat endlessly in a log ([200], [0.001], ["10.0.0.5:8080"]): they are
 * interned as frozen arrays, so a big log keeps a few hundred arrays instead of three per request. Fewer
 * long-lived objects is what keeps the young-generation GC cheap on a 50 MB bundle.
 */
// one table per kind of value, keyed by the raw text: no "kind + value" key string to build and hash per line
const internedAddr = new Map<string, ReadonlyArray<unknown>>();
const internedInt = new Map<string, ReadonlyArray<unknown>>();
const internedNum = new Map<string, ReadonlyArray<unknown>>();
// no closure per call: these run three times per access-log line
function internAddr(a: string): string[] {
  let v = internedAddr.get(a);
  if (!v) {
    if (internedAddr.size > 20000) internedAddr.clear();
    const own = detached(a);
    v = Object.freeze([own]);
    internedAddr.set(own, v);
  }
  return v as string[];
}

// a log names a handful of upstreams: one string each instead of one per request
const internedName = new Map<string, string>();
function internName(n: string): string {
  const v = internedName.get(n);
  if (v !== undefined) return v;
  if (internedName.size > 20000) internedName.clear();
  const own = detached(n);
  internedName.set(own, own);
  return own;
}

function internValue(v: string, int: boolean): Array<number | null> {
  const table = int ? internedInt : internedNum;
  let a = table.get(v);
  if (!a) {
    if (table.size > 20000) table.clear();
    a = Object.freeze([(int ? toInt(v) : toNum(v)) ?? null]);
    table.set(detached(v), a);
  }
  return a as Array<number | null>;
}

function nullableNum(vals: string[], int: boolean): Array<number | null> {
  if (vals.length === 1) {
    const v = vals[0];
    if (v === "-") return EMPTY_N;
    return internValue(v, int);
  }
  return vals.map((v) => (int ? toInt(v) : toNum(v)) ?? null);
}

const IPV4_PORT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;

// a log names few upstreams many times: remember the verdicts (bounded)
const addrVerdicts = new Map<string, boolean>();

/** A sane `$upstream_addr` value: ip:port, [ipv6]:port, unix:path, a host:port, or "-". */
export function validUpstreamAddr(a: string): boolean {
  let v = addrVerdicts.get(a);
  if (v === undefined) {
    v = validUpstreamAddrUncached(a);
    if (addrVerdicts.size > 10000) addrVerdicts.clear();
    addrVerdicts.set(detached(a), v);
  }
  return v;
}

function validUpstreamAddrUncached(a: string): boolean {
  if (a === "-" || a.startsWith("unix:")) return true;
  const v4 = IPV4_PORT.exec(a);
  if (v4) return [1, 2, 3, 4].every((i) => +v4[i] <= 255) && +v4[5] <= 65535;
  const v6 = /^\[([0-9A-Fa-f:.]{2,45})\]:(\d{1,5})$/.exec(a);
  if (v6) {
    const ip = v6[1];
    const doubles = ip.split("::").length - 1;
    const groups = ip.split(":").filter((g) => g !== "");
    return doubles <= 1 && groups.length <= 8 && groups.every((g) => g.length <= 4 || g.includes(".")) && +v6[2] <= 65535;
  }
  const hp = /^([A-Za-z0-9.-]{1,253}):(\d{1,5})$/.exec(a);
  if (hp) return +hp[2] <= 65535;
  // the upstream{} group's name, as nginx logs it when no server was live ("no live upstreams")
  return /^[A-Za-z_][A-Za-z0-9._-]{0,252}$/.test(a);
}

/** End (index of the closing quote) of a quoted field starting after `from`; nginx escapes `"` as `\"`. */
function quoteEnd(l: string, from: number): number {
  let i = from;
  for (;;) {
    const q = l.indexOf('"', i);
    if (q < 0) return -1;
    // count the backslashes right before the quote: an odd number escapes it
    let b = q - 1;
    while (b >= from && l.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}

/**
 * The combined-format prefix, scanned with indexOf rather than one big regex: it is the hot loop of a
 * 50 MB bundle. Same grammar as COMBINED (which stays the reference for the sniffers):
 * `addr user user [time] "request" status bytes ["referer" "agent"]rest`.
 */
function scanCombined(l: string): { client: string; time: string; request: string; status: number; bytes: string; rest: string } | undefined {
  const s1 = l.indexOf(" ");
  if (s1 <= 0 || s1 > 300) return undefined;
  const s2 = l.indexOf(" ", s1 + 1);
  if (s2 < 0 || s2 === s1 + 1) return undefined;
  const s3 = l.indexOf(" [", s2 + 1);
  if (s3 < 0 || s3 === s2 + 1 || l.lastIndexOf(" ", s3 - 1) !== s2) return undefined;
  const tEnd = l.indexOf("] \"", s3 + 2);
  if (tEnd < 0 || tEnd - s3 - 2 > 40 || tEnd === s3 + 2) return undefined;
  const time = l.slice(s3 + 2, tEnd);
  if (time.includes("]")) return undefined;
  const rStart = tEnd + 3;
  const rEnd = quoteEnd(l, rStart);
  if (rEnd < 0 || l.charCodeAt(rEnd + 1) !== 32) return undefined;
  const st = rEnd + 2;
  const c0 = l.charCodeAt(st), c1 = l.charCodeAt(st + 1), c2 = l.charCodeAt(st + 2);
  if (!(c0 >= 48 && c0 <= 57 && c1 >= 48 && c1 <= 57 && c2 >= 48 && c2 <= 57) || l.charCodeAt(st + 3) !== 32) return undefined;
  let b = st + 4;
  while (b < l.length && l.charCodeAt(b) >= 48 && l.charCodeAt(b) <= 57) b++;
  let bytes: string;
  if (b > st + 4) bytes = l.slice(st + 4, b);
  else if (l.charCodeAt(st + 4) === 45) { bytes = "-"; b = st + 5; } else return undefined;
  if (b - st - 4 > 15) return undefined;
  let restStart = b;
  // optional "referer" "agent"
  if (l.charCodeAt(b) === 32 && l.charCodeAt(b + 1) === 34) {
    const e1 = quoteEnd(l, b + 2);
    if (e1 >= 0 && l.charCodeAt(e1 + 1) === 32 && l.charCodeAt(e1 + 2) === 34) {
      const e2 = quoteEnd(l, e1 + 3);
      if (e2 >= 0) restStart = e2 + 1;
    }
  }
  return {
    client: l.slice(0, s1), time, request: l.slice(rStart, rEnd), status: (c0 - 48) * 100 + (c1 - 48) * 10 + (c2 - 48), bytes,
    rest: l.slice(restStart),
  };
}

// what readRest finds, gathered here first so a complete entry is built by one object literal
const scratch: Entry = { status: 0, upstreamAddr: EMPTY_S, upstreamStatus: EMPTY_N, upstreamResponseTime: EMPTY_N };

/** One access-log line → an entry, or undefined when the line is not in a known access format. */
export function parseAccessLine(l: string, lineNo: number, warnings: Warning[]): Entry | undefined {
  const m = l.length <= 70000 ? scanCombined(l) : undefined;
  if (!m) return undefined;
  const time = nginxLocalTime(m.time);
  const { method, path } = splitRequest(m.request);
  const r = scratch;
  r.upstreamAddr = EMPTY_S;
  r.upstreamStatus = EMPTY_N;
  r.upstreamResponseTime = EMPTY_N;
  r.requestLength = undefined;
  r.requestTime = undefined;
  r.upstreamName = undefined;
  const rest = m.rest.trim();
  if (rest !== "") readRest(rest, r, lineNo, warnings);
  // The usual line has every field: one literal with all of them (in the order the fallback below adds
  // them) gives each entry its final shape at once, instead of growing it a property at a time, which
  // reallocates its property store three times: on ~150k entries that garbage was a good part of the GC.
  if (time && method && path !== undefined && m.bytes !== "-" && r.requestLength !== undefined && r.requestTime !== undefined && r.upstreamName) {
    const full: Entry = {
      status: m.status, upstreamAddr: r.upstreamAddr, upstreamStatus: r.upstreamStatus, upstreamResponseTime: r.upstreamResponseTime,
      line: lineNo, client: m.client, time, method, path, bodyBytes: +m.bytes, requestLength: r.requestLength,
      requestTime: r.requestTime, upstreamName: r.upstreamName,
    };
    // the scratch is module-level: what it holds of this line (slices of the file's text) would keep the text alive
    r.upstreamAddr = EMPTY_S;
    r.upstreamName = undefined;
    return full;
  }
  const e: Entry = { status: m.status, upstreamAddr: r.upstreamAddr, upstreamStatus: r.upstreamStatus, upstreamResponseTime: r.upstreamResponseTime, line: lineNo };
  e.client = m.client;
  if (time) e.time = time;
  if (method) e.method = method;
  if (path !== undefined) e.path = path;
  if (m.bytes !== "-") e.bodyBytes = +m.bytes;
  if (r.requestLength !== undefined) e.requestLength = r.requestLength;
  if (r.requestTime !== undefined) e.requestTime = r.requestTime;
  if (r.upstreamName) e.upstreamName = r.upstreamName;
  r.upstreamAddr = EMPTY_S;
  r.upstreamName = undefined;
  return e;
}

/** The latency an entry adds (requests of SLOW_REQUEST_SECONDS or more), see the header comment. */
export function slowLatency(e: Entry): NonNullable<FileFacts["latencies"]>[number] | undefined {
  return e.requestTime !== undefined && e.requestTime >= SLOW_REQUEST_SECONDS
    ? { seconds: e.requestTime, source: "access-log", what: "request_time", line: e.line }
    : undefined;
}

function parseAccess(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const entries: Entry[] = [];
  const latencies: NonNullable<FileFacts["latencies"]> = [];
  let tried = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "" || l.startsWith("#")) continue;
    tried++;
    const e = parseAccessLine(l, i + 1, warnings);
    if (!e) {
      // `kubectl logs` of an ingress-nginx controller interleaves access lines (stdout) with nginx error
      // and klog lines (stderr): such a file is read by the error-log parse, which keeps both
      if (NGINX_LINE.test(l) || KLOG_LINE.test(l)) return parseErrorLog(text);
      warnings.push({ line: i + 1, message: `not an access-log line: ${l.slice(0, 120)}` });
      continue;
    }
    entries.push(e);
    const slow = slowLatency(e);
    if (slow) latencies.push(slow);
  }
  if (entries.length === 0) return fail(tried === 0 ? "access log: empty" : "access log: no line in a known format");
  return ok({ accessLog: entries, latencies }, warnings);
}

/** Everything after "$http_user_agent": upstreaminfo fields, bare timings or key=value timings. */
function readRest(rest: string, e: Entry, lineNo: number, warnings: Warning[]): void {
  const ui = /^(\d{1,15}|-) (\d{1,9}(?:\.\d{1,9})?|-) \[([^\]]{0,300})\](?: \[([^\]]{0,300})\])? ?(.*)$/.exec(rest);
  if (ui) {
    const rl = toInt(ui[1]);
    if (rl !== undefined) e.requestLength = rl;
    const rt = toNum(ui[2]);
    if (rt !== undefined) e.requestTime = rt;
    if (ui[3]) e.upstreamName = internName(ui[3]);
    const tail = ui[5];
    // the common line: one upstream, no lists, no groups: four or five plain tokens, no arrays built
    if (!tail.includes(",") && !tail.includes(" : ") && !tail.startsWith(" ")) {
      const t = tail.split(" ");
      if ((t.length === 4 || t.length === 5) && !/^\d+$/.test(t[0])) {
        const a = t[0];
        e.upstreamAddr = a === "-" ? EMPTY_S : internAddr(a);
        if (a !== "-" && !validUpstreamAddr(a)) warnings.push({ line: lineNo, message: `malformed upstream address kept as text: ${a.slice(0, 80)}` });
        e.upstreamResponseTime = nullableNum([t[2]], false);
        e.upstreamStatus = nullableNum([t[3]], true);
        return;
      }
    }
    const g = groupFields(tail);
    // an empty $upstream_addr (nginx failed before choosing a peer, e.g. bind() failed) prints as nothing:
    // "[] [] ␠0 0.000 - id" — four fields whose first is a number, not an address
    if (tail.startsWith(" ") || g.length === 4 && /^\d+$/.test(g[0][0] ?? "") && /^[0-9a-f]{16,64}$/.test(g[3][0] ?? "")) g.unshift([]);
    // addr, response_length, response_time, status[, req_id]
    if (g.length < 4) {
      warnings.push({ line: lineNo, message: `upstreaminfo: expected upstream addr/length/time/status, got ${g.length} field(s)` });
      return;
    }
    const addrs = g[0];
    e.upstreamAddr = addrs.length === 0 || addrs.length === 1 && addrs[0] === "-" ? EMPTY_S
      : addrs.length === 1 ? internAddr(addrs[0]) : addrs;
    for (const a of e.upstreamAddr) {
      if (!validUpstreamAddr(a)) warnings.push({ line: lineNo, message: `malformed upstream address kept as text: ${a.slice(0, 80)}` });
    }
    e.upstreamResponseTime = nullableNum(g[2], false);
    e.upstreamStatus = nullableNum(g[3], true);
    return;
  }
  // key=value timings (rt=0.123 urt="0.100, 0.004" us="502, 200" ua="10.0.0.1:80")
  if (/^[a-z_]{1,40}=/.test(rest)) {
    const kv = /([a-z_]{1,40})=("(?:[^"\\]|\\.){0,2000}"|\S{1,2000})/g;
    let m: RegExpExecArray | null;
    while ((m = kv.exec(rest))) {
      const v = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
      const vals = groupFields(v)[0] ?? [];
      switch (m[1]) {
        case "rt": case "request_time": { const n = toNum(v); if (n !== undefined) e.requestTime = n; break; }
        case "urt": case "upstream_response_time": e.upstreamResponseTime = nullableNum(vals, false); break;
        case "us": case "upstream_status": e.upstreamStatus = nullableNum(vals, true); break;
        case "ua": case "upstream_addr": e.upstreamAddr = vals.length === 1 && vals[0] === "-" ? [] : vals; break;
        default: break;
      }
    }
    return;
  }
  // bare numbers: $request_time [$upstream_response_time]
  const g = groupFields(rest);
  const rt = g[0] && g[0].length === 1 ? toNum(g[0][0]) : undefined;
  if (rt === undefined) {
    warnings.push({ line: lineNo, message: `unknown fields after the combined format: ${rest.slice(0, 80)}` });
    return;
  }
  e.requestTime = rt;
  if (g[1]) e.upstreamResponseTime = nullableNum(g[1], false);
}

const UPSTREAMINFO_TAIL = /" (\d{1,15}|-) (\d{1,9}(?:\.\d{1,9})?|-) \[[^\]]{0,300}\]/;

// the nginx and the ingress-nginx sniffers read the same head one after the other
let commonHead: string | undefined;
let commonOf = { frac: 0, hits: 0, ingress: 0 };

function sniffCommon(head: string): { frac: number; hits: number; ingress: number } {
  if (head.length > 65536) return sniffCommonUncached(head);
  if (head !== commonHead) {
    // a copy, computed from: a slice of a file's text held here would keep the whole text alive (detach.ts)
    commonHead = detached(head);
    commonOf = sniffCommonUncached(commonHead);
  }
  return commonOf;
}

function sniffCommonUncached(head: string): { frac: number; hits: number; ingress: number } {
  const lines = headLines(head, 40);
  let ingress = 0;
  const { hits, counted } = lineFraction(lines, (l) => {
    if (l.length > 70000 || !COMBINED.test(l)) return false;
    if (UPSTREAMINFO_TAIL.test(l)) ingress++;
    return true;
  });
  return { frac: counted ? hits / counted : 0, hits, ingress };
}

export const nginxAccessParser = safeParser("nginx-access-log", "nginx-access", (head) => {
  const s = sniffCommon(head);
  if (s.hits === 0 || s.frac < 0.5) return 0;
  return 0.7 + 0.2 * s.frac;
}, parseAccess);

export const ingressAccessParser = safeParser("ingress-nginx-access-log", "ingress-nginx-access", (head) => {
  const s = sniffCommon(head);
  if (s.ingress === 0 || s.frac < 0.5) return 0;
  return 0.8 + 0.18 * (s.ingress / Math.max(1, s.hits));
}, parseAccess);
