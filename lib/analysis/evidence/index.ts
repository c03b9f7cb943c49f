/**
 * Public API of the evidence engine: recognise a text file by content, parse it, merge a host's files.
 * Reading directories and archives is lib/analysis/bundle's job (readBundle); this module is pure.
 */
import type { EvidenceKind, HostEvidence } from "./model";
import type { FileFacts, TextParser, Warning } from "./parser";
import { findTakenAt, mergeHost, type MergeExtras, type ParsedFile } from "./merge";
import { allParsers, recognise, SNIFF_BYTES } from "./registry";
import { cleanPart, commandFromFileName, commandKinds, mainCommand, normalizeTerminal, splitPaste, unwrap, type PastePart } from "./paste";
import { sysctlFromProcSysPath } from "./parsers/system";

export { allParsers, recognise, nameHints, MIN_SCORE, SNIFF_BYTES, type Recognition } from "./registry";
export { mergeHost, findTakenAt, snapshotRank, MAX_WARNINGS_PER_FILE, type ParsedFile, type MergeExtras } from "./merge";
export { HostEvidence, emptyHost, EvidenceKind } from "./model";
export { splitPaste, commandKinds, mainCommand, promptCommand, headerTitle, timeOf, commandFromFileName, bareCommand, normalizeTerminal, type PastePart } from "./paste";
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

/** One recognised part of a text (a whole file, or one command's output in a paste). */
export type TextPart = {
  kind: EvidenceKind;
  facts: FileFacts;
  warnings: Warning[];
  /** the command line or header the part came under */
  command?: string;
  /** the host a prompt named (root@node-1:~#) */
  host?: string;
  /** 1-based lines of the part in the file */
  from: number;
  to: number;
};

export type TextPartsResult = {
  parts: TextPart[];
  /** parts nothing recognised, with their lines and the reason: listed, never dropped */
  unrecognised: Array<{ from: number; to: number; command?: string; host?: string; reason: string }>;
};

const countFacts = (f: FileFacts): number =>
  (f.kernel ? 1 : 0) + Object.keys(f.sysctls ?? {}).length + Object.keys(f.counters ?? {}).length +
  (f.interfaces?.length ?? 0) + (f.addresses?.length ?? 0) + (f.routes?.length ?? 0) + (f.listeners?.length ?? 0) +
  (f.sockets?.length ?? 0) + Object.keys(f.socketStates ?? {}).length + (f.conntrack?.count ? 1 : 0) + (f.conntrack?.max ? 1 : 0) +
  Object.keys(f.conntrack?.stats ?? {}).length + (f.rules?.length ?? 0) + (f.logEvents?.length ?? 0) + (f.accessLog?.length ?? 0) +
  (f.latencies?.length ?? 0) + (f.kubernetes?.version ? 1 : 0) + (f.kubernetes?.nodePortRange ? 1 : 0) +
  (f.kubernetes?.nodePorts?.length ?? 0) + (f.kubernetes?.proxyMode ? 1 : 0) + (f.packets?.length ?? 0);

/** every `line` in the facts (and every packet's index) mapped through the part's line numbers */
function remapLines(facts: FileFacts, warnings: Warning[], lineNos: number[]): void {
  const map = (n: number | undefined) => (n === undefined ? undefined : lineNos[n - 1] ?? lineNos[lineNos.length - 1]);
  const walk = (o: unknown, depth: number): void => {
    if (!o || typeof o !== "object" || depth > 4) return;
    if (Array.isArray(o)) {
      for (const x of o) walk(x, depth + 1);
      return;
    }
    const r = o as Record<string, unknown>;
    if (typeof r.line === "number") r.line = map(r.line);
    for (const [k, v] of Object.entries(r)) if (k !== "line" && v && typeof v === "object") walk(v, depth + 1);
  };
  const { packets, ...rest } = facts;
  walk(rest, 0);
  if (packets) for (const p of packets) p.index = map(p.index) ?? p.index;
  for (const w of warnings) if (w.line !== undefined) w.line = map(w.line);
}

