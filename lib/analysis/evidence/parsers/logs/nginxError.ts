/**
 * nginx / ingress-nginx error logs, and the ingress-nginx controller's own klog output.
 *
 * nginx: `YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message, client: …, server: …, request: "…",
 * upstream: "…", host: "…"`. A line that does not start with the timestamp continues the entry before it
 * (FastCGI stderr, Lua tracebacks), so an entry's cite is the line it starts on.
 *
 * The controller pod's log (`kubectl logs`) mixes all three: access lines on stdout, and on stderr klog lines (`E1215 04:15:13.816036 8 file.go:489] …`) from the Go
 * controller and nginx error lines. One parse handles all of them (access lines go to accessLog, as the
 * access parser reads them); the sniffers decide which kind the file is.
 * The controller's `dial tcp …: connect: connection refused` is the API server (or a webhook) refusing,
 * not an upstream: it is kept as a connection_refused event with the dialled address in `upstream` and
 * phase "dial tcp (controller)", so a rule can tell the two apart.
 *
 * Events: the failure sentences diagnosis cares about get their own kind whatever the level (nginx logs
 * "upstream server temporarily disabled" and some timeouts at [warn]); any other entry at level error or
 * above becomes other_error; warn/notice/info/debug entries without a known sentence are understood but
 * give no event (they would drown the error counts).
 */
import type { LogEventKind } from "../../model";
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, isoFrom, lineFraction, ok, safeParser, splitLines } from "./util";
import { parseAccessLine, slowLatency } from "./access";

export const NGINX_LINE = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) \[(emerg|alert|crit|error|warn|notice|info|debug)\] (\d+)#(\d+): (.*)$/;
export const KLOG_LINE = /^([IWEF])(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{1,9})\s+(\d+) ([^\]\s]{1,200})\] (.*)$/;
const SEVERE = new Set(["emerg", "alert", "crit", "error"]);

type Event = NonNullable<FileFacts["logEvents"]>[number];

/** Classifies one nginx error message; undefined kind means "not one of ours". */
export function classifyNginx(message: string): { kind?: LogEventKind; phase?: string } {
  let kind: LogEventKind | undefined;
  if (message.includes("upstream timed out") || message.includes("(110: Connection timed out)")) kind = "upstream_timed_out";
  else if (message.includes("(104: Connection reset by peer)")) kind = "connection_reset";
  else if (message.includes("upstream prematurely closed connection")) kind = "upstream_prematurely_closed";
  else if (message.includes("no live upstreams")) kind = "no_live_upstreams";
  else if (message.includes("(111: Connection refused)")) kind = "connection_refused";
  else if (message.includes("(99: Cannot assign requested address)")) kind = "cannot_assign_address";
  // "while connecting to upstream", "while reading response header from upstream", "while sending request to upstream"…
  const w = / (while [a-z][a-z ]{0,80}?)(?:,|$)/.exec(message);
  return { kind, phase: w ? w[1].trimEnd() : undefined };
}

/** `key: value` pairs nginx appends after the message; values may be quoted. */
function trailer(message: string, key: string): string | undefined {
  const at = message.indexOf(`, ${key}: `);
  if (at < 0) return undefined;
  const rest = message.slice(at + key.length + 4);
  if (rest.startsWith('"')) {
    const end = rest.indexOf('"', 1);
    return end > 0 ? rest.slice(1, end) : undefined;
  }
  const end = rest.indexOf(",");
  return (end >= 0 ? rest.slice(0, end) : rest).trim() || undefined;
}

function classifyKlog(message: string): { kind?: LogEventKind; upstream?: string } {
  const dial = /dial (?:tcp|udp)[46]? (\S{1,300}): (?:connect: |i\/o timeout|read: |)/.exec(message);
  const upstream = dial ? dial[1] : undefined;
  const m = message.toLowerCase();
  if (m.includes("connection refused")) return { kind: "connection_refused", upstream };
  if (m.includes("connection reset by peer")) return { kind: "connection_reset", upstream };
  if (m.includes("i/o timeout") || m.includes("connection timed out")) return { kind: "upstream_timed_out", upstream };
  if (m.includes("cannot assign requested address")) return { kind: "cannot_assign_address", upstream };
  return { upstream };
}

