/**
 * Link layer → IP → L4 decoding into one reused scratch object.
 *
 * Why a mutable scratch and numeric addresses: the reader calls this once per packet on multi-GB captures;
 * allocating a Packet object and formatting addresses per packet would dominate the run time. IPv4
 * addresses stay uint32 until a flow is finalised; IPv6 takes a slower path with strings.
 */

export const Skip = {
  None: 0,
  UnknownLinkType: 1,
  NotIp: 2,
  BadIpHeader: 3,
  BadL4Header: 4,
  SnaplenTruncated: 5,
} as const;
export type Skip = (typeof Skip)[keyof typeof Skip];

/** "no TCP timestamp": negative, and a double (see Scratch) */
export const NO_TS = -0.5;

export const F_FIN = 0x01;
export const F_SYN = 0x02;
export const F_RST = 0x04;
export const F_PSH = 0x08;
export const F_ACK = 0x10;
export const F_URG = 0x20;
export const F_ECE = 0x40;
export const F_CWR = 0x80;

export const LINKTYPE_NAMES: Record<number, string> = {
  0: "NULL",
  1: "ETHERNET",
  12: "RAW",
  101: "RAW",
  108: "LOOP",
  113: "LINUX_SLL",
  228: "IPV4",
  229: "IPV6",
  239: "NFLOG",
  276: "LINUX_SLL2",
};

/**
 * IPv4 addresses and sequence numbers are kept as int32 (`| 0`): they stay small integers for V8, where
 * uint32 values above 2^31 would be boxed as heap numbers on every packet. Compare them with
 * `((a - b) | 0)`, print them with `>>> 0`.
 */
export class Scratch {
  // Fields that will hold non-integers or uint32 values start as doubles (-0, NO_TS): a field that
  // changes from small integer to double representation mid-run deoptimises every function using it.
  ts = -0;
  index = 0;
  origLen = 0;
  ipVersion: 4 | 6 = 4;
  src4 = 0;
  dst4 = 0;
  /**
   * IPv6 source and destination as eight int32 words (source 0–3, destination 4–7, network order): the
   * flow table hashes and compares these. Their text (src6, dst6) is built only on demand, by text6():
   * formatting two addresses per packet made IPv6 captures ~8× slower than IPv4 ones.
   */
  readonly w6 = new Int32Array(8);
  /** the text of w6, valid only after text6() (or when set from text, e.g. by summarizePackets) */
  src6 = "";
  dst6 = "";
  /** src6/dst6 do not (yet) describe w6 */
  stale6 = false;
  ipLength = 0;
  ttl = 0;
  df = false;
  isFragment = false;
  fragOffset = 0;
  fragMore = false;
  fragId = 0;
  protocol = 0;
  /** 6, 17, 1, 58 when that L4 header was decoded, else 0 */
  l4 = 0;
  sport = 0;
  dport = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  payloadLength = 0;
  /** options parsed (only for SYN segments: the hot path skips them otherwise) */
  hasOpts = false;
  mss = -1;
  wscale = -1;
  sackPerm = false;
  tsval = NO_TS;
  tsecr = NO_TS;
  icmpType = 0;
  icmpCode = 0;
  icmpMtu = -1;
  hasQuoted = false;
  qVersion: 4 | 6 = 4;
  qSrc4 = 0;
  qDst4 = 0;
  qSrc6 = "";
  qDst6 = "";
  qProto = 0;
  qSport = -1;
  qDport = -1;
  qSeq = -1;
  /** 0 none, 1 vxlan, 2 geneve */
  tunKind = 0;
  vni = 0;
  outerVersion: 4 | 6 = 4;
  outerSrc4 = 0;
  outerDst4 = 0;
  outerSrc6 = "";
  outerDst6 = "";
  /** the outer IPv6 header's words while the inner packet is decoded (see decapsulate) */
  readonly outerW6 = new Int32Array(8);
  outerDstPort = 0;
  outerLength = 0;
  outerDf = false;
  truncated = false;

