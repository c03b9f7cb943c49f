/**
 * JSON access logs, one object per line: ingress-nginx / nginx with `log-format-escape-json` and a JSON
 * `log-format-upstream` (keys as the operator named them: `status`, `request_time`, `upstream_addr`,
 * `upstream_status`, `upstream_response_time`, `upstream_connect_time`…), Traefik's JSON access log
 * (`DownstreamStatus`, `Duration` in ns, `OriginStatus`, `OriginDuration`, `ServiceAddr`/`ServiceURL`,
 * `RequestMethod`, `RequestPath`, `StartUTC`, `ClientAddr`, `RouterName`), and other JSON lines with a status
 * and a duration. A line wrapped by the container runtime (`{"log": "{…}\n"}`) is unwrapped first.
 *
 * Keys are matched by meaning, not by one product's spelling (case and `_`/`.` ignored), so a renamed field
 * still counts. Durations: numbers with a unit in the key (`_ms`, `Duration` ns in Traefik) or strings with
 * a unit (`"1.5s"`, `"300ms"`) are converted; bare numbers are seconds, as nginx prints them.
 */
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, ok, safeParser, splitLines } from "./util";
import { SLOW_REQUEST_SECONDS } from "./access";

type Entry = NonNullable<FileFacts["accessLog"]>[number];

const norm = (k: string) => k.toLowerCase().replace(/[_.\-@]/g, "");

const STATUS = ["downstreamstatus", "status", "statuscode", "httpstatus", "responsecode", "responsestatus", "code"];
const REQTIME = ["requesttime", "duration", "durationms", "responsetime", "elapsed", "latency", "took", "totaltime", "timetaken", "requestduration"];
const UPADDR = ["upstreamaddr", "upstreamaddress", "serviceaddr", "serviceurl", "upstreamhost", "backend", "upstream"];
const UPSTATUS = ["upstreamstatus", "originstatus", "upstreamresponsestatus"];
const UPTIME = ["upstreamresponsetime", "originduration", "upstreamtime", "upstreamservicetime"];
const UPCONNECT = ["upstreamconnecttime"];
const METHOD = ["requestmethod", "method", "verb", "httpmethod"];
const PATH = ["requestpath", "path", "uri", "requesturi", "url"];
const TIME = ["startutc", "time", "timestamp", "ts", "timelocal", "timeiso8601", "msec", "starttime", "@timestamp"];
const CLIENT = ["clientaddr", "clienthost", "remoteaddr", "clientip", "remoteip", "xforwardedfor"];
const UPNAME = ["proxyupstreamname", "routername", "servicename", "upstreamname"];

function pick(o: Record<string, unknown>, keys: string[]): { key: string; value: unknown } | undefined {
  for (const [k, v] of Object.entries(o)) {
    const n = norm(k);
    if (keys.includes(n)) return { key: n, value: v };
  }
  return undefined;
}

/** one object per line, or a line wrapped by a container runtime */
function objectOf(l: string): Record<string, unknown> | undefined {
  const t = l.trim();
  if (!t.startsWith("{") || t.length > 200000) return undefined;
  try {
    let o: unknown = JSON.parse(t);
    if (o && typeof o === "object" && typeof (o as Record<string, unknown>).log === "string") {
      const inner = ((o as Record<string, unknown>).log as string).trim();
      if (inner.startsWith("{")) o = JSON.parse(inner);
    }
    return o && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function seconds(key: string, v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) {
    if (/ms$/.test(key)) return v / 1000;
    if (/(ns|nanos?)$/.test(key) || key === "duration" || key === "originduration") return v > 1e5 ? v / 1e9 : v;
    if (/(us|micros?)$/.test(key)) return v / 1e6;
    return v;
  }
  if (typeof v === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|µs|us|ms|s|m)?\s*$/.exec(v);
    if (!m) return undefined;
    const n = Number(m[1]);
    return m[2] === "ns" ? n / 1e9 : m[2] === "µs" || m[2] === "us" ? n / 1e6 : m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : n;
  }
  return undefined;
}

/** nginx lists one value per upstream tried: "502, 200", "0.001, -" */
function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const s = String(v).trim();
  if (s === "" || s === "-") return [];
  return s.split(/\s*[,:]\s+|\s+:\s+|,\s*/).map((x) => x.trim()).filter((x) => x !== "");
}

function isAccessObject(o: Record<string, unknown> | undefined): boolean {
  if (!o) return false;
  const s = pick(o, STATUS);
  const st = s ? Number(s.value) : NaN;
  return Number.isInteger(st) && st >= 0 && st < 600 && (pick(o, REQTIME) !== undefined || pick(o, PATH) !== undefined || pick(o, UPADDR) !== undefined);
}

function sniff(head: string): number {
  const lines = headLines(head, 30);
  const { hits, counted } = lineFraction(lines, (l) => isAccessObject(objectOf(l)));
  if (hits === 0) return 0;
  const f = hits / counted;
  return f >= 0.5 ? Math.min(0.9, 0.55 + 0.35 * f) : 0;
}

function parse(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const accessLog: Entry[] = [];
  const latencies: NonNullable<FileFacts["latencies"]> = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "") continue;
    const lineNo = i + 1;
    const o = objectOf(l);
    if (!o || !isAccessObject(o)) {
      warnings.push({ line: lineNo, message: `not a JSON access-log line: ${l.slice(0, 120)}` });
      continue;
    }
    const e: Entry = { status: Number(pick(o, STATUS)!.value), upstreamAddr: [], upstreamStatus: [], upstreamResponseTime: [], line: lineNo };
    const rt = pick(o, REQTIME);
    const secs = rt ? seconds(rt.key, rt.value) : undefined;
    if (secs !== undefined) e.requestTime = secs;
    const ua = pick(o, UPADDR);
    if (ua) e.upstreamAddr = list(ua.value);
    const us = pick(o, UPSTATUS);
    if (us) e.upstreamStatus = list(us.value).map((x) => (/^\d{3}$/.test(x) ? Number(x) : null));
    const ut = pick(o, UPTIME) ?? pick(o, UPCONNECT);
    if (ut) e.upstreamResponseTime = typeof ut.value === "number" ? [seconds(ut.key, ut.value) ?? null] : list(ut.value).map((x) => seconds(ut.key, x) ?? null);
    const m = pick(o, METHOD);
    if (typeof m?.value === "string") e.method = m.value;
    const p = pick(o, PATH);
    if (typeof p?.value === "string") e.path = p.value;
    const t = pick(o, TIME);
    if (typeof t?.value === "string") {
      const ms = Date.parse(t.value);
      if (Number.isFinite(ms)) e.time = new Date(ms).toISOString();
    }
    const c = pick(o, CLIENT);
    if (typeof c?.value === "string" && c.value !== "" && c.value !== "-") e.client = c.value;
    const n = pick(o, UPNAME);
    if (typeof n?.value === "string" && n.value !== "") e.upstreamName = n.value;
    accessLog.push(e);
    if (secs !== undefined && secs >= SLOW_REQUEST_SECONDS) latencies.push({ seconds: secs, source: "access-log", what: rt!.key, line: lineNo });
  }
  if (accessLog.length === 0) return fail("json access log: no line with a status and a duration or path");
  return ok({ accessLog, latencies }, warnings);
}

export const jsonAccessParser = safeParser("json-access-log", "json-access", sniff, parse);
