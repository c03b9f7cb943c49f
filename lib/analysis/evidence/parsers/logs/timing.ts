/**
 * Timing files → `latencies` (source "timing"):
 *   - `curl -w` output: `time_namelookup: 0.004` … `time_total: 31.742`, one per line or several on a
 *     line (`-w 'time_connect: %{time_connect} time_total: %{time_total}\n'`), optionally with an `s` unit;
 *   - bash/zsh `time` output: `real 0m31.742s` (user/sys are CPU time, not waiting: skipped);
 *   - a plain list of measured durations, one per line with a unit: `31.7s`, `31742ms`, `850us`.
 * Bare numbers without a unit are not taken: seconds or milliseconds cannot be told apart.
 */
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, lineFraction, ok, safeParser, splitLines } from "./util";

type Lat = NonNullable<FileFacts["latencies"]>[number];

const CURL_KEY = /\b(time_(?:namelookup|connect|appconnect|pretransfer|starttransfer|redirect|total|queue|posttransfer))\s{0,8}[:=]\s{0,8}(\d{1,9}(?:\.\d{1,9})?)s?\b/g;
const REAL = /^\s*real\s+(?:(\d{1,6})m)?(\d{1,9}(?:\.\d{1,9})?)s\s*$/;
const PLAIN = /^\s*(\d{1,12}(?:\.\d{1,9})?)\s?(s|ms|us|µs|sec|secs|seconds)\s*$/;
const TIME_AUX = /^\s*(user|sys)\s+(?:\d{1,6}m)?\d{1,9}(?:\.\d{1,9})?s\s*$/;

function plainSeconds(v: string, unit: string): number {
  const n = Number(v);
  if (unit === "ms") return n / 1000;
  if (unit === "us" || unit === "µs") return n / 1e6;
  return n;
}

function parseTiming(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const latencies: Lat[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "" || l.startsWith("#")) continue;
    const lineNo = i + 1;
    if (l.includes("time_")) {
      let found = false;
      CURL_KEY.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = CURL_KEY.exec(l))) {
        found = true;
        latencies.push({ seconds: Number(m[2]), source: "timing", what: m[1], line: lineNo });
      }
      if (found) continue;
    }
    const r = REAL.exec(l);
    if (r) {
      latencies.push({ seconds: Number(r[1] ?? 0) * 60 + Number(r[2]), source: "timing", what: "real", line: lineNo });
      continue;
    }
    if (TIME_AUX.test(l)) continue;
    const p = PLAIN.exec(l);
    if (p) {
      latencies.push({ seconds: plainSeconds(p[1], p[2]), source: "timing", what: "measured", line: lineNo });
      continue;
    }
    warnings.push({ line: lineNo, message: `not a timing line: ${l.slice(0, 120)}` });
  }
  if (latencies.length === 0) return fail("timing: no curl -w time_*, `real`, or duration-with-unit line");
  return ok({ latencies }, warnings);
}

export const timingParser = safeParser("timing", "timing", (head) => {
  const lines = headLines(head, 60);
  let curl = 0;
  const { hits, counted } = lineFraction(lines, (l) => {
    CURL_KEY.lastIndex = 0;
    if (CURL_KEY.test(l)) {
      curl++;
      return true;
    }
    return REAL.test(l) || TIME_AUX.test(l) || PLAIN.test(l);
  });
  if (hits === 0) return 0;
  const frac = hits / counted;
  if (curl > 0 && frac >= 0.3) return 0.85;
  return frac >= 0.8 ? 0.6 + 0.2 * frac : 0;
}, parseTiming);
