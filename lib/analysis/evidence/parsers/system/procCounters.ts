/**
 * /proc/net/netstat and /proc/net/snmp: pairs of lines, a header `TcpExt: SyncookiesSent ListenOverflows …`
 * followed by values `TcpExt: 0 90 …`. Columns differ between kernels (2.6.32 has no InCsumErrors; 4.x
 * has no TCPSynRetrans…), so values are always mapped by the header of their own pair, never by position
 * in some expected list. A pair whose lengths differ cannot be mapped safely and is skipped with a warning.
 */
import { detached } from "../../detach";
import type { CounterReading, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const SECTION = /^([A-Za-z][A-Za-z0-9]*):(.*)$/;
const NETSTAT_SECTIONS = new Set(["TcpExt", "IpExt", "MPTcpExt", "TcpExtTLS"]);
const SNMP_SECTIONS = new Set(["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"]);

function isNumber(s: string): boolean {
  return /^-?\d+$/.test(s);
}

export function parsePairs(text: string, what: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let pairs = 0;
  let pending: { section: string; names: string[]; line: number } | undefined;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    const m = SECTION.exec(l);
    if (!m) {
      warnings.push({ line: lineNo, message: `not a "Section: …" line: ${l.slice(0, 120)}` });
      continue;
    }
    const section = m[1];
    const rest = m[2].trim() === "" ? [] : m[2].trim().split(/\s+/);
    const numeric = rest.length > 0 && rest.every(isNumber);
    if (!numeric) {
      if (pending) warnings.push({ line: pending.line, message: `${pending.section} header without a value line` });
      pending = { section, names: rest, line: lineNo };
      continue;
    }
    if (!pending || pending.section !== section) {
      warnings.push({ line: lineNo, message: `${section} values without a matching header` });
      pending = undefined;
      continue;
    }
    if (pending.names.length !== rest.length) {
      warnings.push({
        line: lineNo,
        message: `${section}: ${pending.names.length} names but ${rest.length} values; pair skipped`,
      });
      pending = undefined;
      continue;
    }
    for (let k = 0; k < rest.length; k++) {
      counters[`${section}.${pending.names[k]}`] = { value: Number(rest[k]), line: lineNo };
    }
    pairs++;
    pending = undefined;
  }
  if (pending) warnings.push({ line: pending.line, message: `${pending.section} header without a value line` });
  if (pairs === 0) return fail(`${what}: no header/value line pair`);
  return ok({ counters }, warnings);
}

/** Fraction of head lines that are `Section: …` lines whose header/value pairs line up, and their sections. */
// the proc netstat and snmp sniffers ask for the same head's pairs one after the other
let pairHead: string | undefined;
let pairOf: { score: number; sections: Set<string> } = { score: 0, sections: new Set() };

function pairShape(head: string): { score: number; sections: Set<string> } {
  if (head.length > 65536) return pairShapeUncached(head);
  if (head !== pairHead) {
    // a copy, computed from: a slice of a file's text held here would keep the whole text alive (detach.ts)
    pairHead = detached(head);
    pairOf = pairShapeUncached(pairHead);
  }
  return pairOf;
}

function pairShapeUncached(head: string): { score: number; sections: Set<string> } {
  const lines = headLines(head, 40);
  const sections = new Set<string>();
  let good = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = SECTION.exec(lines[i]);
    const b = SECTION.exec(lines[i + 1]);
    if (!a || !b || a[1] !== b[1]) continue;
    const av = a[2].trim().split(/\s+/);
    const bv = b[2].trim().split(/\s+/);
    if (av.length > 0 && !av.every(isNumber) && bv.every(isNumber)) {
      sections.add(a[1]);
      good += 2;
      i++;
    }
  }
  return { score: lines.length === 0 ? 0 : good / lines.length, sections };
}

function sniffFor(wanted: Set<string>) {
  return (head: string): number => {
    const { score, sections } = pairShape(head);
    if (score < 0.5) return 0;
    let hits = 0;
    for (const s of sections) if (wanted.has(s)) hits++;
    if (hits === 0) return 0;
    return Math.min(1, 0.6 + 0.35 * score + 0.05 * (hits / sections.size));
  };
}

export const procNetstatParser: TextParser = {
  kind: "proc-netstat",
  sniff: guardedSniff(sniffFor(NETSTAT_SECTIONS)),
  parse: guarded("proc-netstat", (t) => parsePairs(t, "/proc/net/netstat")),
};

export const procSnmpParser: TextParser = {
  kind: "proc-snmp",
  sniff: guardedSniff(sniffFor(SNMP_SECTIONS)),
  parse: guarded("proc-snmp", (t) => parsePairs(t, "/proc/net/snmp")),
};
