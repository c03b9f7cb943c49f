/**
 * tcpdump TEXT output → Packet[] for the capture engine (one packet per printed packet; Packet.index is
 * the 1-based line the packet starts on, so a finding can cite the line).
 *
 * Timestamps, as tcpdump prints them:
 *   default  `07:38:53.748538`            seconds since that day's midnight (no date is printed): relative;
 *                                          a time that goes back by more than 12 h is taken as a day wrap
 *   -t       none                          ts = 0 for every packet (order is all there is)
 *   -tt      `1795333133.748538`           epoch seconds: absolute
 *   -ttt     ` 00:00:01.032218`            delta since the previous packet. Deltas are ACCUMULATED into
 *                                          seconds since the first packet (first line 0), so flow timing
 *                                          (1 s, 2 s, 4 s SYN retransmissions) survives. tcpdump prints
 *                                          -ttttt (since first packet) the same way; it cannot be told
 *                                          apart by format, and the far more common -ttt is assumed (a file
 *                                          whose first stamp is not 00:00:00 is read as time of day)
 *   -tttt    `2026-11-22 07:38:53.748538`  date and time of the capturing host, taken as UTC: absolute
 *                                          (the zone is not printed; flows only need differences)
 * Microsecond and nanosecond (--nano) fractions are read.
 *
 * Also understood: `-i any` (`eth0  In  IP …`, `? Out IP …`), lines without the `IP`/`IP6` word (old
 * tcpdump), `-e` link headers, `-v` (the `IP (tos …, ttl 63, …, flags [DF], proto TCP (6), length 60)`
 * line followed by an indented packet line; for ICMP errors the quoted packet follows too), and pasted
 * lines with a `N | … |` code-block frame. Sequence and ack numbers are kept as printed (relative after
 * the handshake unless tcpdump ran with -S). The IP length is the printed one with -v; otherwise it is
 * computed from the printed TCP options and payload length (header sizes as on the wire).
 */
import { detached } from "../../detach";
import type { IcmpInfo, Packet, TcpFlags, TcpOptions } from "../../../capture/packet";
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, ok, safeParser, splitLines } from "../logs/util";

const TS_TOD = /^(\d\d):(\d\d):(\d\d)\.(\d{6,9}) /;
const TS_EPOCH = /^(\d{9,11})\.(\d{6,9}) /;
const TS_DATE = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6,9}) /;
const IFACE = /^(\S{1,64}) {1,4}(In|Out|M|B|P) {1,4}/;
const ETHER = /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2} > (?:[0-9a-f]{2}:){5}[0-9a-f]{2}, ethertype (IPv4|IPv6)[^:]{0,60}, length \d{1,6}: /;
const ADDRS = /^(\S{1,80}) > (\S{1,80}): /;
const FRAME = /^\d{1,9} \| (.*?)(?: \|)?$/;

/** End (exclusive) of the parenthesised group that starts at 0, counting nesting; -1 when unclosed. */
function groupEnd(s: string): number {
  let depth = 0;
  const n = Math.min(s.length, 1000);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i + 1;
  }
  return -1;
}

/** The -v IP header: `(tos 0x0, ttl 63, id 1, offset 0, flags [DF], proto TCP (6), length 60)` or the IPv6 one. */
function readVerboseHeader(group: string, hdr: Pending): void {
  const ttl = /(?:ttl|hlim) (\d{1,3})/.exec(group);
  if (ttl) hdr.ttl = +ttl[1];
  const fl = /flags \[([^\]]{0,20})\]/.exec(group);
  if (fl) {
    hdr.df = fl[1].includes("DF");
    hdr.more = fl[1].includes("+");
  }
  const proto = /(?:proto|next-header) \S{1,16} \((\d{1,3})\)/.exec(group);
  if (proto) hdr.proto = +proto[1];
  const pl = /payload length: (\d{1,6})/.exec(group);
  if (pl) {
    hdr.v6 = true;
    hdr.ipLength = +pl[1] + 40;
    return;
  }
  const len = /length (\d{1,6})\)$/.exec(group);
  if (len) hdr.ipLength = +len[1];
}

type Mode = "tod" | "epoch" | "date" | "delta" | "none";

