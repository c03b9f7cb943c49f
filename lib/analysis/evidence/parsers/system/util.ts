/**
 * Small helpers shared by the system parsers. Everything here is linear and regex-light on purpose:
 * parsers run on untrusted, possibly huge files, so no pattern may backtrack on long lines.
 */
import { detached } from "../../detach";
import type { FileFacts, ParseOutcome, Warning } from "../../parser";

/** Lines of a text, without their terminators; index i is line i+1. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  // a trailing newline is a terminator, not an empty last line
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Whitespace-separated fields; never a regex on an unbounded line other than the linear /\s+/. */
export function fields(line: string): string[] {
  if (sniffFields !== undefined) {
    // while recognise() runs, a dozen sniffers split the same head lines into fields: split each line once
    let f = sniffFields.get(line);
    if (f === undefined) {
      f = splitFields(line);
      sniffFields.set(line, f);
    }
    return f.slice();
  }
  return splitFields(line);
}

let sniffFields: Map<string, string[]> | undefined;

/** Runs `body` (the sniffing of one head) with `fields` memoised per line; the memo is dropped after. */
export function withSniffMemo<T>(body: () => T): T {
  const outer = sniffFields;
  sniffFields = new Map();
  try {
    return body();
  } finally {
    sniffFields = outer;
  }
}

function splitFields(line: string): string[] {
  // a hand-rolled scan: the same split as trim() + split(/\s+/), without the regex engine, which was the
  // biggest single cost of sniffing (every parser splits the head's lines into fields)
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSpace(line.charCodeAt(i))) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

/** Exactly the characters of the regex class `\s` (WhiteSpace + LineTerminator), as trim() strips them. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || c >= 9 && c <= 13;
  return c === 0xa0 || c === 0x1680 || c >= 0x2000 && c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function isDecimal(s: string): boolean {
  return /^-?\d+$/.test(s);
}

export function toInt(s: string): number | undefined {
  if (!/^-?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function hexToInt(s: string): number | undefined {
  if (!/^[0-9a-fA-F]+$/.test(s)) return undefined;
  const n = parseInt(s, 16);
  return Number.isFinite(n) ? n : undefined;
}

// recognise() hands the same head to every parser in turn: filter it once per head, not once per sniffer
let lastHead: string | undefined;
let lastLines: string[] = [];

/**
 * Non-empty lines of the sniffing head, leading `# ` comment lines skipped; the last line may be cut by the
 * head window, so it is dropped.
 */
export function headLines(head: string, max = 60): string[] {
  // a text far longer than a sniffing head is not memoised (and its filtering stops at `max`)
  if (head.length > 65536) return filterHead(head, max);
  if (head !== lastHead) {
    // a copy, split: a slice of a file's text held here would keep the whole text alive (detach.ts)
    lastHead = detached(head);
    lastLines = filterHead(lastHead, Infinity);
  }
  // a copy: callers may modify what they get
  return lastLines.length > max ? lastLines.slice(0, max) : lastLines.slice();
}

function filterHead(head: string, max: number): string[] {
  const all = head.split("\n");
  if (all.length > 1 && !head.endsWith("\n")) all.pop();
  const out: string[] = [];
  let leading = true;
  for (const raw of all) {
    const l = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (l.trim() === "") continue;
    // leading `# …` lines: a hand-written fixture's header, or nft's "# Warning: table … managed by iptables-nft"
    if (leading && /^#(\s|$)/.test(l)) continue;
    leading = false;
    out.push(l);
    if (out.length >= max) break;
  }
  return out;
}

/** Hand-written fixtures (formats this kernel cannot produce) start with `# ` comment lines; skip them. */
export function firstContentLine(lines: string[]): number {
  let i = 0;
  while (i < lines.length && (lines[i].trim() === "" || /^#\s/.test(lines[i]) || lines[i] === "#")) i++;
  return i;
}

export function ok(data: FileFacts, warnings: Warning[]): ParseOutcome {
  return { status: "success", data, warnings };
}

export function fail(error: string): ParseOutcome {
  return { status: "failed", error };
}

/** Runs a parse body and turns any unexpected exception into `failed`: the contract is "never throws". */
export function guarded(name: string, body: (text: string) => ParseOutcome): (text: string) => ParseOutcome {
  return (text: string) => {
    try {
      if (typeof text !== "string") return fail(`${name}: input is not text`);
      return body(text);
    } catch (e) {
      return fail(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

export function guardedSniff(body: (head: string, name: string) => number): (head: string, name: string) => number {
  return (head: string, name: string) => {
    try {
      if (typeof head !== "string") return 0;
      const s = body(head, typeof name === "string" ? name : "");
      return Number.isFinite(s) ? Math.max(0, Math.min(1, s)) : 0;
    } catch {
      return 0;
    }
  };
}

/** Base name of a path hint, lower-cased. */
export function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return (parts[parts.length - 1] ?? "").toLowerCase();
}
