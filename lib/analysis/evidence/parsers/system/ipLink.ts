/**
 * `ip link` / `ip -d link` / `ip addr` text and `ip -j [-d] link` / `ip -j addr` JSON.
 *
 * Text blocks start with `N: name[@peer]: <FLAGS> mtu M … [master X] state S …`, then `link/ether …`, then
 * with -d a line whose first word is the device kind (`veth`, `bridge`, `vxlan id 42 … dstport 8472 …`,
 * `bridge_slave …` for a port). Without -d the kind is guessed from the link type and conventional names
 * (flannel.1 → vxlan, docker0/cni0 → bridge, name@ifN → veth), since that is all the output holds.
 */
import type { FileFacts, TextParser, Warning } from "../../parser";
import type { Interface } from "../../model";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

type Kind = Interface["kind"];
type Iface = NonNullable<FileFacts["interfaces"]>[number];
type Addr = NonNullable<FileFacts["addresses"]>[number];

const HEAD = /^(\d+): ([^\s:@]+)(?:@([^\s:]+))?: <([^>]*)> (.*)$/;

const KIND_WORDS: Record<string, Kind> = {
  veth: "veth", bridge: "bridge", vxlan: "vxlan", ipip: "ipip", gre: "gre", gretap: "gre", ip6gre: "gre",
  ip6gretap: "gre", geneve: "geneve", wireguard: "wireguard", tun: "tun", dummy: "dummy", bond: "bond",
  vlan: "vlan", macvlan: "macvlan", macvtap: "macvlan", ipvlan: "ipvlan", ipvtap: "ipvlan", sit: "ipip",
  ip6tnl: "ipip", vti: "other", nlmon: "other", vrf: "other", team: "bond", erspan: "gre", netkit: "veth",
};

export function kindFromName(name: string, linkType: string | undefined, peer: string | undefined, flags: string[]): Kind {
  if (flags.includes("LOOPBACK") || linkType === "loopback") return "loopback";
  if (linkType === "ipip" || linkType === "tunnel6" || linkType === "sit") return "ipip";
  if (linkType === "gre" || linkType === "gre6") return "gre";
  // the CNIs' own device names, for outputs without -d (ip link, ifconfig)
  if (/^(flannel(?:-v6)?\.\d+|vxlan[.\-_]|vxlan\d*$|cilium_vxlan|vxlan\.calico|antrea-tun0|kube-vxlan)/.test(name)) return "vxlan";
  if (/^(genev_sys|cilium_geneve|geneve\d)/.test(name)) return "geneve";
  if (/^(wg\d|flannel-wg|wireguard\.cali|cilium_wg\d|kilo\d|nebula)/.test(name)) return "wireguard";
  if (/^(tunl\d|flannel\.ipip|ipip\d)$/.test(name)) return "ipip";
  if (/^(gre\d|gretap\d|erspan\d)$/.test(name)) return "gre";
  if (/^(tun|tap)\d/.test(name)) return "tun";
  if (/^(docker0|cni0|cbr0|br-|virbr|kube-bridge)/.test(name)) return "bridge";
  if (/^(veth|cali|lxc)/.test(name) || peer && /^if\d+$/.test(peer)) return "veth";
  if (/^dummy/.test(name)) return "dummy";
  if (/^bond\d/.test(name)) return "bond";
  return "device";
}

function parseHead(m: RegExpExecArray, lineNo: number): Iface {
  const rest = m[5].split(/\s+/);
  const flags = m[4].split(",").filter((x) => x !== "");
  let mtu = 0;
  let master: string | undefined;
  let state: string | undefined;
  for (let k = 0; k + 1 < rest.length; k++) {
    if (rest[k] === "mtu") mtu = Number(rest[k + 1]) || 0;
    else if (rest[k] === "master") master = rest[k + 1];
    else if (rest[k] === "state") state = rest[k + 1];
  }
  if (state === "UNKNOWN" || state === undefined) {
    // state UNKNOWN is normal for lo/tunnels: the flags say more
    if (flags.includes("LOWER_UP")) state = state ?? "UNKNOWN";
  }
  if (flags.includes("NO-CARRIER")) state = state ? `${state} NO-CARRIER` : "NO-CARRIER";
  const iface: Iface = {
    name: m[2], index: Number(m[1]), kind: "device", mtu, line: lineNo,
    ...(state ? { state } : {}), ...(master ? { master } : {}), ...(m[3] ? { link: m[3] } : {}),
  };
  return iface;
}