const PORT_NAMES: Record<string, number> = {
  http: 80, https: 443, ssh: 22, domain: 53, smtp: 25, ftp: 21, telnet: 23, pop3: 110, imap: 143, ntp: 123,
  "http-alt": 8080, webcache: 8080, bootps: 67, bootpc: 68, mysql: 3306, postgresql: 5432, ldap: 389, snmp: 161,
};

function splitHostPort(s: string, v6: boolean): { addr: string; port?: number } {
  const dot = s.lastIndexOf(".");
  if (dot < 0) return { addr: s };
  const head = s.slice(0, dot);
  const tail = s.slice(dot + 1);
  const port = /^\d{1,5}$/.test(tail) ? Number(tail) : PORT_NAMES[tail];
  if (port === undefined) return { addr: s };
  if (!v6) {
    // "10.0.0.1" alone has 3 dots and no port; "10.0.0.1.80" has 4
    const dots = s.split(".").length - 1;
    if (/^[\d.]+$/.test(s) && dots < 4) return { addr: s };
    return { addr: head, port };
  }
  const innerDots = head.split(".").length - 1;
  if (innerDots !== 0 && innerDots !== 3) return { addr: s };
  return { addr: head, port };
}

const noFlags = (): TcpFlags => ({ syn: false, ack: false, fin: false, rst: false, psh: false, urg: false, ece: false, cwr: false });

// a capture repeats a handful of flag sets ([S], [S.], [.], [P.]…): one frozen object per set
const flagSets = new Map<string, TcpFlags>();
function readFlags(f: string): TcpFlags {
  let v = flagSets.get(f);
  if (!v) {
    v = Object.freeze(readFlagsUncached(f));
    if (flagSets.size < 1024) flagSets.set(detached(f), v);
  }
  return v;
}

function readFlagsUncached(f: string): TcpFlags {
  const flags = noFlags();
  if (f === "none") return flags;
  for (const c of f) {
    if (c === "S") flags.syn = true;
    else if (c === "F") flags.fin = true;
    else if (c === "R") flags.rst = true;
    else if (c === "P") flags.psh = true;
    else if (c === "U") flags.urg = true;
    else if (c === "E") flags.ece = true;
    else if (c === "W") flags.cwr = true;
    else if (c === ".") flags.ack = true;
  }
  return flags;
}

const int = (t: string): number | undefined => (/^\d{1,10}$/.test(t) ? Number(t) : undefined);

/**
 * TCP options as printed, and their size on the wire (for the IP length when -v is absent). One split and
 * prefix tests per option: this runs for every packet of a capture.
 */
function readOptions(s: string): { options: TcpOptions; bytes: number } {
  const options: TcpOptions = {};
  let bytes = 0;
  for (const o of s.split(",")) {
    if (o === "nop" || o === "eol") bytes += 1;
    else if (o.startsWith("mss ")) { const v = int(o.slice(4)); if (v !== undefined) options.mss = v; bytes += 4; }
    else if (o.startsWith("wscale ")) { const v = int(o.slice(7)); if (v !== undefined) options.wscale = v; bytes += 3; }
    else if (o === "sackOK") { options.sackPermitted = true; bytes += 2; }
    else if (o.startsWith("TS val ")) {
      const sp = o.indexOf(" ecr ");
      const val = int(o.slice(7, sp < 0 ? undefined : sp));
      const ecr = sp < 0 ? undefined : int(o.slice(sp + 5));
      if (val !== undefined) options.tsval = val;
      if (ecr !== undefined) options.tsecr = ecr;
      bytes += 10;
    } else if (o.startsWith("sack ")) {
      const blocks: Array<[number, number]> = [];
      const re = /\{(\d{1,10}):(\d{1,10})\}/g;
      let b: RegExpExecArray | null;
      while ((b = re.exec(o)) && blocks.length < 8) blocks.push([+b[1], +b[2]]);
      options.sack = blocks;
      bytes += 2 + 8 * blocks.length;
    } else bytes += 2;
  }
  return { options, bytes: Math.ceil(bytes / 4) * 4 };
}