export function parseLog(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const events: Event[] = [];
  const accessLog: NonNullable<FileFacts["accessLog"]> = [];
  const latencies: NonNullable<FileFacts["latencies"]> = [];
  let nginxEntries = 0;
  let klogEntries = 0;
  // the current nginx entry: continuation lines are appended to its message before classifying
  let open: { line: number; time?: string; level: string; parts: string[] } | undefined;
  const close = () => {
    if (!open) return;
    const message = open.parts.length === 1 ? open.parts[0] : open.parts.join("\n");
    const { kind, phase } = classifyNginx(message);
    if (kind || SEVERE.has(open.level)) {
      const ev: Event = { kind: kind ?? "other_error", message: message.length > 2000 ? message.slice(0, 2000) : message, line: open.line };
      if (open.time) ev.time = open.time;
      if (phase) ev.phase = phase;
      const up = trailer(message, "upstream");
      if (up) ev.upstream = up;
      const client = trailer(message, "client");
      if (client) ev.client = client;
      events.push(ev);
    }
    open = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const n = NGINX_LINE.exec(l);
    if (n) {
      close();
      nginxEntries++;
      const time = isoFrom(+n[1], +n[2], +n[3], +n[4], +n[5], +n[6]);
      // drop the "*cid " connection number: it is not part of what happened
      const msg = n[10].replace(/^\*\d+ /, "");
      open = { line: i + 1, time, level: n[7], parts: [msg] };
      continue;
    }
    const k = KLOG_LINE.exec(l);
    if (k) {
      close();
      klogEntries++;
      const { kind, upstream } = classifyKlog(k[10]);
      if (kind || k[1] === "E" || k[1] === "F") {
        const ev: Event = { kind: kind ?? "other_error", message: k[10].length > 2000 ? k[10].slice(0, 2000) : k[10], line: i + 1 };
        if (upstream) ev.upstream = upstream;
        if (kind) ev.phase = "dial tcp (controller)";
        events.push(ev);
      }
      continue;
    }
    // an access line interleaved by `kubectl logs` (the controller's stdout), before it could be taken
    // for the continuation of an error entry
    if (l.length > 20 && l.includes('] "')) {
      const e = parseAccessLine(l, i + 1, warnings);
      if (e) {
        close();
        accessLog.push(e);
        const slow = slowLatency(e);
        if (slow) latencies.push(slow);
        continue;
      }
    }
    if (open && l.trim() !== "") {
      if (open.parts.length < 200) open.parts.push(l);
      continue;
    }
    // banners, goroutine dumps, blank lines: understood as noise, not errors worth a warning each
  }
  close();
  if (nginxEntries === 0 && klogEntries === 0) return fail("nginx error log: no `YYYY/MM/DD HH:MM:SS [level] pid#tid:` or klog line");
  const facts: FileFacts = { logEvents: events };
  if (accessLog.length > 0) {
    facts.accessLog = accessLog;
    facts.latencies = latencies;
  }
  return ok(facts, warnings);
}

function sniffNginx(head: string): number {
  const lines = headLines(head, 60);
  const { hits, counted } = lineFraction(lines, (l) => NGINX_LINE.test(l));
  if (hits === 0) return 0;
  return Math.min(0.98, 0.75 + 0.23 * (hits / counted));
}

function sniffKlog(head: string): number {
  const lines = headLines(head, 60);
  const { hits } = lineFraction(lines, (l) => KLOG_LINE.test(l));
  const nginx = lineFraction(lines, (l) => NGINX_LINE.test(l)).hits;
  if (hits === 0 || nginx > hits) return 0;
  const banner = head.includes("NGINX Ingress controller") ? 0.15 : 0;
  return Math.min(0.9, (hits >= 2 ? 0.65 : 0.5) + banner);
}

export const nginxErrorParser = safeParser("nginx-error-log", "nginx-error", sniffNginx, parseLog);
/** klog output (the ingress-nginx controller's own log); kind other-text, its failures still become events */
export const klogParser = safeParser("other-text", "klog", sniffKlog, parseLog);