function parseWith(parser: TextParser, text: string, name: string): ReturnType<TextParser["parse"]> {
  try {
    return typeof parser.parseNamed === "function" ? parser.parseNamed(text, name) : parser.parse(text);
  } catch (err) {
    return { status: "failed", error: err instanceof Error ? err.message : String(err) };
  }
}

/** `cat /proc/sys/net/core/somaxconn` → `128`; `sysctl -n a b` → values in order */
function sysctlFromCommand(command: string, lines: string[]): FileFacts | undefined {
  const { cmd, word } = mainCommand(command);
  const args = cmd.split(/\s+/).slice(1);
  const values = lines.map((l) => l.trim()).filter((l) => l !== "");
  if (word === "sysctl" && args.some((a) => /^-\w*n/.test(a))) {
    const keys = args.filter((a) => !a.startsWith("-") && /\./.test(a));
    if (keys.length === 0 || keys.length !== values.length) return undefined;
    const sysctls: NonNullable<FileFacts["sysctls"]> = {};
    keys.forEach((k, i) => (sysctls[k.replace(/\//g, ".")] = { value: values[i]!.replace(/\s+/g, " "), line: i + 1 }));
    return { sysctls };
  }
  if (/^(cat|head|tail|more|less)$/.test(word)) {
    const files = args.filter((a) => a.includes("/proc/sys/"));
    if (files.length !== 1 || values.length !== 1) return undefined;
    const s = sysctlFromProcSysPath(files[0]!.replace(/^.*?(proc\/sys\/)/, "$1"), values[0]!);
    if (!s) return undefined;
    const facts: FileFacts = { sysctls: { [s.key]: { value: s.value, line: 1 } } };
    if (/^\d+$/.test(s.value) && s.key === "net.netfilter.nf_conntrack_count") facts.conntrack = { count: { value: +s.value, line: 1 } };
    if (/^\d+$/.test(s.value) && /nf_conntrack_max$/.test(s.key)) facts.conntrack = { max: { value: +s.value, line: 1 } };
    return facts;
  }
  return undefined;
}

// ss's state names (`ss -tn state syn-sent`) as its State column prints them
const SS_STATE_FILTER: Record<string, string> = {
  established: "ESTAB", "syn-sent": "SYN-SENT", "syn-recv": "SYN-RECV", "fin-wait-1": "FIN-WAIT-1", "fin-wait-2": "FIN-WAIT-2",
  "time-wait": "TIME-WAIT", closed: "UNCONN", "close-wait": "CLOSE-WAIT", "last-ack": "LAST-ACK", listening: "LISTEN", closing: "CLOSING",
};
const TCP_STATE_WORD: Record<string, string> = {
  time_wait: "TIME-WAIT", "time-wait": "TIME-WAIT", established: "ESTAB", estab: "ESTAB", syn_sent: "SYN-SENT", "syn-sent": "SYN-SENT",
  syn_recv: "SYN-RECV", "syn-recv": "SYN-RECV", close_wait: "CLOSE-WAIT", "close-wait": "CLOSE-WAIT", fin_wait1: "FIN-WAIT-1",
  fin_wait2: "FIN-WAIT-2", "fin-wait-1": "FIN-WAIT-1", "fin-wait-2": "FIN-WAIT-2", last_ack: "LAST-ACK", "last-ack": "LAST-ACK", listen: "LISTEN",
};

/**
 * The output as it would read without the command's own shortcuts: `ss … state X` prints no State column (the
 * filter names it), so each row gets it back for the ss parsers. Same number of lines; undefined when nothing
 * changes.
 */
function commandView(command: string, lines: string[]): string[] | undefined {
  const { cmd, word } = mainCommand(command);
  if (word !== "ss") return undefined;
  const states = [...cmd.matchAll(/\bstate\s+([a-z0-9-]+)/g)].map((m) => SS_STATE_FILTER[m[1]!]);
  if (states.length !== 1 || !states[0]) return undefined;
  const st = states[0];
  const hi = lines.findIndex((l) => /^(Netid\s+)?Recv-Q\s+Send-Q\s+Local Address:Port/.test(l));
  if (hi < 0) return undefined;
  const netid = /^Netid/.test(lines[hi]!);
  return lines.map((l, i) => {
    if (i === hi) return l.replace(/^(Netid\s+)?/, (m) => `${m}State${" ".repeat(6)}`);
    if (i < hi || l.trim() === "" || /^\s/.test(l)) return l;
    if (!netid) return `${st} ${l}`;
    const m = /^(\S+)(\s+)(.*)$/.exec(l);
    return m ? `${m[1]}${m[2]}${st} ${m[3]}` : l;
  });
}

/**
 * Facts a command's answer gives that no output format carries by itself:
 *   - `netstat -ant | grep TIME_WAIT | wc -l` → 16: the number of sockets in that state (ss without -H counts
 *     its header line too);
 *   - `ip route get D from S iif I` answered `RTNETLINK answers: Invalid cross-device link` (or `Invalid argument`
 *     on newer kernels): the kernel refuses S as a source on I, the reverse-path check a martian-source log line
 *     reports.
 */
function factsFromCommand(command: string, lines: string[]): { kind: EvidenceKind; facts: FileFacts } | undefined {
  const { cmd, word, filter } = mainCommand(command);
  const out = lines.map((l) => l.trim()).filter((l) => l !== "");
  if ((word === "netstat" || word === "ss") && filter && /\bwc\s+-l\s*$/.test(filter) && out.length === 1 && /^\d{1,9}$/.test(out[0]!)) {
    const words = [...`${cmd} ${filter}`.toLowerCase().matchAll(/[a-z_-]+/g)].map((m) => m[0]);
    const states = new Set(words.map((w) => TCP_STATE_WORD[w] ?? SS_STATE_FILTER[w]).filter((x): x is string => !!x && x !== "UNCONN"));
    if (states.size !== 1) return undefined;
    let n = Number(out[0]);
    // `ss … | wc -l` counts ss's header unless -H or a grep removed it
    if (word === "ss" && !/(^|\s)-\w*H/.test(cmd) && !/\bgrep\b/.test(filter)) n = Math.max(0, n - 1);
    return { kind: word === "ss" ? "ss-sockets" : "netstat-sockets", facts: { socketStates: { [[...states][0]!]: n } } };
  }
  if (word === "ip") {
    const m = /\broute\s+get\s+(\S+)\s+from\s+(\S+)(?:\s+\S+\s+\S+)*?\s+iif\s+(\S+)/.exec(cmd);
    const err = out.find((l) => /^RTNETLINK answers: (Invalid cross-device link|Invalid argument)/.test(l));
    if (m && err && out.length === 1) {
      const line = lines.findIndex((l) => l.trim() === err) + 1;
      return {
        kind: "ip-route-get",
        facts: { logEvents: [{ kind: "martian_source", message: `ip route get ${m[1]} from ${m[2]} iif ${m[3]}: ${err} (the kernel refuses ${m[2]} as a source arriving on ${m[3]})`, client: m[2]!, line }] },
      };
    }
  }
  return undefined;
}

function recognisePart(p: PastePart, name: string, parsers: TextParser[], single: boolean):
  { ok: true; part: TextPart } | { ok: false; reason: string } {
  const cleaned = cleanPart(p);
  const from = p.commandLine ?? cleaned.lineNos[0] ?? p.lineNos[0] ?? 1;
  const to = cleaned.lineNos[cleaned.lineNos.length - 1] ?? from;
  if (cleaned.lines.every((l) => l.trim() === "")) return { ok: false, reason: "no output under the command" };
  const command = p.command ?? (single ? commandFromFileName(name) : undefined);
  // `hostname` names the host of the parts after it (paste.ts); it is not evidence itself
  if (command && p.via !== "none" && /^(hostname|uname)$/.test(mainCommand(command).word) && /^(hostname\s*$|uname\s+-n\s*$)/.test(mainCommand(command).cmd.trim()) && cleaned.lines.length === 1) return { ok: false, reason: "no output under the command" };
  const direct = command ? sysctlFromCommand(command, cleaned.lines) : undefined;
  if (direct) {
    remapLines(direct, [], cleaned.lineNos);
    return { ok: true, part: { kind: "sysctl", facts: direct, warnings: [], ...(command ? { command } : {}), ...(p.host ? { host: p.host } : {}), from, to } };
  }
  const answered = command ? factsFromCommand(command, cleaned.lines) : undefined;
  if (answered) {
    remapLines(answered.facts, [], cleaned.lineNos);
    if (p.takenAt) answered.facts.takenAt = p.takenAt;
    return { ok: true, part: { kind: answered.kind, facts: answered.facts, warnings: [], ...(command ? { command } : {}), ...(p.host ? { host: p.host } : {}), from, to } };
  }
  const kinds = command ? commandKinds(command) : [];
  const variants: Array<{ lines: string[]; lineNos: number[] }> = [cleaned];
  const joined = unwrap(cleaned.lines, cleaned.lineNos);
  if (joined) variants.push(joined);
  const view = command ? commandView(command, cleaned.lines) : undefined;
  if (view) variants.push({ lines: view, lineNos: cleaned.lineNos });
  let best: { kind: EvidenceKind; facts: FileFacts; warnings: Warning[]; lineNos: number[]; score: number } | undefined;
  for (const v of variants) {
    const text = v.lines.join("\n") + "\n";
    const head = text.length > SNIFF_BYTES ? text.slice(0, SNIFF_BYTES) : text;
    const tried = new Set<TextParser>();
    const attempt = (parser: TextParser, bonus: number) => {
      if (tried.has(parser)) return;
      tried.add(parser);
      let out = parseWith(parser, text, name);
      if (out.status === "failed" && v.lines.length > 1) {
        // a last line cut short: keep the rest
        out = parseWith(parser, v.lines.slice(0, -1).join("\n") + "\n", name);
      }
      if (out.status !== "success") return;
      const n = countFacts(out.data);
      // an answer with no facts (ss's header alone: nothing listens; an error log of notices) is still that
      // output, when nothing in it went unread
      if (n === 0 && parser.kind !== "other-text" && out.warnings.length > 0) return;
      // fewer unread lines win; the command's kind breaks ties
      const score = n / (1 + out.warnings.length) + bonus;
      if (!best || score > best.score) best = { kind: parser.kind, facts: out.data, warnings: out.warnings, lineNos: v.lineNos, score };
    };
    if (kinds.length > 0) {
      const cands = parsers.filter((x) => kinds.includes(x.kind));
      const scored = cands.map((x) => ({ x, s: (() => { try { return x.sniff(head, name); } catch { return 0; } })() })).sort((a, b) => b.s - a.s || kinds.indexOf(a.x.kind) - kinds.indexOf(b.x.kind));
      for (const { x } of scored) attempt(x, 1000);
    }
    const r = recognise(head, name, parsers);
    if (r) attempt(r.parser, kinds.length > 0 && !kinds.includes(r.kind) ? 0 : 1000);
  }
  if (!best) return { ok: false, reason: command ? `output of \`${command.slice(0, 120)}\` matches no known output, log or capture text` : "content matches no known output, log or capture text" };
  const b = best as { kind: EvidenceKind; facts: FileFacts; warnings: Warning[]; lineNos: number[] };
  remapLines(b.facts, b.warnings, b.lineNos);
  if (!b.facts.takenAt && p.takenAt) b.facts.takenAt = p.takenAt;
  const part: TextPart = { kind: b.kind, facts: b.facts, warnings: b.warnings, from, to };
  if (command) part.command = command;
  if (p.host) part.host = p.host;
  return { ok: true, part };
}

/**
 * Recognises every part of a text: a plain file is one part (read exactly as parseTextFile reads it); a
 * paste of several commands, a collect file with section headers or a single command with its prompt is
 * cut into parts, each recognised by its command line first and its content second. What nothing
 * recognises is listed with its lines.
 */
export function parseTextParts(input: string, name: string, parsers: TextParser[] = allParsers): TextPartsResult {
  // what a terminal added (colours, bracketed-paste marks, progress-meter overwrites) is not part of the output
  const text = normalizeTerminal(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  const pieces = splitPaste(text);
  const lines = (text.match(/\n/g)?.length ?? 0) + (text.endsWith("\n") ? 0 : 1);
  if (pieces.length <= 1 && (pieces[0]?.via ?? "none") === "none") {
    // a plain file: as before, plus a command in its name (sosreport's sos_commands/networking/netstat_-s)
    const r = parseTextFile(text, name, parsers);
    if (r.status === "recognised") return { parts: [{ kind: r.kind, facts: r.facts, warnings: r.warnings, from: 1, to: lines }], unrecognised: [] };
    const cmd = commandFromFileName(name);
    if (pieces[0] && (cmd || /\r\n/.test(text))) {
      const again = recognisePart(pieces[0], name, parsers, true);
      if (again.ok) return { parts: [again.part], unrecognised: [] };
    }
    return { parts: [], unrecognised: [{ from: 1, to: lines, reason: r.reason }] };
  }
  const out: TextPartsResult = { parts: [], unrecognised: [] };
  for (const p of pieces) {
    const r = recognisePart(p, name, parsers, false);
    if (r.ok) out.parts.push(r.part);
    else if (r.reason !== "no output under the command") {
      const from = p.commandLine ?? p.lineNos[0] ?? 1;
      const to = p.lineNos[p.lineNos.length - 1] ?? from;
      out.unrecognised.push({ from, to, ...(p.command ? { command: p.command } : {}), ...(p.host ? { host: p.host } : {}), reason: r.reason });
    }
  }
  return out;
}

/** ParsedFiles (one per recognised part) and unrecognised entries of one text file, for mergeHost */
export function parsedFilesOf(path: string, text: string, bytes: number, parsers: TextParser[] = allParsers):
  { files: Array<ParsedFile & { host?: string }>; unrecognized: Array<HostEvidence["unrecognized"][number] & { host?: string }> } {
  const r = parseTextParts(text, path, parsers);
  const multi = r.parts.length + r.unrecognised.length > 1;
  const files: Array<ParsedFile & { host?: string }> = r.parts.map((p, i) => {
    const f: ParsedFile & { host?: string } = { path, kind: p.kind, bytes: multi ? 0 : bytes, facts: p.facts, warnings: p.warnings };
    if (multi) f.reading = `${path}#${i + 1}`;
    if (p.command) f.command = p.command;
    if (p.host) f.host = p.host;
    return f;
  });
  if (multi && files[0]) files[0].bytes = bytes;
  const unrecognized = r.unrecognised.map((u) => ({
    path: multi ? `${path}:${u.from}-${u.to}` : path,
    bytes: multi ? 0 : bytes,
    reason: u.command ? `\`${u.command.slice(0, 120)}\`: ${u.reason}` : u.reason,
    ...(u.host ? { host: u.host } : {}),
  }));
  return { files, unrecognized };
}

/**
 * Parts whose prompts name different hosts (`root@node-1:~#`, `root@node-2:~#`) belong to those hosts: when
 * one host's files name two or more hosts in prompts, each prompted part moves to the host it names.
 */
export function hostsFromPrompts<T extends { host?: string }>(files: T[]): Map<string | undefined, T[]> {
  const named = new Set(files.map((f) => f.host).filter((h): h is string => !!h));
  const out = new Map<string | undefined, T[]>();
  for (const f of files) {
    const k = named.size >= 2 ? f.host : undefined;
    let l = out.get(k);
    if (!l) out.set(k, (l = []));
    l.push(f);
  }
  return out;
}

/** One host's HostEvidence from text files already in memory (no captures, no archives). */
export function evidenceFromTexts(host: string, files: Array<{ path: string; text: string }>): HostEvidence {
  const parsed: ParsedFile[] = [];
  const extras: MergeExtras = { unrecognized: [] };
  for (const f of files) {
    const bytes = new TextEncoder().encode(f.text).length;
    const r = parsedFilesOf(f.path, f.text, bytes);
    parsed.push(...r.files);
    extras.unrecognized!.push(...r.unrecognized);
  }
  return mergeHost(host, parsed, extras);
}
