/**
 * Packet-filter rules: `nft list ruleset`, `iptables-save` and `iptables [-t nat] -nvL` listings.
 * Every rule is kept (kind "other" when it is not one of the kinds diagnosis cares about), with its table
 * and chain. Classification:
 * - nodeport: a rule in kube-proxy's KUBE-NODEPORTS chain (iptables) or `nodeports` chain / a
 *   *nodeport* verdict map (nft mode), or any DNAT / jump on a destination port in the default NodePort
 *   range 30000-32767 (a hand-made NodePort look-alike behaves the same);
 * - dnat / snat / masquerade by target;
 * - icmp-drop: a DROP of ICMP (`-p icmp … -j DROP`, `icmp type destination-unreachable drop`) — dropping
 *   "fragmentation needed" breaks PMTU discovery;
 * - drop: any other DROP.
 * REJECT is not a drop (the peer gets an answer) and stays "other" with target REJECT.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Rule = NonNullable<FileFacts["rules"]>[number];
type RuleKind = Rule["kind"];

const NODEPORT_MIN = 30000;
const NODEPORT_MAX = 32767;

function inNodePortRange(p: number | undefined): boolean {
  return p !== undefined && p >= NODEPORT_MIN && p <= NODEPORT_MAX;
}

function portSpec(s: string | undefined): { dport?: number; dportRange?: [number, number] } {
  if (!s) return {};
  const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(s);
  if (!m) return {};
  if (m[2] !== undefined) return { dportRange: [Number(m[1]), Number(m[2])] };
  return { dport: Number(m[1]) };
}

function classify(o: {
  chain: string; target?: string; proto?: string; dport?: number; icmp: boolean;
}): RuleKind {
  const t = (o.target ?? "").toUpperCase();
  if (/^KUBE-NODEPORTS$/i.test(o.chain) || /^nodeports$/i.test(o.chain)) return "nodeport";
  if (inNodePortRange(o.dport) && t !== "DROP" && t !== "ACCEPT" && t !== "REJECT" && t !== "RETURN" && t !== "") {
    return "nodeport";
  }
  if (t === "DNAT") return "dnat";
  if (t === "SNAT") return "snat";
  if (t === "MASQUERADE") return "masquerade";
  if (t === "DROP") return o.icmp ? "icmp-drop" : "drop";
  return "other";
}

/** Splits an iptables-save rule into words, keeping "quoted comments" as one word. Linear. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === "\\" && i + 1 < line.length) {
        cur += line[++i];
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      has = true;
    } else if (c === " " || c === "\t") {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function nodePortsOf(rules: Rule[]): NonNullable<FileFacts["kubernetes"]> | undefined {
  const seen = new Set<number>();
  const nodePorts: Array<{ value: number; line?: number }> = [];
  for (const r of rules) {
    if (r.kind !== "nodeport" || r.dport === undefined || seen.has(r.dport)) continue;
    seen.add(r.dport);
    nodePorts.push({ value: r.dport, ...(r.line !== undefined ? { line: r.line } : {}) });
  }
  return nodePorts.length > 0 ? { nodePorts } : undefined;
}

function result(rules: Rule[], warnings: Warning[]): ReturnType<TextParser["parse"]> {
  const k = nodePortsOf(rules);
  return ok(k ? { rules, kubernetes: k } : { rules }, warnings);
}

// ---- iptables-save ----

function sniffSave(head: string): number {
  const lines = headLines(head, 40);
  let tables = 0;
  let chains = 0;
  let appends = 0;
  let generated = false;
  for (const l of lines) {
    if (/^# (Generated|Completed) by ip6?tables/.test(l) || /^# Completed on /.test(l)) generated = true;
    else if (/^\*(filter|nat|mangle|raw|security)\s*$/.test(l)) tables++;
    else if (/^:\S+ (\S+) \[\d+:\d+\]/.test(l)) chains++;
    else if (/^-A \S+/.test(l)) appends++;
  }
  if (tables === 0 && appends === 0) return 0;
  return Math.min(1, (generated ? 0.3 : 0) + (tables > 0 ? 0.4 : 0) + (chains > 0 ? 0.15 : 0) + (appends > 0 ? 0.15 : 0));
}

function parseSave(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const rules: Rule[] = [];
  let table: string | undefined;
  let seen = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    const t = l.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (t.startsWith("*")) {
      table = t.slice(1);
      seen++;
      continue;
    }
    if (t === "COMMIT" || /^:\S+ \S+/.test(t)) {
      seen++;
      continue;
    }
    if (!t.startsWith("-A ") && !t.startsWith("-I ")) {
      warnings.push({ line: lineNo, message: `not an iptables-save line: ${t.slice(0, 120)}` });
      continue;
    }
    const w = tokens(t);
    const chain = w[1] ?? "";
    let target: string | undefined;
    let proto: string | undefined;
    let port: ReturnType<typeof portSpec> = {};
    let icmp = false;
    for (let k = 2; k < w.length; k++) {
      const a = w[k];
      const neg = w[k - 1] === "!";
      if ((a === "-j" || a === "-g" || a === "--jump" || a === "--goto") && w[k + 1]) target = w[++k];
      else if ((a === "-p" || a === "--protocol") && w[k + 1]) {
        proto = w[++k].toLowerCase();
        if (!neg && /^(icmp|1|ipv6-icmp|icmpv6|58)$/.test(proto)) icmp = true;
      } else if ((a === "--dport" || a === "--destination-port") && w[k + 1]) port = portSpec(w[++k]);
      else if (a === "--dports" && w[k + 1]) port = portSpec(w[++k].split(",")[0]);
    }
    seen++;
    const rule: Rule = {
      table: table ?? "filter", chain, kind: classify({ chain, target, proto, dport: port.dport, icmp }),
      text: t, line: lineNo, ...(proto ? { proto } : {}), ...port, ...(target ? { target } : {}),
    };
    rules.push(rule);
  }
  if (seen === 0) return fail("iptables-save: no table, chain or rule");
  return result(rules, warnings);
}

// ---- iptables -nvL / -nL ----

const CHAIN_HEAD = /^Chain (\S+) \((policy (\S+)|\d+ references?)/;
const PROTO_NUM: Record<string, string> = { "0": "all", "1": "icmp", "6": "tcp", "17": "udp", "58": "ipv6-icmp", "132": "sctp" };

function sniffList(head: string): number {
  const lines = headLines(head, 30);
  if (lines.length === 0) return 0;
  const chain = CHAIN_HEAD.test(lines[0]);
  const header = lines.some((l) => /^\s*(pkts\s+bytes\s+)?target\s+prot\s+opt\s+/.test(l));
  return (chain ? 0.6 : 0) + (header ? 0.35 : 0) * (chain ? 1 : 0.5);
}

function parseList(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const rules: Rule[] = [];
  const chains: string[] = [];
  let chain: string | undefined;
  let verbose = false;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    const c = CHAIN_HEAD.exec(l);
    if (c) {
      chain = c[1];
      chains.push(chain);
      continue;
    }
    if (/^\s*(pkts\s+bytes\s+)?target\s+prot\s+opt\s+/.test(l)) {
      verbose = /pkts/.test(l);
      continue;
    }
    if (!chain) {
      warnings.push({ line: lineNo, message: `rule before any Chain line: ${l.slice(0, 120)}` });
      continue;
    }
    const w = l.trim().split(/\s+/);
    // the opt column ("--", "-f", "!f") anchors the row: target may be empty
    let optAt = -1;
    for (let k = 1; k < Math.min(w.length, 6); k++) if (/^(--|-f|!f)$/.test(w[k])) {
      optAt = k;
      break;
    }
    const first = verbose ? 2 : 0;
    if (optAt < first + 1) {
      warnings.push({ line: lineNo, message: `not an iptables rule row: ${l.trim().slice(0, 120)}` });
      continue;
    }
    const protoRaw = w[optAt - 1];
    const proto = PROTO_NUM[protoRaw] ?? protoRaw.toLowerCase();
    const target = optAt - 2 >= first ? w[optAt - 2] : undefined;
    const extra = w.slice(optAt + (verbose ? 5 : 3)).join(" ");
    const dpt = /\bdpts?:(\d{1,5}(?::\d{1,5})?)/.exec(extra);
    const port = portSpec(dpt?.[1]);
    const icmp = proto === "icmp" || proto === "ipv6-icmp" || proto === "icmpv6";
    rules.push({
      table: "", chain, kind: classify({ chain, target, proto, dport: port.dport, icmp }), text: l.trim(), line: lineNo,
      ...(proto ? { proto } : {}), ...port, ...(target ? { target } : {}),
    });
  }
  if (chains.length === 0) return fail("iptables -L: no Chain line");
  // the listing does not name its table; the built-in chains give it away
  const has = (n: string) => chains.includes(n);
  const table = has("PREROUTING") && has("POSTROUTING") && !has("FORWARD") ? "nat"
    : has("PREROUTING") && has("FORWARD") ? "mangle"
    : has("PREROUTING") && !has("INPUT") ? "raw"
    : "filter";
  for (const r of rules) r.table = table;
  return result(rules, warnings);
}

// ---- nft list ruleset ----

function sniffNft(head: string): number {
  const lines = headLines(head, 40);
  if (lines.length === 0) return 0;
  const table = /^table (ip|ip6|inet|arp|bridge|netdev) \S+ \{/.test(lines[0]);
  const chain = lines.some((l) => /^\s+chain \S+ \{/.test(l));
  const hook = lines.some((l) => /^\s+type \w+ hook \w+/.test(l));
  return (table ? 0.6 : 0) + (chain ? 0.2 : 0) + (hook ? 0.15 : 0);
}

function parseNft(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const rules: Rule[] = [];
  let table: string | undefined;
  let chain: string | undefined;
  /** depth inside a set/map/flowtable/… block we skip; mapName when it is a nodeport verdict map */
  let skipDepth = 0;
  let mapName = "";
  let tables = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    const t = l.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (skipDepth > 0) {
      if (/nodeport/i.test(mapName)) {
        const re = /\b(tcp|udp|sctp) \. (\d{1,5})\b/g;
        let m: RegExpExecArray | null;
        while ((m = re.exec(t)) !== null) {
          rules.push({
            table: table ?? "", chain: `@${mapName}`, kind: "nodeport",
            proto: m[1], dport: Number(m[2]), text: t, line: lineNo,
          });
        }
      }
      for (const ch of t) {
        if (ch === "{") skipDepth++;
        else if (ch === "}") skipDepth--;
      }
      continue;
    }
    let m = /^table (\S+) (\S+) \{$/.exec(t);
    if (m) {
      table = `${m[1]} ${m[2]}`;
      chain = undefined;
      tables++;
      continue;
    }
    m = /^chain (\S+) \{$/.exec(t);
    if (m) {
      chain = m[1];
      continue;
    }
    m = /^(set|map|flowtable|counter|quota|ct helper|ct timeout|ct expectation|limit|secmark|synproxy) (\S+) \{/.exec(t);
    if (m) {
      mapName = m[1] === "map" ? m[2] : "";
      skipDepth = 0;
      for (const ch of t) {
        if (ch === "{") skipDepth++;
        else if (ch === "}") skipDepth--;
      }
      continue;
    }
    if (t === "}") {
      if (chain) chain = undefined;
      else table = undefined;
      continue;
    }
    // table/chain attributes (kube-proxy's `comment "rules for kube-proxy"`, `flags dormant`)
    if (/^comment "[^"]*"\s*;?$/.test(t) || /^flags [a-z, ]+;?$/.test(t)) continue;
    if (!table || !chain) {
      warnings.push({ line: lineNo, message: `line outside a chain: ${t.slice(0, 120)}` });
      continue;
    }
    if (/^type \w+ hook /.test(t) || /^policy \w+;$/.test(t) || /^comment "/.test(t) && !/ (accept|drop|jump|goto)\b/.test(t)) continue;
    const w = t.split(/\s+/);
    let target: string | undefined;
    let proto: string | undefined;
    let port: ReturnType<typeof portSpec> = {};
    let icmp = false;
    for (let k = 0; k < w.length; k++) {
      const a = w[k];
      if ((a === "tcp" || a === "udp" || a === "sctp" || a === "th") && w[k + 1] === "dport" && w[k + 2]) {
        if (a !== "th") proto = a;
        if (w[k + 2] !== "!=") port = portSpec(w[k + 2]);
        k += 2;
      } else if (a === "l4proto" && /^[a-z][a-z0-9-]*$/.test(w[k + 1] ?? "")) {
        proto = proto ?? w[k + 1];
        if (/^(icmp|ipv6-icmp|icmpv6)$/.test(w[k + 1])) icmp = true;
      } else if ((a === "icmp" || a === "icmpv6") && (w[k + 1] === "type" || w[k + 1] === "code")) {
        icmp = true;
        proto = proto ?? a;
      } else if (a === "protocol" && /^(icmp|ipv6-icmp)$/.test(w[k + 1] ?? "")) {
        icmp = true;
        proto = proto ?? w[k + 1];
      } else if (a === "dnat" || a === "snat" || a === "masquerade" || a === "drop" || a === "accept" || a === "reject" || a === "return") {
        target = a.toUpperCase();
      } else if ((a === "jump" || a === "goto") && w[k + 1]) {
        target = w[++k];
      }
    }
    // sets of protocols (`meta l4proto { icmp, ipv6-icmp } drop`) name ICMP without a keyword before it
    if (!icmp && /(^|[\s{,])(icmp|icmpv6|ipv6-icmp)([\s},]|$)/.test(t) && !/!=[\s{]*(icmp|icmpv6|ipv6-icmp)\b/.test(t)) icmp = true;
    rules.push({
      table, chain, kind: classify({ chain, target, proto, dport: port.dport, icmp }), text: t, line: lineNo,
      ...(proto ? { proto } : {}), ...port, ...(target ? { target } : {}),
    });
  }
  if (tables === 0) return fail("nft: no table");
  return result(rules, warnings);
}

export const nftParser: TextParser = {
  kind: "nft-ruleset",
  sniff: guardedSniff(sniffNft),
  parse: guarded("nft-ruleset", parseNft),
};

export const iptablesSaveParser: TextParser = {
  kind: "iptables-save",
  sniff: guardedSniff(sniffSave),
  parse: guarded("iptables-save", parseSave),
};

export const iptablesListParser: TextParser = {
  kind: "iptables-list",
  sniff: guardedSniff(sniffList),
  parse: guarded("iptables-list", parseList),
};