function applyDetail(iface: Iface, words: string[]): boolean {
  const kind = KIND_WORDS[words[0]];
  if (!kind) return false;
  iface.kind = kind;
  const num = (key: string): number | undefined => {
    const at = words.indexOf(key);
    if (at < 0 || at + 1 >= words.length) return undefined;
    const n = Number(words[at + 1]);
    return Number.isFinite(n) ? n : undefined;
  };
  const str = (key: string): string | undefined => {
    const at = words.indexOf(key);
    return at >= 0 && at + 1 < words.length ? words[at + 1] : undefined;
  };
  if (kind === "vxlan") {
    const id = num("id");
    if (id !== undefined) {
      const local = str("local");
      const remote = str("remote") ?? str("group");
      const dev = str("dev");
      const df = str("df");
      const dstport = num("dstport");
      iface.vxlan = {
        id, ...(dstport !== undefined ? { dstport } : {}), ...(local ? { local } : {}), ...(remote ? { remote } : {}),
        ...(dev ? { dev } : {}), ...(df ? { df } : {}),
      };
    }
  }
  if (kind === "geneve") {
    const id = num("id");
    const dstport = num("dstport");
    if (id !== undefined) iface.geneve = { id, ...(dstport !== undefined ? { dstport } : {}) };
  }
  return true;
}

/** Parses `ip link`/`ip addr` text; `withAddresses` also reads inet/inet6 lines. */
export function parseIpText(text: string, what: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const interfaces: Iface[] = [];
  const addresses: Addr[] = [];
  let cur: (Iface & { _flags: string[]; _linkType?: string; _detailed: boolean }) | undefined;
  const finish = () => {
    if (!cur) return;
    if (!cur._detailed) cur.kind = kindFromName(cur.name, cur._linkType, cur.link, cur._flags);
    else if (cur._linkType === "loopback") cur.kind = "loopback";
    const { _flags: _f, _linkType: _l, _detailed: _d, ...iface } = cur;
    void _f; void _l; void _d;
    interfaces.push(iface);
    cur = undefined;
  };
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "") continue;
    const m = HEAD.exec(l);
    if (m) {
      finish();
      cur = { ...parseHead(m, lineNo), _flags: m[4].split(","), _detailed: false };
      continue;
    }
    if (!cur) {
      warnings.push({ line: lineNo, message: `line outside any link block: ${l.slice(0, 120)}` });
      continue;
    }
    const words = l.trim().split(/\s+/);
    if (words[0].startsWith("link/")) {
      cur._linkType = words[0].slice(5);
      if (words[1] && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(words[1])) cur.mac = words[1];
      continue;
    }
    if (words[0] === "inet" || words[0] === "inet6") {
      const slash = (words[1] ?? "").indexOf("/");
      const address = slash >= 0 ? words[1].slice(0, slash) : words[1];
      const prefixLen = slash >= 0 ? Number(words[1].slice(slash + 1)) : words[0] === "inet" ? 32 : 128;
      if (address && Number.isInteger(prefixLen)) {
        addresses.push({ ifname: cur.name, family: words[0], address, prefixLen, line: lineNo });
      } else warnings.push({ line: lineNo, message: `unreadable address: ${l.trim().slice(0, 120)}` });
      continue;
    }
    if (words[0] === "valid_lft" || words[0] === "altname" || words[0] === "prop") continue;
    if (applyDetail(cur, words)) {
      cur._detailed = true;
      continue;
    }
    // -d on a plain device prints its generic attributes with no kind word: it is a physical device
    if (/^(addrgenmode|numtxqueues|promiscuity|minmtu|gso_max_size|allmulti)$/.test(words[0])) {
      cur._detailed = true;
      continue;
    }
    // -d lines about the port role (bridge_slave, bond_slave), `ip -s` statistics (RX:/TX: headers and their
    // number rows), alias/vf lines: not facts of this model
    if (/_slave$/.test(words[0]) || /^(RX|TX|alias|vf|openvswitch)/.test(words[0])) continue;
    if (words.every((w) => /^\d+$/.test(w))) continue;
    if (/^[a-z][a-z0-9_]*$/.test(words[0]) && cur._linkType !== undefined) {
      cur._detailed = true;
      cur.kind = "other";
      warnings.push({ line: lineNo, message: `unknown device kind "${words[0]}" for ${cur.name}` });
      continue;
    }
    warnings.push({ line: lineNo, message: `not understood: ${l.trim().slice(0, 120)}` });
  }
  finish();
  if (interfaces.length === 0) return fail(`${what}: no link block`);
  return ok(addresses.length > 0 ? { interfaces, addresses } : { interfaces }, warnings);
}

