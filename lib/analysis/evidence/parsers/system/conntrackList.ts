/**
 * `conntrack -L` (and the same rows in /proc/net/nf_conntrack, and `conntrack -E` events) → conntrackEntries:
 *   tcp      6 118 SYN_SENT src=10.64.2.5 dst=10.0.171.5 sport=40816 dport=443 [UNREPLIED] src=10.64.2.7 dst=10.64.2.5 sport=8443 dport=40816 mark=0 use=1
 *   ipv4     2 tcp      6 431999 ESTABLISHED src=… [ASSURED] …          (/proc/net/nf_conntrack, conntrack -o extended)
 *       [NEW] udp      17 30 src=… dst=… sport=… dport=… [UNREPLIED] src=… …   (conntrack -E)
 * The first src/dst/sport/dport group is the original direction, the second the reply the kernel expects: a
 * reply source other than the original destination is a DNAT (a Service), a reply destination other than the
 * original source a SNAT. `[UNREPLIED]`: nothing of the reply direction has passed conntrack. The trailer
 * `conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.` is part of the output.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const ROW = /^\s*(?:\[(?:NEW|UPDATE|DESTROY)\]\s+)?(?:ipv[46]\s+\d{1,2}\s+)?(tcp|udp|udplite|icmp|icmpv6|sctp|dccp|gre|unknown)\s+\d{1,3}\s+(?:\d{1,10}\s+)?(?:([A-Z_]{2,15})\s+)?(src=.*)$/;
const TRAILER = /^conntrack v[\d.]+ \(conntrack-tools\): \d+ flow entries have been shown\.$/;

type Entry = NonNullable<FileFacts["conntrackEntries"]>[number];
type Dir = Entry["orig"];

function tuples(rest: string): { dirs: Dir[]; unreplied: boolean; assured: boolean } | undefined {
  const dirs: Dir[] = [];
  let cur: Partial<Dir> | undefined;
  let unreplied = false;
  let assured = false;
  for (const w of rest.split(/\s+/)) {
    if (w === "[UNREPLIED]") unreplied = true;
    else if (w === "[ASSURED]") assured = true;
    const eq = w.indexOf("=");
    if (eq <= 0) continue;
    const k = w.slice(0, eq);
    const v = w.slice(eq + 1);
    if (k === "src") {
      if (cur?.src && cur.dst) dirs.push(cur as Dir);
      cur = { src: v };
    } else if (cur && k === "dst") cur.dst = v;
    else if (cur && (k === "sport" || k === "dport") && /^\d{1,5}$/.test(v)) cur[k] = Number(v);
  }
  if (cur?.src && cur.dst) dirs.push(cur as Dir);
  return dirs.length >= 2 ? { dirs, unreplied, assured } : undefined;
}

function sniff(head: string): number {
  const lines = headLines(head, 60).filter((l) => l.trim() !== "");
  if (lines.length === 0) return 0;
  let rows = 0;
  for (const l of lines) if (ROW.test(l) || TRAILER.test(l)) rows++;
  const frac = rows / lines.length;
  return frac < 0.6 ? 0 : 0.7 + 0.25 * frac;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const conntrackEntries: Entry[] = [];
  let trailer = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "") continue;
    if (TRAILER.test(l.trim())) {
      trailer = true;
      continue;
    }
    const m = ROW.exec(l);
    const t = m ? tuples(m[3]!) : undefined;
    if (!m || !t) {
      warnings.push({ line: i + 1, message: `not a conntrack entry: ${l.slice(0, 120)}` });
      continue;
    }
    const e: Entry = { proto: m[1]!, orig: t.dirs[0]!, reply: t.dirs[1]!, unreplied: t.unreplied, assured: t.assured, line: i + 1 };
    if (m[2]) e.state = m[2];
    conntrackEntries.push(e);
  }
  if (conntrackEntries.length === 0 && !trailer) return fail("conntrack -L: no entry");
  return ok({ conntrackEntries }, warnings);
}

export const conntrackListParser: TextParser = {
  kind: "conntrack-list",
  sniff: guardedSniff(sniff),
  parse: guarded("conntrack-list", parse),
};
