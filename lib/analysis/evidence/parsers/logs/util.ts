/**
 * Helpers shared by the log, timing, Kubernetes and tcpdump-text parsers. Parsers run on untrusted and
 * possibly huge files, so everything here is one pass over the text and no pattern may backtrack on a
 * long line: regexes are anchored, with bounded or possessive-like character classes.
 */
import { detached } from "../../detach";
import type { FileFacts, ParseOutcome, TextParser, Warning } from "../../parser";

/** Lines without terminators; index i is line i+1. A trailing newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** The first `max` lines of a sniffing head; the last one may be cut by the head boundary, so it is dropped. */
// recognise() hands the same head to every parser in turn: split it once
let lastHead: string | undefined;
let lastLines: string[] = [];

export function headLines(head: string, max = 60): string[] {
  if (head !== lastHead) {
    // a copy, split: a slice of a file's text held here would keep the whole text alive (detach.ts); a long text
    // is not memoised
    const own = head.length > 65536 ? undefined : detached(head);
    const lines = splitLines(own ?? head.slice(0, 65536));
    if (head.length >= 4096 && lines.length > 1 && !head.endsWith("\n")) lines.pop();
    if (!own) return lines.length > max ? lines.slice(0, max) : lines;
    lastHead = own;
    lastLines = lines;
  }
  return lastLines.length > max ? lastLines.slice(0, max) : lastLines.slice();
}

/** Header comments a person (or our fixtures) put on top of a pasted output: `# …` lines. */
export function isCommentLine(l: string): boolean {
  return /^\s*#/.test(l);
}

export function ok(data: FileFacts, warnings: Warning[]): ParseOutcome {
  return { status: "success", data, warnings };
}

export function fail(error: string): ParseOutcome {
  return { status: "failed", error };
}

/** Fraction of non-blank, non-comment lines that `test` accepts. */
export function lineFraction(lines: string[], test: (l: string) => boolean): { hits: number; counted: number } {
  let hits = 0;
  let counted = 0;
  for (const l of lines) {
    if (l.trim() === "" || isCommentLine(l)) continue;
    counted++;
    if (test(l)) hits++;
  }
  return { hits, counted };
}

/** Wraps a parser so that a bug on hostile input becomes a `failed` result rather than an exception. */
export function safeParser(kind: TextParser["kind"], name: string, sniff: (head: string, name: string) => number,
  parse: (text: string) => ParseOutcome): TextParser & { id: string } {
  return {
    id: name,
    kind,
    sniff(head, fileName) {
      try {
        const s = sniff(typeof head === "string" ? head : "", typeof fileName === "string" ? fileName : "");
        return Number.isFinite(s) ? Math.max(0, Math.min(1, s)) : 0;
      } catch {
        return 0;
      }
    },
    parse(text) {
      if (typeof text !== "string") return fail(`${name}: input is not text`);
      try {
        return parse(text);
      } catch (err) {
        return fail(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

const MONTHS: Record<string, number> = {
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12,
};

export function monthNumber(name: string): number | undefined {
  return MONTHS[name.slice(0, 1).toUpperCase() + name.slice(1, 3).toLowerCase()];
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** ISO text from parts; offset like "+0000" / "+05:30"; undefined when a part is out of range. */
export function isoFrom(y: number, mo: number, d: number, h: number, mi: number, s: number, frac = "",
  offset?: string): string | undefined {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return undefined;
  let off = "";
  if (offset) {
    const m = /^([+-])(\d\d):?(\d\d)$/.exec(offset);
    off = m ? `${m[1]}${m[2]}:${m[3]}` : offset === "Z" ? "Z" : "";
  }
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${frac ? "." + frac : ""}${off}`;
}

/**
 * `07/Feb/2020:11:48:51 +0000` (nginx $time_local) → ISO. Many lines share a second: memoised (bounded),
 * which also lets those entries share one string.
 */
const localTimes = new Map<string, string | undefined>();
export function nginxLocalTime(t: string): string | undefined {
  if (localTimes.has(t)) return localTimes.get(t);
  const iso = nginxLocalTimeUncached(t);
  if (localTimes.size > 50000) localTimes.clear();
  localTimes.set(detached(t), iso);
  return iso;
}

function nginxLocalTimeUncached(t: string): string | undefined {
  const m = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?: ([+-]\d{4}))?$/.exec(t);
  if (!m) return undefined;
  const mo = monthNumber(m[2]);
  if (!mo) return undefined;
  return isoFrom(+m[3], mo, +m[1], +m[4], +m[5], +m[6], "", m[7]);
}

/** Base name of a path, lower-cased: a hint only. */
export function baseName(name: string): string {
  const parts = name.split(/[\\/]/);
  return (parts[parts.length - 1] ?? "").toLowerCase();
}

export function toInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,15}$/.test(s)) return undefined;
  return Number(s);
}

export function toNum(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,15}(?:\.\d{1,9})?$/.test(s)) return undefined;
  return Number(s);
}