  /** fills src6/dst6 from w6 when they are stale */
  text6(): void {
    if (this.stale6) {
      this.src6 = v6WordsToString(this.w6, 0);
      this.dst6 = v6WordsToString(this.w6, 4);
      this.stale6 = false;
    }
  }

  reset(): void {
    this.l4 = 0;
    this.isFragment = false;
    this.fragOffset = 0;
    this.fragMore = false;
    this.df = false;
    this.hasOpts = false;
    this.hasQuoted = false;
    this.tunKind = 0;
    this.truncated = false;
    this.icmpMtu = -1;
    this.flags = 0;
    this.payloadLength = 0;
  }
}

export function v4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function v4FromString(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) return undefined;
    v = v * 256 + n;
  }
  return v | 0;
}

/** RFC 5952 text of the address in words w[at..at+3] */
export function v6WordsToString(w: Int32Array, at: number): string {
  const b = V6_BYTES;
  for (let i = 0; i < 4; i++) {
    const x = w[at + i];
    b[4 * i] = x >>> 24;
    b[4 * i + 1] = (x >>> 16) & 255;
    b[4 * i + 2] = (x >>> 8) & 255;
    b[4 * i + 3] = x & 255;
  }
  return v6ToString(b, 0);
}
const V6_BYTES = new Uint8Array(16);

/**
 * Parses IPv6 text (RFC 4291: "::" once, an embedded dotted IPv4 tail, a "%zone" is dropped) into words
 * w[at..at+3]; false (words untouched) when it is not an IPv6 address.
 */
export function v6WordsFromString(s: string, w: Int32Array, at: number): boolean {
  const text = s.includes("%") ? s.slice(0, s.indexOf("%")) : s;
  const groups: number[] = [];
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes(".")) {
        const v4 = v4FromString(it);
        if (v4 === undefined) return undefined;
        out.push((v4 >>> 16) & 0xffff, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return false;
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return false;
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    if (head.length !== 8) return false;
    groups.push(...head);
  }
  for (let i = 0; i < 4; i++) w[at + i] = ((groups[2 * i] << 16) | groups[2 * i + 1]) | 0;
  return true;
}