function textShape(head: string): { blocks: number; inet: number; lines: number } {
  const lines = headLines(head, 80);
  let blocks = 0;
  let inet = 0;
  for (const l of lines) {
    if (HEAD.test(l)) blocks++;
    else if (/^\s+inet6? /.test(l)) inet++;
  }
  return { blocks, inet, lines: lines.length };
}

function sniffLinkText(head: string): number {
  const s = textShape(head);
  if (s.blocks === 0) return 0;
  return s.inet > 0 ? 0.5 : 0.9;
}

function sniffAddrText(head: string): number {
  const s = textShape(head);
  if (s.blocks === 0) return 0;
  return s.inet > 0 ? 0.92 : 0.45;
}

// ---- JSON ----

type JsonObj = Record<string, unknown>;

function asObj(v: unknown): JsonObj | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObj) : undefined;
}

function parseJsonArray(text: string): unknown[] | string {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : "top level is not an array";
  } catch (e) {
    return `invalid JSON (${e instanceof Error ? e.message : "?"})`;
  }
}

function jsonIface(o: JsonObj): Iface | undefined {
  const name = o.ifname;
  if (typeof name !== "string") return undefined;
  const flags = Array.isArray(o.flags) ? o.flags.filter((x): x is string => typeof x === "string") : [];
  const info = asObj(o.linkinfo);
  const data = info ? asObj(info.info_data) : undefined;
  const kindWord = info && typeof info.info_kind === "string" ? info.info_kind : undefined;
  const linkType = typeof o.link_type === "string" ? o.link_type : undefined;
  const peer = typeof o.link === "string" ? o.link : undefined;
  let kind: Kind = kindWord ? KIND_WORDS[kindWord] ?? "other" : kindFromName(name, linkType, peer ?? (typeof o.link_index === "number" ? `if${o.link_index}` : undefined), flags);
  if (linkType === "loopback") kind = "loopback";
  const iface: Iface = { name, kind, mtu: typeof o.mtu === "number" ? o.mtu : 0 };
  if (typeof o.ifindex === "number") iface.index = o.ifindex;
  if (typeof o.operstate === "string") iface.state = o.operstate;
  if (typeof o.master === "string") iface.master = o.master;
  if (peer) iface.link = peer;
  if (typeof o.address === "string" && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(o.address)) iface.mac = o.address;
  if (kind === "vxlan" && data && typeof data.id === "number") {
    iface.vxlan = {
      id: data.id,
      ...(typeof data.port === "number" ? { dstport: data.port } : {}),
      // an IPv6 underlay is printed as local6/remote6/group6
      ...(typeof (data.local ?? data.local6) === "string" ? { local: (data.local ?? data.local6) as string } : {}),
      ...(typeof (data.remote ?? data.remote6 ?? data.group ?? data.group6) === "string" ? { remote: (data.remote ?? data.remote6 ?? data.group ?? data.group6) as string } : {}),
      ...(typeof data.link === "string" ? { dev: data.link } : {}),
      ...(typeof data.df === "string" ? { df: data.df } : {}),
    };
  }
  if (kind === "geneve" && data && typeof data.id === "number") {
    iface.geneve = { id: data.id, ...(typeof data.port === "number" ? { dstport: data.port } : {}) };
  }
  return iface;
}

