/**
 * The system parsers (kernel counters, sysctls, sockets, links/routes, conntrack, rules) and a sniffer
 * that picks the best of them for one file. The evidence registry imports `systemParsers`.
 */
import type { TextParser } from "../../parser";
import { sysctlParser, sysctlFromProcSysPath } from "./sysctl";

export { sysctlFromProcSysPath };

export const systemParsers: TextParser[] = [sysctlParser];

/** Best system parser for a file head (name is a hint only), or undefined when none scores above 0.3. */
export function sniffSystem(head: string, name: string): { parser: TextParser; score: number } | undefined {
  let best: { parser: TextParser; score: number } | undefined;
  for (const p of systemParsers) {
    const score = p.sniff(head, name);
    if (score > 0.3 && (!best || score > best.score)) best = { parser: p, score };
  }
  return best;
}
