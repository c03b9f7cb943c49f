/**
 * Public API of the evidence engine: recognise a text file by content, parse it, merge a host's files.
 * Reading directories and archives is lib/analysis/bundle's job (readBundle); this module is pure.
 */
import type { EvidenceKind, HostEvidence } from "./model";
import type { FileFacts, TextParser, Warning } from "./parser";
import { findTakenAt, mergeHost, type MergeExtras, type ParsedFile } from "./merge";
import { allParsers, recognise, SNIFF_BYTES } from "./registry";

export { allParsers, recognise, nameHints, MIN_SCORE, SNIFF_BYTES, type Recognition } from "./registry";
export { mergeHost, findTakenAt, snapshotRank, MAX_WARNINGS_PER_FILE, type ParsedFile, type MergeExtras } from "./merge";
export { HostEvidence, emptyHost, EvidenceKind } from "./model";
export type { FileFacts, TextParser, ParseOutcome, Warning } from "./parser";

export type TextFileResult =
  | { status: "recognised"; kind: EvidenceKind; facts: FileFacts; warnings: Warning[] }
  | { status: "unrecognised"; reason: string };

/**
 * Recognises and parses one text file. A file some parser claims but cannot parse is unrecognised, with
 * the parser's error as the reason (never dropped, never thrown).
 */
export function parseTextFile(input: string, name: string, parsers: TextParser[] = allParsers): TextFileResult {
  // a byte-order mark would hide the first line from every anchored pattern
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const head = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
  const r = recognise(head, name, parsers);
  if (!r) return { status: "unrecognised", reason: "content matches no known output, log or capture text" };
  let out: ReturnType<TextParser["parse"]>;
  try {
    // some formats need the name (a bare number in nf_conntrack_count vs _max; sysctl.conf vs sysctl -a)
    out = typeof r.parser.parseNamed === "function" ? r.parser.parseNamed(text, name) : r.parser.parse(text);
  } catch (err) {
    out = { status: "failed", error: err instanceof Error ? err.message : String(err) };
  }
  if (out.status === "failed") return { status: "unrecognised", reason: `looked like ${r.kind} but: ${out.error}` };
  const facts = out.data;
  if (!facts.takenAt) {
    const t = findTakenAt(head);
    if (t) facts.takenAt = t;
  }
  return { status: "recognised", kind: r.kind, facts, warnings: out.warnings };
}

/** One host's HostEvidence from text files already in memory (no captures, no archives). */
export function evidenceFromTexts(host: string, files: Array<{ path: string; text: string }>): HostEvidence {
  const parsed: ParsedFile[] = [];
  const extras: MergeExtras = { unrecognized: [] };
  for (const f of files) {
    const r = parseTextFile(f.text, f.path);
    const bytes = new TextEncoder().encode(f.text).length;
    if (r.status === "recognised") parsed.push({ path: f.path, kind: r.kind, bytes, facts: r.facts, warnings: r.warnings });
    else extras.unrecognized!.push({ path: f.path, bytes, reason: r.reason });
  }
  return mergeHost(host, parsed, extras);
}