/** The fields after `Flags [..]`: "seq 1:85", "ack 1", "win 64", "options [...]", "length 84: HTTP…". */
function readTcpFields(rest: string): { seq: number; ack: number; win: number; opt?: string; len: number } {
  const out = { seq: 0, ack: 0, win: 0, opt: undefined as string | undefined, len: 0 };
  // options print their list with "," and no space, so ", " separates fields
  for (const f of rest.split(", ")) {
    if (f.startsWith("seq ")) {
      const c = f.indexOf(":");
      out.seq = int(f.slice(4, c < 0 ? undefined : c)) ?? 0;
    } else if (f.startsWith("ack ")) out.ack = int(f.slice(4)) ?? 0;
    else if (f.startsWith("win ")) out.win = int(f.slice(4)) ?? 0;
    else if (f.startsWith("options [")) out.opt = f.slice(9, f.endsWith("]") ? -1 : undefined);
    else if (f.startsWith("length ")) {
      const m = /^length (\d{1,6})/.exec(f);
      if (m) out.len = Number(m[1]);
      break; // what follows is the application decode (HTTP…), which may hold ", " itself
    }
  }
  return out;
}

const ICMP4: Array<[RegExp, number, number]> = [
  [/^echo request/, 8, 0], [/^echo reply/, 0, 0],
  [/unreachable - need to frag/, 3, 4], [/^\S+ tcp port \S+ unreachable/, 3, 3], [/^\S+ udp port \S+ unreachable/, 3, 3],
  [/^net \S+ unreachable/, 3, 0], [/^host \S+ unreachable/, 3, 1], [/^\S+ protocol \d+ unreachable/, 3, 2],
  [/unreachable - admin prohibited/, 3, 13], [/^\S+ unreachable/, 3, 1],
  [/^time exceeded in-transit reassembly/, 11, 1], [/^time exceeded in-transit/, 11, 0], [/^redirect/, 5, 0],
];
const ICMP6: Array<[RegExp, number, number]> = [
  [/^packet too big/, 2, 0], [/^destination unreachable/, 1, 0], [/^time exceeded/, 3, 0], [/^echo request/, 128, 0],
  [/^echo reply/, 129, 0], [/^router solicitation/, 133, 0], [/^router advertisement/, 134, 0],
  [/^neighbor solicitation/, 135, 0], [/^neighbor advertisement/, 136, 0],
];

/**
 * The inner packet of an overlay, with the outer facts. Without -v the outer IP length is not printed:
 * it is the inner IP length plus the outer IP/UDP headers, the tunnel header and the inner Ethernet header.
 */
function withTunnel(inner: Packet, outer: Packet, outerPrinted: boolean, kind: "vxlan" | "geneve", vni: number, encap: number): Packet {
  inner.tunnel = {
    kind, vni, outerSrc: outer.src, outerDst: outer.dst, outerDstPort: outer.udp?.dstPort ?? 0,
    outerLength: outerPrinted ? outer.ipLength : (outer.ipVersion === 6 ? 40 : 20) + 8 + encap + inner.ipLength,
    // not printed without -v: false means "not known to be set"
    outerDontFragment: outer.dontFragment ?? false,
  };
  return inner;
}

const isIcmpError = (i: IcmpInfo) => (i.version === 4 ? i.type === 3 || i.type === 11 || i.type === 5 : i.type >= 1 && i.type <= 4);

type Pending = { v6: boolean; ttl?: number; df?: boolean; ipLength?: number; proto?: number; id?: number; offset?: number; more?: boolean };

