/**
 * Conntrack statistics:
 * - `conntrack -S`: one `cpu=0 found=0 invalid=12 insert=0 insert_failed=3 drop=3 early_drop=0 …` line per
 *   CPU (older tools also print searched/new/delete…); the counters are summed over CPUs.
 * - /proc/net/stat/nf_conntrack: a header and one hex row per CPU, mapped by the header (6.x kernels
 *   replaced searched/delete_list by clashres/chainlength). Summed over rows, except `entries`, which is
 *   the table-wide count repeated on every row: it is the conntrack count, not a per-CPU counter.
 * - nf_conntrack_count / nf_conntrack_max files: a bare number, which only the file name can identify
 *   (the one place a name decides).
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { baseName, fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Stats = NonNullable<NonNullable<FileFacts["conntrack"]>["stats"]>;

const CPU_LINE = /^cpu=(\d+)\s+(.*)$/;
/** the older `conntrack -S` summary (conntrack-tools before the per-CPU lines): one `name   value` line per stat */
const OLD_STATS = new Set(["entries", "searched", "found", "new", "invalid", "ignore", "delete", "delete_list", "insert", "insert_failed", "drop", "early_drop", "icmp_error", "error", "expect_new", "expect_create", "expect_delete", "search_restart", "clash_resolve", "chaintoolong"]);
const OLD_LINE = /^\s*([a-z_]{2,20})\s+(\d{1,20})\s*$/;
const oldLine = (l: string) => {
  const m = OLD_LINE.exec(l);
  return m && OLD_STATS.has(m[1]) ? m : null;
};

function kvPairs(s: string): Array<[string, number]> | undefined {
  const out: Array<[string, number]> = [];
  for (const w of s.trim().split(/\s+/)) {
    const eq = w.indexOf("=");
    if (eq <= 0) return undefined;
    const v = w.slice(eq + 1);
    if (!/^\d+$/.test(v)) return undefined;
    out.push([w.slice(0, eq), Number(v)]);
  }
  return out.length > 0 ? out : undefined;
}

function sniffStats(head: string): number {
  const lines = headLines(head, 40);
  if (lines.length === 0) return 0;
  let good = 0;
  for (const l of lines) {
    const m = CPU_LINE.exec(l);
    if (m && kvPairs(m[2])) good++;
  }
  const frac = good / lines.length;
  if (frac < 0.6) {
    const old = lines.filter((l) => oldLine(l)).length;
    return old >= 3 && old >= lines.length * 0.8 && lines.some((l) => /^\s*(insert_failed|early_drop|searched)\s/.test(l)) ? 0.8 : 0;
  }
  return 0.7 + 0.25 * frac;
}

function parseStats(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const stats: Stats = {};
  let cpus = 0;
  let olds = 0;
  let count: { value: number; line: number } | undefined;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const m = CPU_LINE.exec(l);
    const kv = m ? kvPairs(m[2]) : undefined;
    const old = kv ? null : oldLine(l);
    if (old) {
      // the older summary: totals already summed; `entries` is the table's count
      if (old[1] === "entries") count = { value: Number(old[2]), line: i + 1 };
      else stats[old[1]] = { value: Number(old[2]), line: i + 1 };
      olds++;
      continue;
    }
    if (!kv) {
      warnings.push({ line: i + 1, message: `not a conntrack -S cpu line: ${l.slice(0, 120)}` });
      continue;
    }
    cpus++;
    // the cite is the first CPU's line: the sum spans all of them
    for (const [k, v] of kv) stats[k] = { value: (stats[k]?.value ?? 0) + v, line: stats[k]?.line ?? i + 1 };
  }
  if (cpus === 0 && olds === 0) return fail("conntrack -S: no cpu= line");
  return ok({ conntrack: { stats, ...(count ? { count } : {}) } }, warnings);
}

