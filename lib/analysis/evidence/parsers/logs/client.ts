/**
 * What clients and applications print when a connection fails → `logEvents` (kind "client-log"):
 *   - curl: the error line `curl: (28) Operation timed out after 6002 milliseconds with 0 out of 307200 bytes
 *     received`, `curl: (7) Failed to connect to H port P after 0 ms: Couldn't connect to server`, `curl: (56)
 *     Recv failure: Connection reset by peer`, and the verbose (-v) lines `* Connection timed out after 5003
 *     milliseconds`, `* Immediate connect fail for H: Cannot assign requested address`, `*   Trying H:P...`,
 *     `* Connected to …` (a progress meter may precede them on the same line);
 *   - application logs with the errno text of a failed connect, as Python, Go and Java print it:
 *     `[Errno 99] Cannot assign requested address`, `dial tcp 10.0.0.5:5432: connect: cannot assign requested
 *     address`, `dial tcp …: i/o timeout`, `connect: connection refused`, `read: connection reset by peer`,
 *     `java.net.NoRouteToHostException: No route to host`;
 *   - `curl -w` lines without labels (`200 0.0089 0.0370 6.0020 180 http://…`) are read as that output (no facts:
 *     unlabelled numbers cannot be told apart) rather than left unread.
 * The client's own deadline (curl --max-time, an application timeout) is not a network latency: the elapsed
 * times are kept in the message, not in `latencies`.
 */
import type { LogEventKind } from "../../model";
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, ok, safeParser, splitLines } from "./util";

type Ev = NonNullable<FileFacts["logEvents"]>[number];

const CURL_ERR = /curl: \((\d{1,3})\) (.{1,300})$/;
const CURL_V = /(?:^|\s|\d)\* {1,4}(Trying \S{1,100}|Connected to .{1,200}|Connection timed out after \d{1,9} milliseconds|Immediate connect fail for \S{1,100}: .{1,120}|Failed to connect to .{1,200}|Recv failure: .{1,120}|Send failure: .{1,120}|Operation timed out after .{1,200}|connect to \S{1,100} port \d{1,5} failed: .{1,120}|Closing connection.{0,40}|Empty reply from server|Connection died.{0,80}|Connection refused)\s*$/;
// curl -w without labels: an HTTP code (000 when nothing came back), then numbers, maybe a URL
const CURL_W = /^\s*(?:\S{1,40} {1,4}(?:→|->|:) {0,4})?[0-5]\d\d(?: {1,4}\d{1,9}(?:\.\d{1,9})?s?){1,8}(?: {1,4}(?:https?|telnet|ftp):\/\/\S{1,300})?\s*$/;
const CURL_CHATTER = /^\s*(?:[<>{}] |% Total|Dload|\s*\d{1,3} {1,6}\d|\* {1,4}\S|curl: )/;
const ERRNO = /(cannot assign requested address|connection timed out|i\/o timeout|connection refused|connection reset by peer|no route to host|network is unreachable|broken pipe)\b/i;
const PY_TIME = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)?/;
const GO_TIME = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?/;
const PEER = /(?:dial tcp|connect to|Failed to connect to|Immediate connect fail for|could not connect to|connecting to|Trying) \[?([0-9a-fA-F:.]{3,45}?)\]?(?::(\d{1,5})| port (\d{1,5}))?\b/;

function timeOfLine(l: string): string | undefined {
  let m = PY_TIME.exec(l);
  if (m) {
    const ms = Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? "0").padEnd(3, "0").slice(0, 3)}${m[4] ? (m[4] === "Z" ? "Z" : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4]) : "Z"}`);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  m = GO_TIME.exec(l);
  if (m) {
    const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}Z`);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  return undefined;
}

