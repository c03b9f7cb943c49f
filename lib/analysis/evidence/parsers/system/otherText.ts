/**
 * Outputs people paste into incident bundles that carry no fact this model uses yet: ethtool,
 * traceroute, mtr, arp -n, tc qdisc, ip rule (the agent and collect send it as ip-rule.txt) (ping/tracepath and
 * conntrack -L have parsers of their own: ping.ts, conntrackList.ts). Recognising them (kind "other-text") keeps them out of "unrecognized"
 * without pretending to read them.
 */
import type { TextParser } from "../../parser";
import { fail, guarded, guardedSniff, headLines, ok } from "./util";

const SIGNS: Array<[RegExp, number]> = [
  [/^Settings for \S+:$/, 0.9], // ethtool IFACE
  [/^(Features|Ring parameters|Coalesce parameters|Pause parameters) for \S+:$/, 0.9], // ethtool -k/-g/-c/-a
  [/^NIC statistics:$/, 0.9], // ethtool -S
  [/^driver: \S+$/, 0.6], // ethtool -i
  [/^traceroute6? to \S+ \(\S+\), \d+ hops max/, 0.9],
  [/^Start: .*\nHOST: /, 0.85], // mtr --report
  [/^Address\s+HWtype\s+HWaddress\s+Flags\s+Mask\s+Iface\s*$/, 0.9], // arp -n
  [/^qdisc \S+ [0-9a-f]*: (dev \S+ )?(root|parent|ingress)/, 0.9], // tc [-s] qdisc
  [/^\d+:\s+(?:not\s+)?from \S+(?:\s.*)?\s(?:lookup|blackhole|unreachable|prohibit|nop|goto)\b/, 0.9], // ip [-6] rule
];

function sniff(head: string): number {
  const lines = headLines(head, 4);
  let best = 0;
  for (const l of lines) for (const [re, s] of SIGNS) if (re.test(l) && s > best) best = s;
  return best;
}

export const otherTextParser: TextParser = {
  kind: "other-text",
  sniff: guardedSniff(sniff),
  parse: guarded("other-text", (text) => (text.trim() === "" ? fail("empty") : ok({}, []))),
};
