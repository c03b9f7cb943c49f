/**
 * Every text parser (system + logs + tcpdump text) and `recognise`, which picks the parser for one file
 * by its content. The best score wins; on a tie (within 0.02) the parser whose kind the file name hints
 * at wins, then the higher score, then the earlier parser in `allParsers`. A name alone never decides: scores under
 * MIN_SCORE mean "not recognised" whatever the name.
 */
import type { EvidenceKind } from "./model";
import type { TextParser } from "./parser";
import { systemParsers } from "./parsers/system";
import { withSniffMemo } from "./parsers/system/util";
import { logParsers } from "./parsers/logs";
import { tcpdumpTextParser } from "./parsers/capture-text";

export const MIN_SCORE = 0.3;
/** How many characters of a file `recognise` looks at. */
export const SNIFF_BYTES = 4096;

export const allParsers: TextParser[] = [...systemParsers, ...logParsers, tcpdumpTextParser];

const NAME_HINTS: Array<[RegExp, EvidenceKind[]]> = [
  [/sysctl/, ["sysctl"]],
  [/nstat/, ["nstat", "nstat-json"]],
  [/netstat.*-s|netstat_s|netstat-s/, ["netstat-s"]],
  [/^netstat$|proc.*netstat/, ["proc-netstat"]],
  [/snmp6/, ["proc-snmp6"]],
  [/snmp/, ["proc-snmp"]],
  [/sockstat/, ["sockstat"]],
  [/ss[-_]?s\b|ss-summary/, ["ss-summary"]],
  [/ss[-_]?l|listen/, ["ss-listen"]],
  [/\bss\b|ss[-_]/, ["ss-sockets", "ss-listen", "ss-summary"]],
  [/link/, ["ip-link", "ip-link-json"]],
  [/addr/, ["ip-addr", "ip-addr-json"]],
  [/route[-_]?get/, ["ip-route-get"]],
  [/route/, ["ip-route", "ip-route-cache"]],
  [/neigh|arp/, ["ip-neigh"]],
  [/conntrack/, ["conntrack-stats", "proc-nf-conntrack", "conntrack-count", "conntrack-list"]],
  [/ping|tracepath/, ["ping"]],
  [/uname|kernel[-_]?version/, ["uname"]],
  [/nft/, ["nft-ruleset"]],
  [/iptables/, ["iptables-save", "iptables-list"]],
  [/error/, ["nginx-error-log"]],
  [/access/, ["nginx-access-log", "ingress-nginx-access-log", "envoy-access-log"]],
  [/ingress/, ["ingress-nginx-access-log", "nginx-error-log"]],
  [/envoy|istio|ambassador/, ["envoy-access-log"]],
  [/haproxy/, ["haproxy-log"]],
  [/traefik|json/, ["json-access-log"]],
  [/dmesg|kern|messages|journal/, ["kernel-log"]],
  [/tcpdump|capture|pcap/, ["tcpdump-text"]],
  [/curl|timing|latenc|time/, ["timing", "client-log"]],
  [/kube|k8s|svc|service/, ["kubernetes"]],
];

/** Kinds a file name hints at (lower-cased base name); a hint only breaks ties. */
export function nameHints(name: string): Set<EvidenceKind> {
  const parts = name.split(/[\\/]/);
  const base = (parts[parts.length - 1] ?? "").toLowerCase();
  const out = new Set<EvidenceKind>();
  for (const [re, kinds] of NAME_HINTS) if (re.test(base)) for (const k of kinds) out.add(k);
  return out;
}

export type Recognition = { parser: TextParser; kind: EvidenceKind; score: number };

/** The best parser for a file, or undefined when none is sure enough. Never throws. */
export function recognise(head: string, name: string, parsers: TextParser[] = allParsers): Recognition | undefined {
  const h = typeof head === "string" ? (head.length > SNIFF_BYTES ? head.slice(0, SNIFF_BYTES) : head) : "";
  const n = typeof name === "string" ? name : "";
  return withSniffMemo(() => pick(h, n, parsers));
}

function pick(h: string, n: string, parsers: TextParser[]): Recognition | undefined {
  const hints = nameHints(n);
  let best: Recognition | undefined;
  for (const parser of parsers) {
    let score = 0;
    try {
      score = parser.sniff(h, n);
    } catch {
      score = 0;
    }
    if (!Number.isFinite(score) || score < MIN_SCORE) continue;
    const cand = { parser, kind: parser.kind, score };
    if (!best) best = cand;
    else if (Math.abs(score - best.score) <= 0.02) {
      const ch = hints.has(parser.kind);
      const bh = hints.has(best.kind);
      if (ch && !bh || ch === bh && score > best.score) best = cand;
    } else if (score > best.score) best = cand;
  }
  return best;
}