/** RFC 5952 text form (no arrays or joins: a capture's summary formats tens of thousands of these) */
export function v6ToString(b: Uint8Array, off: number): string {
  const G = V6_GROUPS;
  for (let i = 0; i < 8; i++) G[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  if (G[0] === 0 && G[1] === 0 && G[2] === 0 && G[3] === 0 && G[4] === 0 && G[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  // the longest run of two or more zero groups (the first of equal ones) becomes "::"
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (G[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && G[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(":")) out += ":";
    out += HEX16[G[i]] ?? G[i].toString(16);
  }
  return out;
}
const V6_GROUPS = new Uint16Array(8);
// hex text of the group values seen most (0–0xffff is 64 k strings: built on first use, per value)
const HEX16: string[] = [];
for (let i = 0; i < 256; i++) HEX16[i] = i.toString(16);

const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;
const ETH_IP4 = 0x0800;
const ETH_IP6 = 0x86dd;

/**
 * Decodes one frame. `b`/`dv` view the whole chunk; `off` and `caplen` delimit the frame.
 * Returns a Skip code; on Skip.None the scratch holds an IP packet (maybe without L4).
 */
export function decodeFrame(
  linkType: number,
  b: Uint8Array,
  dv: DataView,
  off: number,
  caplen: number,
  p: Scratch,
): Skip {
  p.reset();
  const end = off + caplen;
  switch (linkType) {
    case 1:
      return decodeEthernet(b, dv, off, end, p, 0);
    case 113: {
      if (caplen < 16) return Skip.SnaplenTruncated;
      return decodeEtherType(dv.getUint16(off + 14), b, dv, off + 16, end, p, 0);
    }
    case 276: {
      if (caplen < 20) return Skip.SnaplenTruncated;
      return decodeEtherType(dv.getUint16(off), b, dv, off + 20, end, p, 0);
    }
    case 101:
    case 228:
    case 229:
    case 12:
    case 14: {
      if (caplen < 1) return Skip.SnaplenTruncated;
      const v = b[off] >> 4;
      if (v === 4) return decodeIPv4(b, dv, off, end, p, 0);
      if (v === 6) return decodeIPv6(b, dv, off, end, p, 0);
      return Skip.NotIp;
    }
    case 0: {
      if (caplen < 4) return Skip.SnaplenTruncated;
      // host byte order of the capturing machine: small values tell which one
      let af = dv.getUint32(off, true);
      if (af > 0xffff) af = dv.getUint32(off, false);
      return decodeAf(af, b, dv, off + 4, end, p);
    }
    case 108: {
      if (caplen < 4) return Skip.SnaplenTruncated;
      return decodeAf(dv.getUint32(off, false), b, dv, off + 4, end, p);
    }
    case 239:
      return decodeNflog(b, dv, off, end, p);
    default:
      return Skip.UnknownLinkType;
  }
}

function decodeAf(af: number, b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): Skip {
  if (af === 2) return decodeIPv4(b, dv, off, end, p, 0);
  if (af === 24 || af === 28 || af === 30 || af === 10) return decodeIPv6(b, dv, off, end, p, 0);
  return Skip.NotIp;
}

function decodeNflog(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): Skip {
  if (end - off < 4) return Skip.SnaplenTruncated;
  const family = b[off];
  let o = off + 4;
  while (o + 4 <= end) {
    // TLV length and type are in the capturing host's byte order (little-endian on x86, which wrote this)
    const len = dv.getUint16(o, true);
    const type = dv.getUint16(o + 2, true) & 0x7fff;
    if (len < 4) return Skip.BadIpHeader;
    if (type === 9) {
      const pend = Math.min(end, o + len);
      if (family === 2) return decodeIPv4(b, dv, o + 4, pend, p, 0);
      if (family === 10) return decodeIPv6(b, dv, o + 4, pend, p, 0);
      const v = b[o + 4] >> 4;
      if (v === 4) return decodeIPv4(b, dv, o + 4, pend, p, 0);
      if (v === 6) return decodeIPv6(b, dv, o + 4, pend, p, 0);
      return Skip.NotIp;
    }
    o += (len + 3) & ~3;
  }
  return Skip.NotIp;
}

function decodeEthernet(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch, depth: number): Skip {
  if (end - off < 14) return Skip.SnaplenTruncated;
  return decodeEtherType(dv.getUint16(off + 12), b, dv, off + 14, end, p, depth);
}

function decodeEtherType(
  etherType: number,
  b: Uint8Array,
  dv: DataView,
  off: number,
  end: number,
  p: Scratch,
  depth: number,
): Skip {
  let et = etherType;
  let o = off;
  // 802.1Q / 802.1ad stacks (QinQ, QinQinQ): bounded so garbage cannot loop
  for (let tags = 0; (et === ETH_VLAN || et === ETH_QINQ || et === ETH_QINQ_OLD) && tags < 8; tags++) {
    if (end - o < 4) return Skip.SnaplenTruncated;
    et = dv.getUint16(o + 2);
    o += 4;
  }
  if (et === ETH_IP4) return decodeIPv4(b, dv, o, end, p, depth);
  if (et === ETH_IP6) return decodeIPv6(b, dv, o, end, p, depth);
  return Skip.NotIp;
}

function decodeIPv4(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch, depth: number): Skip {
  if (end - off < 20) return Skip.SnaplenTruncated;
  const vihl = b[off];
  if (vihl >> 4 !== 4) return Skip.BadIpHeader;
  const ihl = (vihl & 15) * 4;
  if (ihl < 20) return Skip.BadIpHeader;
  let total = dv.getUint16(off + 2);
  const avail = end - off;
  // TSO/GSO segments captured before segmentation carry total length 0: the frame is the truth
  if (total === 0) total = avail;
  else if (total < ihl) return Skip.BadIpHeader;
  const fragField = dv.getUint16(off + 6);
  const fragOffset = (fragField & 0x1fff) * 8;
  const more = (fragField & 0x2000) !== 0;
  if (depth === 0) {
    p.ipVersion = 4;
    p.src4 = dv.getInt32(off + 12);
    p.dst4 = dv.getInt32(off + 16);
    p.ipLength = total;
    p.ttl = b[off + 8];
    p.df = (fragField & 0x4000) !== 0;
  } else {
    p.ipVersion = 4;
    p.src4 = dv.getInt32(off + 12);
    p.dst4 = dv.getInt32(off + 16);
    p.ipLength = total;
    p.ttl = b[off + 8];
  }
  const proto = b[off + 9];
  p.protocol = proto;
  if (fragOffset !== 0 || more) {
    p.isFragment = true;
    p.fragOffset = fragOffset;
    p.fragMore = more;
    p.fragId = dv.getUint16(off + 4);
    if (fragOffset !== 0) return Skip.None;
  }
  if (avail < ihl) return Skip.SnaplenTruncated;
  const l4end = off + total < end ? off + total : end;
  if (total > avail) p.truncated = true;
  return decodeL4(proto, b, dv, off + ihl, l4end, total - ihl, p, depth);
}

function decodeIPv6(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch, depth: number): Skip {
  if (end - off < 40) return Skip.SnaplenTruncated;
  if (b[off] >> 4 !== 6) return Skip.BadIpHeader;
  let payloadLen = dv.getUint16(off + 4);
  let nh = b[off + 6];
  p.ipVersion = 6;
  p.ttl = b[off + 7];
  const w = p.w6;
  for (let i = 0; i < 8; i++) w[i] = dv.getInt32(off + 8 + 4 * i);
  p.stale6 = true;
  let o = off + 40;
  let extLen = 0;
  for (let hops = 0; hops < 16; hops++) {
    if (nh === 0 || nh === 43 || nh === 60 || nh === 51) {
      if (end - o < 8) return Skip.SnaplenTruncated;
      const hlen = nh === 51 ? (b[o + 1] + 2) * 4 : (b[o + 1] + 1) * 8;
      if (nh === 0 && payloadLen === 0) {
        // hop-by-hop jumbo payload option (RFC 2675; BIG TCP uses it)
        let q = o + 2;
        const hend = Math.min(o + hlen, end);
        while (q + 2 <= hend) {
          const t = b[q];
          if (t === 0) {
            q++;
            continue;
          }
          const l = b[q + 1];
          if (t === 0xc2 && l === 4 && q + 6 <= hend) payloadLen = dv.getUint32(q + 2);
          q += 2 + l;
        }
      }
      nh = b[o];
      o += hlen;
      extLen += hlen;
      continue;
    }
    if (nh === 44) {
      if (end - o < 8) return Skip.SnaplenTruncated;
      const fo = dv.getUint16(o + 2);
      p.isFragment = true;
      p.fragOffset = fo & 0xfff8;
      p.fragMore = (fo & 1) !== 0;
      p.fragId = dv.getUint32(o + 4);
      nh = b[o];
      o += 8;
      extLen += 8;
      // atomic fragments (offset 0, no more) still carry the whole L4 header
      if (p.fragOffset !== 0) {
        p.protocol = nh;
        p.ipLength = payloadLen + 40;
        return Skip.None;
      }
      continue;
    }
    break;
  }
  if (payloadLen === 0) payloadLen = end - off - 40;
  p.ipLength = payloadLen + 40;
  p.protocol = nh;
  if (o > end) return Skip.SnaplenTruncated;
  const total = 40 + payloadLen;
  if (total > end - off) p.truncated = true;
  const l4end = off + total < end ? off + total : end;
  return decodeL4(nh, b, dv, o, l4end, payloadLen - extLen, p, depth);
}

function decodeL4(
  proto: number,
  b: Uint8Array,
  dv: DataView,
  off: number,
  end: number,
  l4len: number,
  p: Scratch,
  depth: number,
): Skip {
  if (proto === 6) {
    if (end - off < 20) return p.truncated ? Skip.SnaplenTruncated : Skip.BadL4Header;
    p.sport = dv.getUint16(off);
    p.dport = dv.getUint16(off + 2);
    p.seq = dv.getInt32(off + 4);
    p.ack = dv.getInt32(off + 8);
    const doff = (b[off + 12] >> 4) * 4;
    if (doff < 20) return Skip.BadL4Header;
    const flags = b[off + 13];
    p.flags = flags;
    p.window = dv.getUint16(off + 14);
    const pl = l4len - doff;
    p.payloadLength = pl > 0 ? pl : 0;
    p.l4 = 6;
    if (flags & F_SYN) parseTcpOptions(b, dv, off + 20, Math.min(off + doff, end), p);
    return Skip.None;
  }
  if (proto === 17) {
    if (end - off < 8) return p.truncated ? Skip.SnaplenTruncated : Skip.BadL4Header;
    const sport = dv.getUint16(off);
    const dport = dv.getUint16(off + 2);
    p.sport = sport;
    p.dport = dport;
    const pl = l4len - 8;
    p.payloadLength = pl > 0 ? pl : 0;
    p.l4 = 17;
    if (depth === 0 && (dport === 4789 || dport === 8472 || dport === 6081)) {
      return decapsulate(dport, b, dv, off + 8, end, p);
    }
    return Skip.None;
  }
  if (proto === 1 || proto === 58) {
    if (end - off < 4) return p.truncated ? Skip.SnaplenTruncated : Skip.BadL4Header;
    p.l4 = proto;
    const type = b[off];
    const code = b[off + 1];
    p.icmpType = type;
    p.icmpCode = code;
    if (end - off >= 8) {
      if (proto === 1) {
        if (type === 3 && code === 4) p.icmpMtu = dv.getUint16(off + 6);
        if (type === 3 || type === 11 || type === 12 || type === 4 || type === 5) quoteV4(b, dv, off + 8, end, p);
      } else {
        if (type === 2) p.icmpMtu = dv.getUint32(off + 4);
        if (type >= 1 && type <= 4) quoteV6(b, dv, off + 8, end, p);
      }
    }
    return Skip.None;
  }
  return Skip.None;
}

function parseTcpOptions(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): void {
  p.hasOpts = true;
  p.mss = -1;
  p.wscale = -1;
  p.sackPerm = false;
  p.tsval = NO_TS;
  p.tsecr = NO_TS;
  let o = off;
  while (o < end) {
    const kind = b[o];
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = b[o + 1];
    if (len < 2 || o + len > end) break;
    if (kind === 2 && len === 4) p.mss = dv.getUint16(o + 2);
    else if (kind === 3 && len === 3) p.wscale = b[o + 2];
    else if (kind === 4 && len === 2) p.sackPerm = true;
    else if (kind === 8 && len === 10) {
      p.tsval = dv.getUint32(o + 2);
      p.tsecr = dv.getUint32(o + 6);
    }
    o += len;
  }
}

function quoteL4(proto: number, dv: DataView, o: number, end: number, p: Scratch): void {
  p.qProto = proto;
  p.qSport = -1;
  p.qDport = -1;
  p.qSeq = -1;
  if ((proto === 6 || proto === 17) && end - o >= 4) {
    p.qSport = dv.getUint16(o);
    p.qDport = dv.getUint16(o + 2);
    if (proto === 6 && end - o >= 8) p.qSeq = dv.getUint32(o + 4);
  }
}

function quoteV4(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): void {
  if (end - off < 20 || b[off] >> 4 !== 4) return;
  const ihl = (b[off] & 15) * 4;
  if (ihl < 20) return;
  p.hasQuoted = true;
  p.qVersion = 4;
  p.qSrc4 = dv.getInt32(off + 12);
  p.qDst4 = dv.getInt32(off + 16);
  quoteL4(b[off + 9], dv, off + ihl, end, p);
}

function quoteV6(b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): void {
  if (end - off < 40 || b[off] >> 4 !== 6) return;
  p.hasQuoted = true;
  p.qVersion = 6;
  p.qSrc6 = v6ToString(b, off + 8);
  p.qDst6 = v6ToString(b, off + 24);
  let nh = b[off + 6];
  let o = off + 40;
  for (let hops = 0; hops < 8 && (nh === 0 || nh === 43 || nh === 60 || nh === 44); hops++) {
    if (end - o < 8) break;
    const next = b[o];
    o += nh === 44 ? 8 : (b[o + 1] + 1) * 8;
    nh = next;
  }
  quoteL4(nh, dv, o, end, p);
}

function decapsulate(dport: number, b: Uint8Array, dv: DataView, off: number, end: number, p: Scratch): Skip {
  if (end - off < 8) return Skip.None;
  let inner: number;
  let etherType = 0x6558;
  let vni: number;
  let kind: number;
  if (dport === 6081) {
    if (b[off] >> 6 !== 0) return Skip.None;
    const optLen = (b[off] & 0x3f) * 4;
    etherType = dv.getUint16(off + 2);
    vni = (dv.getUint32(off + 4) >>> 8) & 0xffffff;
    inner = off + 8 + optLen;
    kind = 2;
  } else {
    // the I flag says the VNI is valid; without it this is not VXLAN (8472 is also other things)
    if ((b[off] & 0x08) === 0) return Skip.None;
    vni = (dv.getUint32(off + 4) >>> 8) & 0xffffff;
    inner = off + 8;
    kind = 1;
  }
  if (inner >= end) return Skip.None;
  // keep the outer view before the inner headers overwrite the scratch
  const outerVersion = p.ipVersion;
  const oS4 = p.src4;
  const oD4 = p.dst4;
  // an IPv6 outer header: its words are kept (the inner header overwrites w6), its text made once here
  if (outerVersion === 6) {
    p.outerW6.set(p.w6);
    p.text6();
  }
  const oS6 = p.src6;
  const oD6 = p.dst6;
  const oLen = p.ipLength;
  const oDf = p.df;
  const oTrunc = p.truncated;
  const oSport = p.sport;
  const oPayload = p.payloadLength;
  let r: Skip;
  if (etherType === 0x6558) r = decodeEthernet(b, dv, inner, end, p, 1);
  else r = decodeEtherType(etherType, b, dv, inner, end, p, 1);
  if (r !== Skip.None) {
    // the inner frame is unusable: report the outer UDP packet instead
    p.ipVersion = outerVersion;
    p.src4 = oS4;
    p.dst4 = oD4;
    p.src6 = oS6;
    p.dst6 = oD6;
    if (outerVersion === 6) {
      p.w6.set(p.outerW6);
      p.stale6 = false;
    }
    p.ipLength = oLen;
    p.protocol = 17;
    p.l4 = 17;
    p.sport = oSport;
    p.dport = dport;
    p.payloadLength = oPayload;
    p.flags = 0;
    p.isFragment = false;
    p.hasQuoted = false;
    p.icmpMtu = -1;
    return Skip.None;
  }
  p.tunKind = kind;
  p.vni = vni;
  p.outerVersion = outerVersion;
  p.outerSrc4 = oS4;
  p.outerDst4 = oD4;
  p.outerSrc6 = oS6;
  p.outerDst6 = oD6;
  p.outerDstPort = dport;
  p.outerLength = oLen;
  p.outerDf = oDf;
  p.truncated = p.truncated || oTrunc;
  return Skip.None;
}