function sniffProc(head: string): number {
  const lines = headLines(head, 10);
  if (lines.length < 2) return 0;
  const h = lines[0].trim().split(/\s+/);
  if (h[0] !== "entries" || !h.includes("found") || !h.includes("invalid")) return 0;
  const row = lines[1].trim().split(/\s+/);
  return row.length === h.length && row.every((x) => /^[0-9a-fA-F]+$/.test(x)) ? 0.95 : 0.6;
}

function parseProc(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const start = firstContentLine(lines);
  if (start >= lines.length) return fail("nf_conntrack stat: empty");
  const header = lines[start].trim().split(/\s+/);
  if (header[0] !== "entries") return fail("nf_conntrack stat: no `entries …` header");
  const stats: Stats = {};
  let count: { value: number; line: number } | undefined;
  let rows = 0;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const f = l.trim().split(/\s+/);
    if (f.length !== header.length || !f.every((x) => /^[0-9a-fA-F]{1,16}$/.test(x))) {
      warnings.push({ line: i + 1, message: `row does not match the header (${f.length} vs ${header.length} columns)` });
      continue;
    }
    rows++;
    for (let k = 0; k < header.length; k++) {
      const v = parseInt(f[k], 16);
      if (header[k] === "entries") {
        if (!count) count = { value: v, line: i + 1 };
        continue;
      }
      stats[header[k]] = { value: (stats[header[k]]?.value ?? 0) + v, line: stats[header[k]]?.line ?? i + 1 };
    }
  }
  if (rows === 0) return fail("nf_conntrack stat: no CPU row");
  return ok({ conntrack: { stats, ...(count ? { count } : {}) } }, warnings);
}

function countWhich(name: string): "count" | "max" | undefined {
  const b = baseName(name).replace(/\.(txt|out)$/, "");
  // `conntrack -C` prints the count as a bare number too
  if (b === "nf_conntrack_count" || b === "net.netfilter.nf_conntrack_count" || b === "conntrack-c" || b === "conntrack_c") return "count";
  if (b === "nf_conntrack_max" || b === "net.netfilter.nf_conntrack_max" || b === "net.nf_conntrack_max") return "max";
  return undefined;
}

function sniffCount(head: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(head)) return 0;
  return countWhich(name) ? 0.95 : 0;
}

function parseCountText(text: string, name: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const start = firstContentLine(lines);
  const m = /^\s*(\d+)\s*$/.exec(lines[start] ?? "");
  if (!m) return fail("conntrack count: not a single number");
  const which = countWhich(name);
  const warnings: Warning[] = [];
  for (let i = start + 1; i < lines.length; i++) if (lines[i].trim() !== "") warnings.push({ line: i + 1, message: "extra line after the number" });
  const fact = { value: Number(m[1]), line: start + 1 };
  if (which === "max") return ok({ conntrack: { max: fact } }, warnings);
  if (which === "count") return ok({ conntrack: { count: fact } }, warnings);
  // without the name a count cannot be told from a max: guessing could report max as count
  warnings.push({ line: fact.line, message: `bare number ${fact.value}: count or max unknown without the file name (use parseNamed)` });
  return ok({}, warnings);
}

export const conntrackStatsParser: TextParser = {
  kind: "conntrack-stats",
  sniff: guardedSniff(sniffStats),
  parse: guarded("conntrack-stats", parseStats),
};

export const procNfConntrackParser: TextParser = {
  kind: "proc-nf-conntrack",
  sniff: guardedSniff(sniffProc),
  parse: guarded("proc-nf-conntrack", parseProc),
};

/**
 * A bare number is a count or a max depending on the file name only. `parse(text)` cannot see the name
 * (the interface has none), so callers that know it should call `parseNamed(text, name)`; parse() alone
 * returns no fact and a warning rather than guess.
 */
export const conntrackCountParser: TextParser & { parseNamed(text: string, name: string): ReturnType<TextParser["parse"]> } = {
  kind: "conntrack-count",
  sniff: guardedSniff(sniffCount),
  parse: guarded("conntrack-count", (t) => parseCountText(t, "")),
  parseNamed: (text: string, name: string) => guarded("conntrack-count", (t) => parseCountText(t, name))(text),
};