/** the kind of a failure from its text, curl's own wording first */
function classify(text: string): { kind: LogEventKind; phase?: string } | undefined {
  const t = text.toLowerCase();
  if (t.includes("cannot assign requested address")) return { kind: "cannot_assign_address", phase: "connect" };
  // curl: "Connection timed out after N milliseconds" is the connect phase (no handshake); "Operation timed out
  // after N milliseconds with X (out of Y) bytes received" is after it (no or partial response)
  if (/operation timed out after \d+ milliseconds with/.test(t)) return { kind: "transfer_stalled", phase: "response" };
  if (/connection timed out|i\/o timeout|connect(?:ion)? timeout/.test(t)) return { kind: "connect_timeout", phase: "connect" };
  if (t.includes("connection refused") || t.includes("couldn't connect to server")) return { kind: "connection_refused", phase: "connect" };
  if (t.includes("connection reset by peer") || t.includes("recv failure") || t.includes("empty reply from server")) return { kind: "connection_reset", phase: "response" };
  if (t.includes("no route to host") || t.includes("network is unreachable")) return { kind: "no_route_to_host", phase: "connect" };
  if (t.includes("broken pipe")) return { kind: "connection_reset", phase: "request" };
  return undefined;
}

function parseClient(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const logEvents: Ev[] = [];
  let curlLines = 0;
  let peer: { addr: string; port?: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const lineNo = i + 1;
    const e = CURL_ERR.exec(l);
    const v = e ? undefined : CURL_V.exec(l);
    const p = PEER.exec(l);
    if (p && /Trying|Failed to connect|Immediate connect fail|dial tcp|connect to|could not connect|connecting to/.test(p[0])) {
      peer = { addr: p[1], ...(p[2] || p[3] ? { port: Number(p[2] ?? p[3]) } : {}) };
    }
    if (e || v) {
      curlLines++;
      const msg = e ? `curl: (${e[1]}) ${e[2]}` : `* ${v![1]}`;
      const c = classify(msg);
      // curl prints the failure twice (the verbose line and its error line): one event per failure
      const prev = logEvents[logEvents.length - 1];
      if (c && !(prev && prev.kind === c.kind && prev.line !== undefined && lineNo - prev.line <= 4 && e)) {
        const ev: Ev = { kind: c.kind, message: msg, line: lineNo };
        if (c.phase) ev.phase = c.phase;
        if (peer) {
          ev.upstream = peer.port ? `${peer.addr.includes(":") ? `[${peer.addr}]` : peer.addr}:${peer.port}` : peer.addr;
          if (peer.port) ev.port = peer.port;
        }
        logEvents.push(ev);
      }
      continue;
    }
    if (CURL_W.test(l) || CURL_CHATTER.test(l)) {
      curlLines++;
      continue;
    }
    const m = ERRNO.exec(l);
    if (m) {
      const c = classify(l);
      if (c) {
        const ev: Ev = { kind: c.kind, message: l.trim().slice(0, 400), line: lineNo };
        if (c.phase) ev.phase = c.phase;
        const t = timeOfLine(l);
        if (t) ev.time = t;
        const pp = PEER.exec(l);
        if (pp) {
          ev.upstream = pp[2] || pp[3] ? `${pp[1]}:${pp[2] ?? pp[3]}` : pp[1];
          if (pp[2] || pp[3]) ev.port = Number(pp[2] ?? pp[3]);
        }
        logEvents.push(ev);
        continue;
      }
    }
    // a traceback's frames and the other lines of an application log are not failures: kept, not warned about,
    // when the file is an application log with at least one failure line (decided below)
    warnings.push({ line: lineNo, message: `not a client error line: ${l.slice(0, 120)}` });
  }
  if (logEvents.length === 0 && curlLines === 0) return fail("client-log: no curl output or connection error line");
  // an application log: its other lines are the application's own business, not unread evidence
  const appLog = logEvents.length > 0 && curlLines === 0;
  return ok({ logEvents }, appLog ? [] : warnings);
}

export const clientLogParser = safeParser("client-log", "client-log", (head) => {
  const lines = headLines(head, 80);
  let curl = 0;
  let errno = 0;
  const { hits, counted } = lineFraction(lines, (l) => {
    if (CURL_ERR.test(l) || CURL_V.test(l)) {
      curl++;
      return true;
    }
    if (CURL_W.test(l) || /^\s*(?:[<>] |% Total|\s+Dload)/.test(l)) return true;
    if (ERRNO.test(l)) {
      errno++;
      return true;
    }
    return false;
  });
  if (counted === 0) return 0;
  if (curl > 0) return hits / counted >= 0.3 ? 0.8 : 0.45;
  // an application log whose lines mostly report failed connects
  if (errno > 0 && errno / counted >= 0.3) return 0.5;
  return 0;
}, parseClient);
