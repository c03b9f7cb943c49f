/**
 * The system parsers (kernel counters, sysctls, sockets, links/routes, conntrack, rules) and a sniffer
 * that picks the best of them for one file. The evidence registry imports `systemParsers`.
 *
 * Two parsers need the file name to be right, which TextParser.parse cannot receive: the sysctl parser
 * (a sysctl.conf is not live values) and the nf_conntrack_count/max parser (a bare number). Both expose
 * `parseNamed(text, name)`; `parseSystemFile` calls it when present, and the registry should do the same.
 */
import type { ParseOutcome, TextParser } from "../../parser";
import { conntrackCountParser, conntrackStatsParser, procNfConntrackParser } from "./conntrack";
import { ifconfigParser } from "./ifconfig";
import { ipBriefAddrParser, ipBriefLinkParser } from "./ipBrief";
import { ipAddrJsonParser, ipAddrParser, ipLinkJsonParser, ipLinkParser } from "./ipLink";
import { ipNeighParser } from "./ipNeigh";
import { ipRouteCacheParser, ipRouteGetParser, ipRouteJsonParser, ipRouteParser } from "./ipRoute";
import { netstatSParser } from "./netstatS";
import { netstatSocketsParser } from "./netstatSockets";
import { nstatJsonParser, nstatParser } from "./nstat";
import { otherTextParser } from "./otherText";
import { conntrackListParser } from "./conntrackList";
import { pingParser } from "./ping";
import { procNetstatParser, procSnmpParser } from "./procCounters";
import { procNetDevParser, softnetParser } from "./procNetDev";
import { procNetTcpParser } from "./procNetTcp";
import { routeNParser } from "./routeN";
import { iptablesListParser, iptablesSaveParser, nftParser } from "./rules";
import { snmp6Parser } from "./snmp6";
import { sockstatParser } from "./sockstat";
import { ssListenParser, ssSocketsParser, ssSummaryParser } from "./ss";
import { sysctlFromProcSysPath, sysctlParser } from "./sysctl";
import { unameParser } from "./uname";

export { sysctlFromProcSysPath };
export { NETSTAT_S_TABLE_FIELDS } from "./netstatS";

export const systemParsers: TextParser[] = [
  sysctlParser, procNetstatParser, procSnmpParser, snmp6Parser, sockstatParser, nstatParser, nstatJsonParser,
  netstatSParser, ssListenParser, ssSocketsParser, ssSummaryParser, procNetTcpParser, netstatSocketsParser,
  ipLinkParser, ipLinkJsonParser, ipAddrParser, ipAddrJsonParser, ipRouteParser, ipRouteJsonParser,
  ipRouteGetParser, ipRouteCacheParser, ipNeighParser, conntrackStatsParser, procNfConntrackParser,
  conntrackCountParser, unameParser, nftParser, iptablesSaveParser, iptablesListParser, procNetDevParser,
  softnetParser, otherTextParser, ifconfigParser, routeNParser, ipBriefAddrParser, ipBriefLinkParser,
  conntrackListParser, pingParser,
];

/** Conventional file names, used only to break near-ties between content scores. */
const NAME_HINTS: Array<[RegExp, TextParser]> = [
  [/(^|[\\/])udp6?$/, procNetTcpParser],
  [/(^|[\\/])tcp6?$/, procNetTcpParser],
  [/sockstat6?$/, sockstatParser],
  [/snmp6$/, snmp6Parser],
  [/route[-_]?get/, ipRouteGetParser],
  [/route[-_]?(show[-_]?)?cache/, ipRouteCacheParser],
  [/ss[-_]?s(\.|$)/, ssSummaryParser],
];

/** Best system parser for a file head (name is a hint only), or undefined when none scores above 0.3. */
export function sniffSystem(head: string, name: string): { parser: TextParser; score: number } | undefined {
  let best: { parser: TextParser; score: number } | undefined;
  const lower = typeof name === "string" ? name.toLowerCase() : "";
  for (const p of systemParsers) {
    let score = p.sniff(head, name);
    if (score <= 0) continue;
    // a hint may lift a parser that already recognises the content by a small margin, never decide alone
    if (NAME_HINTS.some(([re, hp]) => hp === p && re.test(lower))) score = Math.min(1, score + 0.05);
    if (score > 0.3 && (!best || score > best.score)) best = { parser: p, score };
  }
  return best;
}

/** Parses with the name where the parser can use it (sysctl.conf detection, count vs max). */
export function parseSystemFile(parser: TextParser, text: string, name: string): ParseOutcome {
  const named = parser as TextParser & { parseNamed?: (text: string, name: string) => ParseOutcome };
  return typeof named.parseNamed === "function" ? named.parseNamed(text, name) : parser.parse(text);
}
