/**
 * HAProxy logs: the HTTP log format (`option httplog`) and the TCP log format (`option tcplog`), bare or
 * behind a syslog / journald prefix, and HAProxy's own alerts.
 *
 *   haproxy[7]: 10.0.0.1:5555 [07/Dec/2026:18:00:00.123] fe be/srv1 0/0/-1/-1/3001 503 217 - - sC-- 1/1/0/0/3 0/0 "GET / HTTP/1.1"
 *   haproxy[7]: 10.0.0.1:5555 [07/Dec/2026:18:00:00.123] fe be/srv1 1/-1/3001 0 sC 1/1/0/0/3 0/0           (tcplog)
 *
 * Timers (ms): TR/Tw/Tc/Tr/Ta (http) or Tw/Tc/Tt (tcp); -1 means the step never finished (Tc -1: no
 * connection to the server was established). The termination state's first two letters say who ended
 * the session and in which phase: `sC` a connect that timed out or failed (SYNs unanswered, or a local
 * error such as no free source port), `SC` the server (or something on the way) refused the connection
 * (RST), `SD`/`SH` the server aborted during data / headers (keep-alive races). Entries go to `accessLog`
 * (status, request time = Ta or Tt, connect time as the upstream's response time, the termination state in
 * `responseFlags`); connect failures also become log events (`upstream_timed_out` / `connection_refused`
 * "while connecting to upstream", `connection_reset` / `upstream_prematurely_closed` otherwise), and alert
 * lines carrying "Cannot assign requested address" or "no free ports" become `cannot_assign_address`.
 */
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, nginxLocalTime, ok, safeParser, splitLines } from "./util";
import { SLOW_REQUEST_SECONDS } from "./access";

type Entry = NonNullable<FileFacts["accessLog"]>[number];
type Event = NonNullable<FileFacts["logEvents"]>[number];

// client:port [accept date] frontend backend/server timers status? bytes? ... termination
const HTTP = /(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{2,39}):(\d{1,5}) \[(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d{1,6})?)\] (\S{1,200}) (\S{1,200})\/(\S{1,200}) (-?\d{1,9})\/(-?\d{1,9})\/(-?\d{1,9})\/(-?\d{1,9})\/\+?(-?\d{1,9}) (-?\d{1,3}) \+?(\d{1,15}) \S{1,200} \S{1,200} ([-a-zA-Z]{4}) (\S{1,100}) (\S{1,50})(?: \{[^}]{0,2000}\})*(?: "([^"]{0,16384})")?/;
const TCP = /(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{2,39}):(\d{1,5}) \[(\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d{1,6})?)\] (\S{1,200}) (\S{1,200})\/(\S{1,200}) (-?\d{1,9})\/(-?\d{1,9})\/\+?(-?\d{1,9}) \+?(\d{1,15}) ([-a-zA-Z]{2,4}) (\d{1,9}\/\d{1,9}\/\d{1,9}\/\d{1,9}\/\+?\d{1,9}) (\d{1,9}\/\d{1,9})\s*$/;
const ALERT = /(Cannot assign requested address|no free ports|Connect\(\) failed for backend|Cannot bind to source address|Server \S+ is DOWN)/i;

function isHaproxyLine(l: string): boolean {
  return l.length < 20000 && (HTTP.test(l) || TCP.test(l) || (/haproxy/i.test(l) && ALERT.test(l)));
}

function sniff(head: string): number {
  const lines = headLines(head, 40);
  const { hits, counted } = lineFraction(lines, isHaproxyLine);
  if (hits === 0) return 0;
  const f = hits / counted;
  return f >= 0.5 ? Math.min(0.95, 0.6 + 0.35 * f) : f >= 0.2 ? 0.35 : 0;
}

function time(t: string): string | undefined {
  return nginxLocalTime(`${t.replace(/\.\d+$/, "")} +0000`);
}

function parse(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const accessLog: Entry[] = [];
  const logEvents: Event[] = [];
  const latencies: NonNullable<FileFacts["latencies"]> = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "" || l.length > 20000) continue;
    const lineNo = i + 1;
    const h = HTTP.exec(l);
    const t = h ? null : TCP.exec(l);
    if (h || t) {
      const m = (h ?? t)!;
      const client = `${m[1]}:${m[2]}`;
      const server = m[6]!;
      const backend = m[5]!;
      let tc: number;
      let total: number;
      let status: number;
      let term: string;
      if (h) {
        tc = Number(h[9]);
        total = Number(h[11]);
        status = Number(h[12]);
        term = h[14]!;
      } else {
        tc = Number(t![8]);
        total = Number(t![9]);
        status = 0;
        term = t![11]!;
      }
      const e: Entry = {
        status: status < 0 ? 0 : status,
        upstreamAddr: server === "<NOSRV>" ? [] : [`${backend}/${server}`],
        upstreamStatus: [],
        upstreamResponseTime: [tc >= 0 ? tc / 1000 : null],
        client,
        upstreamName: backend,
        responseFlags: [term],
        line: lineNo,
      };
      const tm = time(m[3]!);
      if (tm) e.time = tm;
      if (total >= 0) e.requestTime = total / 1000;
      if (h?.[17]) {
        const sp = h[17].split(" ");
        if (sp[0]) e.method = sp[0];
        if (sp[1]) e.path = sp[1];
      }
      accessLog.push(e);
      if (e.requestTime !== undefined && e.requestTime >= SLOW_REQUEST_SECONDS) latencies.push({ seconds: e.requestTime, source: "access-log", what: "haproxy Ta/Tt", line: lineNo });
      const who = term[0];
      const phase = term[1];
      const up = server === "<NOSRV>" ? undefined : `${backend}/${server}`;
      const base = { line: lineNo, message: l.slice(l.indexOf(m[1]!)).slice(0, 300), client, ...(tm ? { time: tm } : {}), ...(up ? { upstream: up } : {}) };
      if (who === "s" && phase === "C") logEvents.push({ ...base, kind: "upstream_timed_out", phase: "while connecting to upstream" });
      else if (who === "S" && phase === "C") logEvents.push({ ...base, kind: "connection_refused", phase: "while connecting to upstream" });
      else if (who === "S" && phase === "H") logEvents.push({ ...base, kind: "upstream_prematurely_closed", phase: "while reading response header from upstream" });
      else if (who === "S" && phase === "D") logEvents.push({ ...base, kind: "connection_reset", phase: "while reading upstream" });
      else if (who === "s" && phase === "H") logEvents.push({ ...base, kind: "upstream_timed_out", phase: "while reading response header from upstream" });
      continue;
    }
    const a = ALERT.exec(l);
    if (a) {
      const kind = /Cannot assign requested address|no free ports|Cannot bind to source address/i.test(a[1]!) ? "cannot_assign_address" : "other_error";
      logEvents.push({ kind, phase: "while connecting to upstream", message: l.slice(0, 300), line: lineNo });
      continue;
    }
    warnings.push({ line: lineNo, message: `not a HAProxy log line: ${l.slice(0, 120)}` });
  }
  if (accessLog.length === 0 && logEvents.length === 0) return fail("haproxy: no log line");
  return ok({ accessLog, logEvents, latencies }, warnings);
}

export const haproxyLogParser = safeParser("haproxy-log", "haproxy", sniff, parse);
