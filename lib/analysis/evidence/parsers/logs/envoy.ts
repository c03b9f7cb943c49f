/**
 * Envoy access logs in the default format (also Ambassador/Emissary, and Istio's which adds
 * RESPONSE_CODE_DETAILS / CONNECTION_TERMINATION_DETAILS / "UPSTREAM_TRANSPORT_FAILURE_REASON" after
 * the flags):
 *
 *   [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 *   %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 *   "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
 *
 * Lines may carry an `ACCESS ` prefix or be wrapped by the container runtime / Kubernetes logging as
 * JSON (`{"message": "…"}` or `{"log": "…"}`); the wrapped line is read and cited at the JSON line.
 * Response flags (UF upstream connection failure, URX retry limit, UC upstream connection termination,
 * UT upstream timeout, NR no route, UH no healthy upstream…) go to `responseFlags`. A TCP-proxy line has
 * status 0 and request "- - -". DURATION (ms) becomes requestTime in seconds; >= 1 s also a latency.
 */
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, ok, safeParser, splitLines, toInt } from "./util";
import { SLOW_REQUEST_SECONDS } from "./access";

type Entry = NonNullable<FileFacts["accessLog"]>[number];

const ENVOY = /^(?:ACCESS )?\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)\] "([^"]{0,16384})" (\d{1,3}) (\S{1,200}) (.*)$/;

/** The log line inside a JSON wrapper, or the line itself. */
function unwrap(l: string): string {
  if (!l.startsWith("{") || l.length > 200000) return l;
  try {
    const o: unknown = JSON.parse(l);
    if (o && typeof o === "object") {
      const rec = o as Record<string, unknown>;
      const msg = typeof rec.message === "string" ? rec.message : typeof rec.log === "string" ? rec.log : undefined;
      if (msg !== undefined) return msg.replace(/\r?\n$/, "");
    }
  } catch {
    // not JSON: the line is read as it is
  }
  return l;
}

function parseEnvoy(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const entries: Entry[] = [];
  const latencies: NonNullable<FileFacts["latencies"]> = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const lineNo = i + 1;
    const l = unwrap(raw);
    const m = ENVOY.exec(l);
    if (!m) {
      warnings.push({ line: lineNo, message: `not an Envoy access-log line: ${l.slice(0, 120)}` });
      continue;
    }
    const e: Entry = { status: +m[3], upstreamAddr: [], upstreamStatus: [], upstreamResponseTime: [], line: lineNo, time: m[1] };
    const req = m[2];
    if (req !== "- - -") {
      const parts = req.split(" ");
      if (parts[0] && parts[0] !== "-") e.method = parts[0];
      if (parts[1] && parts[1] !== "-") e.path = parts[1];
    }
    if (m[4] !== "-") e.responseFlags = m[4].split(",").filter((f) => f !== "");
    // tokens in order, quoted or bare; Istio puts detail words and a quoted failure reason before the
    // numbers, so the numbers are the first run of >= 3 bare numeric-or-"-" tokens, and the five quoted
    // fields after them are XFF, user agent, request id, authority, upstream host
    const toks: Array<{ q: boolean; v: string }> = [];
    const tre = /"([^"]{0,4096})"|(\S{1,4096})/g;
    let tm: RegExpExecArray | null;
    while ((tm = tre.exec(m[5])) && toks.length < 64) toks.push(tm[1] !== undefined ? { q: true, v: tm[1] } : { q: false, v: tm[2] });
    const isNum = (t: { q: boolean; v: string } | undefined) => !!t && !t.q && /^(\d{1,15}|-)$/.test(t.v);
    let at = -1;
    for (let k = 0; k + 2 < toks.length; k++) if (isNum(toks[k]) && isNum(toks[k + 1]) && isNum(toks[k + 2])) { at = k; break; }
    if (at >= 0) {
      const sent = toInt(toks[at + 1].v);
      if (sent !== undefined) e.bodyBytes = sent;
      const dur = toInt(toks[at + 2].v);
      if (dur !== undefined) e.requestTime = dur / 1000;
      const ust = isNum(toks[at + 3]) ? toInt(toks[at + 3].v) : undefined;
      if (ust !== undefined) e.upstreamResponseTime = [ust / 1000];
      const quoted = toks.slice(at + 3).filter((t) => t.q).map((t) => t.v);
      if (quoted.length >= 5) {
        if (quoted[0] !== "-") e.client = quoted[0];
        if (quoted[4] !== "-") e.upstreamAddr = [quoted[4]];
      }
    } else {
      warnings.push({ line: lineNo, message: "Envoy line without bytes/duration fields" });
    }
    entries.push(e);
    if (e.requestTime !== undefined && e.requestTime >= SLOW_REQUEST_SECONDS) {
      latencies.push({ seconds: e.requestTime, source: "access-log", what: "duration", line: lineNo });
    }
  }
  if (entries.length === 0) return fail("Envoy access log: no line in the default format");
  return ok({ accessLog: entries, latencies }, warnings);
}

export const envoyAccessParser = safeParser("envoy-access-log", "envoy-access", (head) => {
  const lines = headLines(head, 40);
  const { hits, counted } = lineFraction(lines, (l) => ENVOY.test(unwrap(l)));
  if (hits === 0 || hits / counted < 0.5) return 0;
  return 0.75 + 0.2 * (hits / counted);
}, parseEnvoy);