function parseTcpdump(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const packets: Packet[] = [];
  let mode: Mode | undefined;
  let last = 0; // previous absolute ts (tod wrap) or accumulated ts (delta)
  let dayOffset = 0;
  let pending: { line: number; ts: number; hdr: Pending } | undefined;
  let unknown = 0;
  const warn = (line: number, message: string) => {
    unknown++;
    if (warnings.length < 200) warnings.push({ line, message });
  };

  const readTs = (l: string): { ts: number; rest: string } | undefined => {
    if (mode === undefined) {
      if (TS_DATE.test(l)) mode = "date";
      else if (TS_EPOCH.test(l)) mode = "epoch";
      else if (/^ \d\d:\d\d:\d\d\.\d{6,9} /.test(l) || /^00:00:00\.0{6,9} /.test(l)) mode = "delta";
      else if (TS_TOD.test(l)) mode = "tod";
      else if (/^(?:\S{1,64} {1,4}(?:In|Out|M|B|P) {1,4})?(?:IP6? |\S{1,80} > \S{1,80}: )/.test(l)) mode = "none";
      else return undefined; // junk before the first packet line decides nothing
    }
    let m: RegExpExecArray | null;
    switch (mode) {
      case "date":
        if (!(m = TS_DATE.exec(l))) return undefined;
        return { ts: Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000 + Number("0." + m[7]), rest: l.slice(m[0].length) };
      case "epoch":
        if (!(m = TS_EPOCH.exec(l))) return undefined;
        return { ts: Number(m[1]) + Number("0." + m[2]), rest: l.slice(m[0].length) };
      case "delta": {
        const t = l.startsWith(" ") ? l.slice(1) : l;
        if (!(m = TS_TOD.exec(t))) return undefined;
        last += +m[1] * 3600 + +m[2] * 60 + +m[3] + Number("0." + m[4]);
        return { ts: last, rest: t.slice(m[0].length) };
      }
      case "tod": {
        if (!(m = TS_TOD.exec(l))) return undefined;
        let ts = +m[1] * 3600 + +m[2] * 60 + +m[3] + Number("0." + m[4]) + dayOffset;
        if (ts < last - 43200) {
          dayOffset += 86400;
          ts += 86400;
        }
        last = ts;
        return { ts, rest: l.slice(m[0].length) };
      }
      default:
        return { ts: 0, rest: l };
    }
  };

  /** The `src > dst: …` part of a packet line. */
  const readPacket = (lineNo: number, ts: number, body: string, hdr: Pending): Packet | undefined => {
    const a = ADDRS.exec(body);
    if (!a) return undefined;
    let v6 = hdr.v6 || a[1].includes(":");
    const src = splitHostPort(a[1], v6);
    const dst = splitHostPort(a[2].replace(/:$/, ""), v6);
    v6 = v6 || src.addr.includes(":");
    let rest = body.slice(a[0].length);
    // -v checksum notes before the protocol: "[icmp6 sum ok] ICMP6, …", "[bad udp cksum 0x…!] …"
    if (rest.startsWith("[")) {
      const e = rest.indexOf("] ");
      if (e > 0 && e < 80) rest = rest.slice(e + 2);
    }
    const p: Packet = { ts, index: lineNo, ipVersion: v6 ? 6 : 4, src: src.addr, dst: dst.addr, ipLength: 0, protocol: 0 };
    if (hdr.ttl !== undefined) p.ttl = hdr.ttl;
    if (hdr.df !== undefined) p.dontFragment = hdr.df;
    const ipHeader = v6 ? 40 : 20;
    let m: RegExpExecArray | null;
    if ((m = /^Flags \[([A-Za-z.]{1,10})\]/.exec(rest))) {
      const flags = readFlags(m[1]);
      const f = readTcpFields(rest.slice(m[0].length + 2));
      const { options, bytes } = f.opt !== undefined ? readOptions(f.opt) : { options: {}, bytes: 0 };
      p.protocol = 6;
      p.tcp = {
        srcPort: src.port ?? 0, dstPort: dst.port ?? 0, seq: f.seq, ack: f.ack, flags, window: f.win, options,
        payloadLength: f.len,
      };
      p.ipLength = hdr.ipLength ?? ipHeader + 20 + bytes + f.len;
      return p;
    }
    if ((m = /^ICMP6?,? /.exec(rest)) || rest.startsWith("ICMP ")) {
      const six = rest.startsWith("ICMP6");
      const what = rest.replace(/^ICMP6?,? /, "");
      const table = six ? ICMP6 : ICMP4;
      const found = table.find(([re]) => re.test(what));
      const icmp: IcmpInfo = { version: six ? 6 : 4, type: found ? found[1] : 255, code: found ? found[2] : 0 };
      const mtu = /mtu (\d{1,6})/.exec(what);
      if (mtu && (icmp.type === 3 && icmp.code === 4 || six && icmp.type === 2)) icmp.mtu = +mtu[1];
      const len = /length (\d{1,6})\s*$/.exec(what);
      p.protocol = six ? 58 : 1;
      p.icmp = icmp;
      // tcpdump's ICMP "length" is the ICMP message with its 8-byte header (IP length - IP header)
      p.ipLength = hdr.ipLength ?? ipHeader + (len ? +len[1] : 8);
      if (!found) warn(lineNo, `ICMP message not classified: ${what.slice(0, 80)}`);
      return p;
    }
    // UDP: "UDP, length 100", or an application decode (DNS "… (29)")
    const ulen = /UDP, length (\d{1,6})/.exec(rest) ?? /\((\d{1,6})\)\s*$/.exec(rest) ?? /length:? (\d{1,6})\s*$/.exec(rest);
    if (src.port !== undefined && dst.port !== undefined && (hdr.proto === undefined || hdr.proto === 17)) {
      const payloadLength = ulen ? +ulen[1] : 0;
      p.protocol = 17;
      p.udp = { srcPort: src.port, dstPort: dst.port, payloadLength };
      p.ipLength = hdr.ipLength ?? ipHeader + 8 + payloadLength;
      return p;
    }
    p.protocol = hdr.proto ?? 0;
    p.ipLength = hdr.ipLength ?? ipHeader;
    return p;
  };

  // the outer half of a VXLAN packet whose inner packet is on the next line
  let vxlan: { p: Packet; vni: number; printed: boolean } | undefined;
  // the ICMP error whose quoted packet -v prints on the next lines
  let quoting: { icmp: IcmpInfo; proto?: number; v6?: boolean } | undefined;
  const readQuoted = (t: string) => {
    const q = quoting!;
    if (q.proto === undefined) {
      const m = /^IP(6?) \(/.exec(t);
      if (!m) return;
      const end = groupEnd(t.slice(m[0].length - 1));
      if (end < 0) return;
      const hdr: Pending = { v6: m[1] === "6" };
      readVerboseHeader(t.slice(m[0].length - 1, m[0].length - 1 + end), hdr);
      q.proto = hdr.proto ?? 0;
      q.v6 = hdr.v6;
      const after = t.slice(m[0].length - 1 + end).trim();
      if (after === "") return;
      t = after;
    }
    const a = ADDRS.exec(t);
    if (!a) return;
    const src = splitHostPort(a[1], !!q.v6 || a[1].includes(":"));
    const dst = splitHostPort(a[2].replace(/:$/, ""), !!q.v6 || a[2].includes(":"));
    const quoted: NonNullable<IcmpInfo["quoted"]> = { src: src.addr, dst: dst.addr, protocol: q.proto ?? 0 };
    if (src.port !== undefined) quoted.srcPort = src.port;
    if (dst.port !== undefined) quoted.dstPort = dst.port;
    const seq = /, seq (\d{1,10})/.exec(t);
    if (seq && q.proto === 6) quoted.seq = Number(seq[1]);
    q.icmp.quoted = quoted;
    quoting = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    const lineNo = i + 1;
    if (l.trim() === "" || l.startsWith("#")) continue;
    if (l.length > 20000) {
      warn(lineNo, "line too long for a tcpdump packet line");
      continue;
    }
    const fr = FRAME.exec(l);
    if (fr) l = fr[1];
    // -v continuation: the indented packet line after an "IP (tos …)" header
    if (pending && /^\s{2,}\S/.test(l)) {
      const p = readPacket(pending.line, pending.ts, l.trim(), pending.hdr);
      if (p) packets.push(p);
      else warn(lineNo, `unreadable -v packet line: ${l.trim().slice(0, 80)}`);
      pending = undefined;
      quoting = p?.icmp && isIcmpError(p.icmp) ? { icmp: p.icmp } : undefined;
      continue;
    }
    if (/^\s/.test(l) && !/^ \d\d:\d\d:\d\d\./.test(l)) {
      // -v prints the packet an ICMP error quotes: "\tIP (tos …, proto TCP (6), length 1478)" then the
      // indented "src.port > dst.port: …" (IPv6: both on one line); anything else here is payload text
      if (quoting) readQuoted(l.trim());
      continue;
    }
    pending = undefined;
    quoting = undefined;
    // VXLAN: tcpdump prints the inner packet on the line after the outer one, without a timestamp
    if (vxlan) {
      const outer = vxlan;
      vxlan = undefined;
      if (/^(IP6? |ARP|\S+ > \S+: )/.test(l)) {
        if (!l.startsWith("ARP")) {
          const inner = readPacket(outer.p.index, outer.p.ts, l.replace(/^IP6? /, ""), { v6: l.startsWith("IP6 ") });
          if (inner) packets.push(withTunnel(inner, outer.p, outer.printed, "vxlan", outer.vni, 8 + 14));
        }
        continue;
      }
    }
    if (/^(listening on|reading from file|tcpdump:|\d+ packets? (captured|received|dropped))/.test(l)) continue;
    const t = readTs(l);
    if (!t) {
      warn(lineNo, `not a tcpdump packet line: ${l.slice(0, 80)}`);
      continue;
    }
    let body = t.rest;
    const ifm = IFACE.exec(body);
    if (ifm) body = body.slice(ifm[0].length);
    const eth = body.length > 40 && body.charCodeAt(2) === 58 ? ETHER.exec(body) : null; // "aa:…" link header
    let v6 = false;
    if (eth) {
      body = body.slice(eth[0].length);
      v6 = eth[1] === "IPv6";
    }
    if (body.startsWith("IP6 ")) {
      v6 = true;
      body = body.slice(4);
    } else if (body.startsWith("IP ")) body = body.slice(3);
    else if (/^(ARP|STP|LLDP|CDP|LLC|IPX|arp|loopback)/.test(body)) continue;
    const hdr: Pending = { v6 };
    if (body.startsWith("(")) {
      const end = groupEnd(body);
      if (end < 0) {
        warn(lineNo, "unreadable -v IP header");
        continue;
      }
      readVerboseHeader(body.slice(0, end), hdr);
      body = body.slice(end).trim();
      if (body === "") {
        pending = { line: lineNo, ts: t.ts, hdr };
        continue;
      }
    }
    const p = readPacket(lineNo, t.ts, body, hdr);
    if (p?.udp) {
      // overlay traffic: the packet that matters is the inner one, carried with the tunnel's outer facts
      const vx = /: VXLAN, flags \[[^\]]{0,10}\] \(0x[0-9a-f]{1,8}\), vni (\d{1,8})\s*$/.exec(body);
      if (vx) {
        vxlan = { p, vni: Number(vx[1]), printed: hdr.ipLength !== undefined };
        continue;
      }
      const gn = /: Geneve, Flags \[[^\]]{0,20}\], vni (0x[0-9a-f]{1,6}|\d{1,8})(?:, proto [^,:]{1,40})?(?:, options \[(\d{1,4}) bytes\])?: (IP6? )?(.*)$/.exec(body);
      if (gn) {
        const inner = gn[4].startsWith("ARP") ? undefined : readPacket(lineNo, t.ts, gn[4], { v6: gn[3] === "IP6 " });
        if (inner) packets.push(withTunnel(inner, p, hdr.ipLength !== undefined, "geneve", Number(gn[1]), 8 + Number(gn[2] ?? 0) + 14));
        continue;
      }
    }
    if (p) packets.push(p);
    else warn(lineNo, `not a packet: ${body.slice(0, 80)}`);
    if (p?.icmp && isIcmpError(p.icmp)) quoting = { icmp: p.icmp };
  }
  if (packets.length === 0) return fail("tcpdump text: no packet line (`[time] IP src.port > dst.port: …`)");
  if (unknown > warnings.length) warnings.push({ message: `${unknown - warnings.length} more unreadable lines` });
  absoluteSequences(packets);
  const facts: FileFacts = { packets };
  return ok(facts, warnings);
}

