/** /proc/net/snmp6: one `Ip6InReceives <spaces/tab> 7` per line → `Ip6.InReceives`. */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { splitMibName } from "./counterNames";
import { fail, fields, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const V6 = /^(Ip6|Icmp6|Udp6|UdpLite6)[A-Z]/;
const V6_LINE = /^\s*(Ip6|Icmp6|Udp6|UdpLite6)[A-Z]/;

function sniff(head: string): number {
  const lines = headLines(head, 60);
  if (lines.length === 0) return 0;
  let good = 0;
  for (const l of lines) {
    // V6 on the first field, tested on the line first: most heads here are not snmp6 and skip the split
    if (!V6_LINE.test(l)) continue;
    const f = fields(l);
    if (f.length === 2 && V6.test(f[0]) && /^\d+$/.test(f[1])) good++;
  }
  const frac = good / lines.length;
  return frac < 0.6 ? 0 : 0.55 + 0.4 * frac;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let n = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const f = fields(lines[i]);
    if (f.length === 0) continue;
    const name = f.length === 2 && /^\d+$/.test(f[1]) ? splitMibName(f[0]) : undefined;
    if (!name) {
      warnings.push({ line: i + 1, message: `not a "Name value" snmp6 line: ${lines[i].slice(0, 120)}` });
      continue;
    }
    counters[name] = { value: Number(f[1]), line: i + 1 };
    n++;
  }
  if (n === 0) return fail("snmp6: no counter line");
  return ok({ counters }, warnings);
}

export const snmp6Parser: TextParser = {
  kind: "proc-snmp6",
  sniff: guardedSniff(sniff),
  parse: guarded("snmp6", parse),
};