/**
 * `ip -j` prints one line: facts cite line 1. Pretty-printed JSON (`ip -j -p`, jq) cites the line of each
 * entry's "ifname", found by a forward-only scan (entries are in order), so the whole lookup stays linear.
 */
function lineFinder(text: string): (name: string) => number | undefined {
  const nl = text.indexOf("\n");
  const multi = nl >= 0 && nl < text.length - 1;
  let line = 1;
  let pos = 0;
  let lost = false;
  return (name: string) => {
    if (!multi) return 1;
    // once a name cannot be found (escaped differently), stop: rescanning for every entry would be quadratic
    if (lost) return undefined;
    const re = new RegExp(`"ifname"\\s*:\\s*${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "g");
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      lost = true;
      return undefined;
    }
    for (; pos < m.index; pos++) if (text.charCodeAt(pos) === 10) line++;
    return line;
  };
}

function parseJsonLinks(text: string, withAddresses: boolean): ReturnType<TextParser["parse"]> {
  const arr = parseJsonArray(text);
  if (typeof arr === "string") return fail(`ip -j: ${arr}`);
  const warnings: Warning[] = [];
  const interfaces: Iface[] = [];
  const addresses: Addr[] = [];
  const find = lineFinder(text);
  for (const item of arr) {
    const o = asObj(item);
    const iface = o ? jsonIface(o) : undefined;
    if (!o || !iface) {
      warnings.push({ message: "ip -j: an entry without ifname" });
      continue;
    }
    const line = find(iface.name);
    if (line !== undefined) iface.line = line;
    interfaces.push(iface);
    if (withAddresses && Array.isArray(o.addr_info)) {
      for (const a of o.addr_info) {
        const ao = asObj(a);
        if (!ao) continue;
        const fam = ao.family;
        if ((fam === "inet" || fam === "inet6") && typeof ao.local === "string" && typeof ao.prefixlen === "number") {
          addresses.push({
            ifname: iface.name, family: fam, address: ao.local, prefixLen: ao.prefixlen, ...(line !== undefined ? { line } : {}),
          });
        }
      }
    }
  }
  if (interfaces.length === 0) return fail("ip -j: no interface");
  return ok(withAddresses ? { interfaces, addresses } : { interfaces }, warnings);
}

function sniffJson(head: string, withAddr: boolean): number {
  const t = head.trimStart();
  if (!t.startsWith("[")) return 0;
  const hasIf = /"ifname"\s*:/.test(head) && /"ifindex"\s*:/.test(head);
  if (!hasIf) return 0;
  const hasAddr = /"addr_info"\s*:/.test(head);
  if (withAddr) return hasAddr ? 0.95 : 0.4;
  return hasAddr ? 0.4 : 0.95;
}

export const ipLinkParser: TextParser = {
  kind: "ip-link",
  sniff: guardedSniff(sniffLinkText),
  parse: guarded("ip-link", (t) => parseIpText(t, "ip link")),
};

export const ipAddrParser: TextParser = {
  kind: "ip-addr",
  sniff: guardedSniff(sniffAddrText),
  parse: guarded("ip-addr", (t) => parseIpText(t, "ip addr")),
};

export const ipLinkJsonParser: TextParser = {
  kind: "ip-link-json",
  sniff: guardedSniff((h) => sniffJson(h, false)),
  parse: guarded("ip-link-json", (t) => parseJsonLinks(t, false)),
};

export const ipAddrJsonParser: TextParser = {
  kind: "ip-addr-json",
  sniff: guardedSniff((h) => sniffJson(h, true)),
  parse: guarded("ip-addr-json", (t) => parseJsonLinks(t, true)),
};