/**
 * tcpdump (without -S) prints sequence and acknowledgement numbers of a connection relative to the numbers
 * of the first packet with the ACK flag it saw of it (print-tcp.c: that packet, and every SYN, print
 * absolute; the entry takes its seq as one side's base and its ack − 1 as the other's). Mixed with the
 * absolute SYNs, relative numbers make the capture engine see data gaps of gigabytes (missedBytes) and lose
 * stalled transfers. Here they are made absolute again, per connection, the same way; a connection whose
 * later numbers are already absolute (tcpdump -S) is left as printed. SACK blocks follow the numbers of the
 * data they acknowledge (relative even on the packet that sets the bases), as does the TCP segment an ICMP
 * error quotes. Mutates the packets.
 */
function absoluteSequences(packets: Packet[]): void {
  type Conn = { a: string; baseA: number; baseB: number; mode?: "relative" | "absolute" };
  const conns = new Map<string, Conn>();
  const BIG = 2 ** 24;
  const keyOf = (from: string, to: string) => (from < to ? `${from}>${to}` : `${to}>${from}`);
  for (const p of packets) {
    const q = p.icmp?.quoted;
    if (q && q.protocol === 6 && q.seq !== undefined && q.srcPort !== undefined && q.dstPort !== undefined) {
      // the segment an ICMP error quotes is printed with its conversation's numbers
      const from = `${q.src}|${q.srcPort}`;
      const c = conns.get(keyOf(from, `${q.dst}|${q.dstPort}`));
      if (c && c.mode !== "absolute" && q.seq < BIG) q.seq = (q.seq + (from === c.a ? c.baseA : c.baseB)) >>> 0;
    }
    const t = p.tcp;
    if (!t || p.tunnel) continue;
    const from = `${p.src}|${t.srcPort}`;
    const to = `${p.dst}|${t.dstPort}`;
    const key = keyOf(from, to);
    if (!t.flags.ack) continue; // a SYN without ACK (or a bare RST) is printed absolute
    const c = conns.get(key);
    if (!c || t.flags.syn) {
      // this packet's seq and ack are printed absolute and (re)set the bases; its SACK blocks already count
      // from the acknowledged side's base (ack − 1)
      const baseB = (t.ack - 1) >>> 0;
      conns.set(key, { a: from, baseA: t.seq, baseB, ...(c?.mode ? { mode: c.mode } : {}) });
      if (t.options.sack && c?.mode !== "absolute" && t.options.sack.every(([l, r]) => l < BIG && r < BIG) && baseB >= BIG) {
        t.options.sack = t.options.sack.map(([l, r]) => [(l + baseB) >>> 0, (r + baseB) >>> 0] as [number, number]);
      }
      continue;
    }
    const mine = from === c.a ? c.baseA : c.baseB;
    const theirs = from === c.a ? c.baseB : c.baseA;
    if (c.mode === undefined) c.mode = t.seq < BIG && mine >= BIG ? "relative" : t.seq >= BIG ? "absolute" : "relative";
    if (c.mode === "absolute") continue;
    t.seq = (t.seq + mine) >>> 0;
    t.ack = (t.ack + theirs) >>> 0;
    if (t.options.sack) t.options.sack = t.options.sack.map(([l, r]) => [(l + theirs) >>> 0, (r + theirs) >>> 0] as [number, number]);
  }
}

