/**
 * `nstat` text (`#kernel` then `TcpExtListenOverflows   154   0.0`: name, value, rate) and `nstat -j`
 * (`{"kernel":{"TcpExtListenOverflows":154,…}}`). Without a history file nstat prints absolute values,
 * with one it prints increments since the last run; the file does not say which, so values are taken as
 * printed and the merger's delta logic decides what two readings mean.
 */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { splitMibName } from "./counterNames";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

function isNstatRow(f: string[]): boolean {
  return f.length === 3 && /^\d+$/.test(f[1]) && /^\d+(\.\d+)?$/.test(f[2]) && splitMibName(f[0]) !== undefined;
}

function sniffText(head: string): number {
  const lines = headLines(head, 60);
  if (lines.length === 0) return 0;
  let good = 0;
  let kernelHeader = false;
  for (const l of lines) {
    if (l.trim() === "#kernel") {
      kernelHeader = true;
      good++;
    } else if (isNstatRow(fields(l))) good++;
  }
  const frac = good / lines.length;
  if (frac < 0.6) return 0;
  return Math.min(1, 0.6 + 0.3 * frac + (kernelHeader ? 0.1 : 0));
}

function parseText(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let n = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const f = fields(l);
    if (f.length === 0 || l.trim() === "#kernel") continue;
    const name = f.length === 3 && /^\d+$/.test(f[1]) ? splitMibName(f[0]) : undefined;
    if (!name) {
      warnings.push({ line: i + 1, message: `not an nstat counter line: ${l.slice(0, 120)}` });
      continue;
    }
    counters[name] = { value: Number(f[1]), line: i + 1 };
    n++;
  }
  if (n === 0) return fail("nstat: no counter line");
  return ok({ counters }, warnings);
}

function sniffJson(head: string): number {
  const t = head.trimStart();
  if (!t.startsWith("{")) return 0;
  return /^\{\s*"kernel"\s*:\s*\{/.test(t) ? 0.95 : 0;
}

/** nstat -j prints everything on one line; each counter cites the line its name is on. */
function parseJson(text: string): ReturnType<TextParser["parse"]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(`nstat -j: invalid JSON (${e instanceof Error ? e.message : "?"})`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return fail("nstat -j: not an object");
  const kernel = (doc as Record<string, unknown>).kernel;
  if (typeof kernel !== "object" || kernel === null || Array.isArray(kernel)) return fail("nstat -j: no \"kernel\" object");
  // one pass over the text: the first line each quoted key appears on (keys are unique in nstat -j)
  const multiLine = /\n[^\n]/.test(text);
  const keyLine = new Map<string, number>();
  if (multiLine) {
    const re = /"([A-Za-z0-9_]{1,200})"\s*:|\n/g;
    let line = 1;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === "\n") line++;
      else if (!keyLine.has(m[1])) keyLine.set(m[1], line);
    }
  }
  const lineOf = (key: string): number | undefined => keyLine.get(key);
  const counters: CounterReading = {};
  const warnings: Warning[] = [];
  for (const [key, value] of Object.entries(kernel as Record<string, unknown>)) {
    const name = splitMibName(key);
    if (!name || typeof value !== "number" || !Number.isFinite(value)) {
      warnings.push({ message: `nstat -j: unknown entry ${key.slice(0, 80)}` });
      continue;
    }
    // single-line output: every counter is on line 1, no search needed
    counters[name] = { value, line: multiLine ? lineOf(key) : 1 };
  }
  if (Object.keys(counters).length === 0) return fail("nstat -j: no counter");
  return ok({ counters }, warnings);
}

export const nstatParser: TextParser = {
  kind: "nstat",
  sniff: guardedSniff(sniffText),
  parse: guarded("nstat", parseText),
};

export const nstatJsonParser: TextParser = {
  kind: "nstat-json",
  sniff: guardedSniff(sniffJson),
  parse: guarded("nstat-json", parseJson),
};