/** Cheap line test for sniffing: a timestamp (or none) then `[if dir] [IP|IP6] a > b: `. */
const SNIFF_LINE = /^(?:\d{1,9} \| )?(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6,9} |\d{9,11}\.\d{6,9} | ?\d\d:\d\d:\d\d\.\d{6,9} )?(?:\S{1,64} {1,4}(?:In|Out|M|B|P) {1,4})?(?:(?:[0-9a-f]{2}:){5}[0-9a-f]{2} > (?:[0-9a-f]{2}:){5}[0-9a-f]{2}, ethertype [^,]{1,40}, length \d{1,6}: )?(?:IP6? |IP6? \(.{0,400}\)\s*$)?(?:\S{1,80} > \S{1,80}: (?:Flags \[|ICMP|UDP|\d)|\(tos )/;

export const tcpdumpTextParser = safeParser("tcpdump-text", "tcpdump-text", (head) => {
  const lines = headLines(head, 60);
  let hits = 0;
  let counted = 0;
  for (const l of lines) {
    if (l.trim() === "" || l.startsWith("#") || /^\s/.test(l) && !/^ \d\d:/.test(l)) continue;
    if (/^(listening on|reading from file)/.test(l)) {
      hits++;
      counted++;
      continue;
    }
    counted++;
    if (l.length < 20000 && SNIFF_LINE.test(l)) hits++;
  }
  if (hits === 0 || counted === 0) return 0;
  const frac = hits / counted;
  return frac < 0.5 ? 0 : Math.min(0.97, 0.7 + 0.27 * frac);
}, parseTcpdump);
