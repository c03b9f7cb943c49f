/**
 * Raw capture redaction (pcap and pcapng): every IPv4/IPv6 address in IP headers, ARP, ICMP errors' quoted headers,
 * NDP and VXLAN/Geneve/GRE/IP-in-IP inner packets is replaced by the Redactor's pseudonym, every unicast MAC in Ethernet, SLL,
 * SLL2, ARP and NDP options too; transport payloads are overwritten with zeros (their length kept: the capture
 * engine reads headers, sizes and sequence numbers, never content, and payloads hold host names, URLs, cookies).
 * Checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6, and an outer UDP checksum over a tunnelled packet) are updated
 * incrementally (RFC 1624), so a checksum that was right stays right and one that was wrong (offloaded on the
 * sender) stays exactly as wrong. pcapng name-resolution blocks are dropped and interface blocks lose their
 * options (names, addresses, MACs). Limits: fragments after the first keep the first fragment's transport checksum
 * unchanged (it covers the reassembled payload); unknown link types are refused (`CaptureRedactError`).
 */
import type { Redactor } from "./redactor";

export class CaptureRedactError extends Error {}

type Scope = { pos: number; start: number };

/** ones'-complement sum of b[off..end) as 16-bit words, `odd` when off is at an odd distance from the sum's start */
function sum(b: Uint8Array, off: number, end: number, odd: boolean): number {
  let s = 0;
  let i = off;
  if (odd && i < end) s += b[i++]!;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Replaces b[off..off+n.length) with n, updating each checksum in scopes that lies within `caplen` */
function change(b: Uint8Array, off: number, n: Uint8Array, scopes: Scope[], caplen: number): void {
  const end = Math.min(off + n.length, caplen);
  if (end <= off) return;
  for (const s of scopes) {
    if (s.pos + 2 > caplen) continue;
    const hc = (b[s.pos]! << 8) | b[s.pos + 1]!;
    const odd = (off - s.start) % 2 !== 0;
    const before = sum(b, off, end, odd);
    const saved = b.slice(off, end);
    b.set(n.subarray(0, end - off), off);
    const after = sum(b, off, end, odd);
    b.set(saved, off);
    // RFC 1624 eq. 3: HC' = ~(~HC + ~m + m')
    let x = (~hc & 0xffff) + (~before & 0xffff) + after;
    while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
    const nc = ~x & 0xffff;
    b[s.pos] = nc >> 8;
    b[s.pos + 1] = nc & 0xff;
  }
  b.set(n.subarray(0, end - off), off);
}

const ZERO = new Uint8Array(65536);

class Rewriter {
  constructor(private readonly r: Redactor) {}

  private mac(b: Uint8Array, off: number, cap: number, scopes: Scope[] = []) {
    if (off + 6 > cap) return;
    change(b, off, this.r.macBytes(b.slice(off, off + 6)), scopes, cap);
  }

  private v4(b: Uint8Array, off: number, cap: number, scopes: Scope[]) {
    if (off + 4 > cap) return;
    const a = ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
    const m = this.r.v4(a);
    change(b, off, Uint8Array.of(m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff), scopes, cap);
  }

  private v6(b: Uint8Array, off: number, cap: number, scopes: Scope[]) {
    if (off + 16 > cap) return;
    change(b, off, this.r.v6(b.slice(off, off + 16)), scopes, cap);
  }

  private zero(b: Uint8Array, off: number, end: number, cap: number, scopes: Scope[]) {
    for (let o = off; o < Math.min(end, cap); o += ZERO.length) change(b, o, ZERO.subarray(0, Math.min(ZERO.length, Math.min(end, cap) - o)), scopes, cap);
  }

  /** one frame of link type `link` starting at `at` (0, or a tunnelled frame inside another) */
  frame(b: Uint8Array, link: number, cap: number, outer: Scope[] = [], at = 0): void {
    switch (link) {
      case 1: {
        // Ethernet (an outer UDP checksum covers a tunnelled frame's MACs)
        this.mac(b, at, cap, outer);
        this.mac(b, at + 6, cap, outer);
        let off = at + 12;
        let et = off + 2 <= cap ? (b[off]! << 8) | b[off + 1]! : 0;
        while ((et === 0x8100 || et === 0x88a8 || et === 0x9100) && off + 6 <= cap) {
          off += 4;
          et = (b[off]! << 8) | b[off + 1]!;
        }
        return this.l3(b, off + 2, cap, et, outer);
      }
      case 113: {
        // Linux cooked (SLL): address length at 4, address at 6, protocol at 14
        if (cap >= 16 && ((b[4]! << 8) | b[5]!) === 6) this.mac(b, 6, cap);
        return this.l3(b, 16, cap, cap >= 16 ? (b[14]! << 8) | b[15]! : 0, outer);
      }
      case 276: {
        // SLL2: protocol at 0, address length at 11, address at 12
        if (cap >= 20 && b[11] === 6) this.mac(b, 12, cap);
        return this.l3(b, 20, cap, cap >= 2 ? (b[0]! << 8) | b[1]! : 0, outer);
      }
      case 101:
      case 12:
      case 228:
      case 229: {
        const v = cap > 0 ? b[0]! >> 4 : 0;
        return this.l3(b, 0, cap, v === 4 ? 0x0800 : v === 6 ? 0x86dd : 0, outer);
      }
      default:
        throw new CaptureRedactError(`link type ${link} cannot be redacted (Ethernet, Linux cooked SLL/SLL2 and raw IP can)`);
    }
  }

  private l3(b: Uint8Array, off: number, cap: number, et: number, outer: Scope[]): void {
    if (et === 0x0800) return this.ipv4(b, off, cap, outer, false);
    if (et === 0x86dd) return this.ipv6(b, off, cap, outer, false);
    if (et === 0x0806 && off + 28 <= cap && b[off + 4] === 6 && b[off + 5] === 4) {
      this.mac(b, off + 8, cap, outer);
      this.v4(b, off + 14, cap, outer);
      this.mac(b, off + 18, cap, outer);
      this.v4(b, off + 24, cap, outer);
      return;
    }
    // anything else above the link layer (LLDP, STP, …): its content is zeroed
    this.zero(b, off, cap, cap, outer);
  }

  /** `quoted`: the header quoted by an ICMP error (no payload worth keeping, a truncated L4 header) */
  private ipv4(b: Uint8Array, off: number, cap: number, outer: Scope[], quoted: boolean): void {
    if (off + 20 > cap || b[off]! >> 4 !== 4) return this.zero(b, off, cap, cap, outer);
    const ihl = (b[off]! & 15) * 4;
    const total = (b[off + 2]! << 8) | b[off + 3]!;
    const end = Math.min(cap, total >= ihl ? off + total : cap);
    const proto = b[off + 9]!;
    const fragOff = ((b[off + 6]! & 0x1f) << 8) | b[off + 7]!;
    const moreFrags = (b[off + 6]! & 0x20) !== 0;
    const l4 = off + ihl;
    const ipScope: Scope = { pos: off + 10, start: off };
    const l4Scope = fragOff === 0 && !quoted ? this.l4Checksum(b, l4, cap, proto, true) : null;
    const addrScopes = [ipScope, ...outer, ...(l4Scope && proto !== 1 ? [l4Scope] : [])];
    // options may hold addresses (record route, …): zero them
    if (ihl > 20) this.zero(b, off + 20, l4, cap, [ipScope, ...outer]);
    this.v4(b, off + 12, cap, addrScopes);
    this.v4(b, off + 16, cap, addrScopes);
    if (fragOff !== 0) return this.zero(b, l4, end, cap, outer);
    this.l4(b, l4, end, cap, proto, l4Scope, outer, quoted || moreFrags, 4);
  }

  private ipv6(b: Uint8Array, off: number, cap: number, outer: Scope[], quoted: boolean): void {
    if (off + 40 > cap || b[off]! >> 4 !== 6) return this.zero(b, off, cap, cap, outer);
    const plen = (b[off + 4]! << 8) | b[off + 5]!;
    const end = Math.min(cap, plen > 0 ? off + 40 + plen : cap);
    let nh = b[off + 6]!;
    let p = off + 40;
    let frag = false;
    for (let guard = 0; guard < 8 && p + 8 <= cap; guard++) {
      if (nh === 0 || nh === 43 || nh === 60) {
        const next = b[p]!;
        // extension headers may carry addresses (routing headers): zero their bodies
        const len = (b[p + 1]! + 1) * 8;
        this.zero(b, p + 2, p + len, cap, outer);
        nh = next;
        p += len;
      } else if (nh === 44) {
        frag = ((((b[p + 2]! << 8) | b[p + 3]!) & 0xfff8) !== 0);
        nh = b[p]!;
        p += 8;
        if (frag) break;
      } else break;
    }
    const l4Scope = !frag && !quoted ? this.l4Checksum(b, p, cap, nh, false) : null;
    const addrScopes = [...outer, ...(l4Scope ? [l4Scope] : [])];
    this.v6(b, off + 8, cap, addrScopes);
    this.v6(b, off + 24, cap, addrScopes);
    if (frag) return this.zero(b, p, end, cap, outer);
    this.l4(b, p, end, cap, nh, l4Scope, outer, quoted, 6);
  }

  /** the transport checksum as a scope, or null when absent (UDP over IPv4 with 0, cut off by the snap length) */
  private l4Checksum(b: Uint8Array, l4: number, cap: number, proto: number, v4: boolean): Scope | null {
    const pos = proto === 6 ? l4 + 16 : proto === 17 ? l4 + 6 : proto === 1 || proto === 58 ? l4 + 2 : -1;
    if (pos < 0 || pos + 2 > cap) return null;
    if (proto === 17 && v4 && b[pos] === 0 && b[pos + 1] === 0) return null;
    return { pos, start: l4 };
  }

  private l4(b: Uint8Array, l4: number, end: number, cap: number, proto: number, cs: Scope | null, outer: Scope[], quoted: boolean, ver: 4 | 6): void {
    const scopes = [...(cs ? [cs] : []), ...outer];
    if (proto === 6) {
      if (l4 + 13 > cap) return;
      const doff = (b[l4 + 12]! >> 4) * 4;
      if (!quoted) this.zero(b, l4 + doff, end, cap, scopes);
    } else if (proto === 17) {
      if (l4 + 8 > cap) return;
      const dport = (b[l4 + 2]! << 8) | b[l4 + 3]!;
      if (quoted) return;
      if ((dport === 4789 || dport === 8472) && l4 + 16 <= cap && b[l4 + 8]! & 0x08) {
        return this.tunnel(b, l4 + 16, end, cap, scopes, 0x6558);
      }
      if (dport === 6081 && l4 + 16 <= cap) {
        const optLen = (b[l4 + 8]! & 0x3f) * 4;
        return this.tunnel(b, l4 + 16 + optLen, end, cap, scopes, (b[l4 + 10]! << 8) | b[l4 + 11]!);
      }
      this.zero(b, l4 + 8, end, cap, scopes);
    } else if (proto === 1 || proto === 58) {
      if (l4 + 8 > cap) return;
      const type = b[l4]!;
      const icmpScope: Scope[] = cs ? [cs, ...outer] : outer;
      const error = ver === 4 ? type === 3 || type === 11 || type === 12 || type === 4 : type >= 1 && type <= 4;
      if (error && !quoted) {
        if (ver === 4) this.ipv4(b, l4 + 8, cap, icmpScope, true);
        else this.ipv6(b, l4 + 8, cap, icmpScope, true);
        return;
      }
      if (ver === 6 && type >= 133 && type <= 137) return this.ndp(b, l4, end, cap, type, icmpScope);
      // echo and the rest: keep the 8-byte header, zero the data
      if (ver === 4 && type === 5 && l4 + 8 <= cap) this.v4(b, l4 + 4, cap, icmpScope); // redirect's gateway
      this.zero(b, l4 + 8, end, cap, icmpScope);
    } else if (proto === 4 || proto === 41) {
      // IP in IP: the inner packet right after (also in a first fragment or an ICMP quote: as far as it goes)
      return this.tunnel(b, l4, end, cap, outer, proto === 4 ? 0x0800 : 0x86dd);
    } else if (proto === 47) {
      return this.gre(b, l4, end, cap, outer);
    } else {
      this.zero(b, l4, end, cap, outer);
    }
  }

  /**
   * GRE as the capture engine decodes it (core/engine.ts decodeGre): IPv4, IPv6, Ethernet (gretap, NVGRE),
   * ERSPAN II/III (their headers hold no address), PPP in enhanced GRE; anything else is zeroed. A GRE checksum
   * (C bit) covers header and payload, so it is updated with the inner changes.
   */
  private gre(b: Uint8Array, off: number, end: number, cap: number, outer: Scope[]): void {
    if (off + 4 > cap) return;
    const fv = (b[off]! << 8) | b[off + 1]!;
    const pt = (b[off + 2]! << 8) | b[off + 3]!;
    const ver = fv & 7;
    const scopes = fv & 0x8000 ? [{ pos: off + 4, start: off }, ...outer] : outer;
    let inner = off + 4 + (fv & 0x8000 ? 4 : 0) + (fv & 0x2000 ? 4 : 0) + (fv & 0x1000 ? 4 : 0) + (fv & 0x0080 ? 4 : 0);
    if (ver > 1 || fv & 0x4000 || fv & 0x0078) return this.zero(b, off + 4, end, cap, scopes);
    if (ver === 1) {
      if (pt !== 0x880b || inner + 4 > cap) return this.zero(b, inner, end, cap, scopes);
      const pp = (b[inner + 2]! << 8) | b[inner + 3]!;
      return pp === 0x0021 || pp === 0x0057 ? this.tunnel(b, inner + 4, end, cap, scopes, pp === 0x0021 ? 0x0800 : 0x86dd) : this.zero(b, inner, end, cap, scopes);
    }
    if (pt === 0x88be) inner += fv & 0x1000 ? 8 : 0;
    else if (pt === 0x22eb) {
      if (inner + 12 > cap) return this.zero(b, inner, end, cap, scopes);
      inner += b[inner + 11]! & 1 ? 20 : 12;
    }
    this.tunnel(b, inner, end, cap, scopes, pt === 0x88be || pt === 0x22eb ? 0x6558 : pt);
  }

  private tunnel(b: Uint8Array, inner: number, end: number, cap: number, scopes: Scope[], proto: number): void {
    if (proto === 0x6558) this.frame(b, 1, Math.min(end, cap), scopes, inner);
    else if (proto === 0x0800 || proto === 0x86dd) this.l3(b, inner, Math.min(end, cap), proto, scopes);
    else this.zero(b, inner, end, cap, scopes);
  }

  private ndp(b: Uint8Array, l4: number, end: number, cap: number, type: number, scopes: Scope[]): void {
    let opts = l4 + 8;
    if (type === 135 || type === 136) {
      this.v6(b, l4 + 8, cap, scopes);
      opts = l4 + 24;
    } else if (type === 134) opts = l4 + 16;
    else if (type === 137) {
      this.v6(b, l4 + 8, cap, scopes);
      this.v6(b, l4 + 24, cap, scopes);
      opts = l4 + 40;
    }
    for (let guard = 0; guard < 32 && opts + 8 <= Math.min(end, cap); guard++) {
      const t = b[opts]!;
      const len = b[opts + 1]! * 8;
      if (len === 0) break;
      if ((t === 1 || t === 2) && len === 8) this.mac(b, opts + 2, cap, scopes);
      else if (t === 3 && len === 32) this.v6(b, opts + 16, cap, scopes);
      else this.zero(b, opts + 2, opts + len, cap, scopes);
      opts += len;
    }
  }
}

/** A pcap or pcapng capture (not compressed) → a redacted copy. Throws CaptureRedactError on what it cannot read. */
export function redactCapture(input: Uint8Array, r: Redactor): Uint8Array {
  const c = new CaptureRedaction(r, Infinity);
  const parts = [...c.push(input), ...c.end()];
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A capture redacted as it streams by (`netmortem redact` on captures of any size): `push` each chunk, write what it
 * returns, then what `end` returns; the output is byte for byte redactCapture's. Held at a time: one record or block
 * (refused past `maxRecord` bytes: a pcap record or pcapng block that large is not a packet). Throws
 * CaptureRedactError as redactCapture does, as soon as it knows (a record running past the end: at `end`).
 */
export class CaptureRedaction {
  private readonly w: Rewriter;
  private chunks: Uint8Array[] = [];
  private avail = 0;
  /** bytes of the input taken so far (the offset of the next record, for messages) */
  private at = 0;
  private format: "pcap" | "pcapng" | undefined;
  private started = false;
  private le = true;
  private link = 0;
  private links: number[] = [];

  constructor(r: Redactor, private readonly maxRecord = 64 * 1024 * 1024) {
    this.w = new Rewriter(r);
  }

  /** the first n bytes (a copy; n ≤ avail) */
  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      if (o >= n) break;
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
    }
    return out;
  }

  /** the first n bytes, removed (a fresh buffer, rewritten in place) */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.avail -= n;
    this.at += n;
    return out;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.avail += chunk.length;
    }
    const out: Uint8Array[] = [];
    for (;;) {
      const piece = this.next();
      if (piece === null) break;
      if (piece) out.push(piece);
    }
    return out;
  }

  end(): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (!this.format || !this.started) {
      if (this.avail < 4 || !this.format) throw new CaptureRedactError("not a pcap or pcapng capture");
      if (this.format === "pcap") throw new CaptureRedactError("pcap header cut short");
    }
    if (this.format === "pcap" && this.avail >= 16) throw new CaptureRedactError(`pcap record at byte ${this.at} runs past the end of the file`);
    if (this.format === "pcapng" && this.avail >= 12) throw new CaptureRedactError(`pcapng block at byte ${this.at} has a bad length`);
    // a cut-off record header at the end: dropped
    this.chunks = [];
    this.avail = 0;
    return out;
  }

  /** the next redacted piece; undefined when a block was dropped; null when more input is needed */
  private next(): Uint8Array | undefined | null {
    if (!this.format) {
      if (this.avail < 4) return null;
      const m = this.peek(4);
      const magic = ((m[0]! << 24) | (m[1]! << 16) | (m[2]! << 8) | m[3]!) >>> 0;
      if (magic === 0x0a0d0d0a) this.format = "pcapng";
      else if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) this.format = "pcap";
      else throw new CaptureRedactError("not a pcap or pcapng capture");
    }
    if (this.format === "pcap") {
      if (!this.started) {
        if (this.avail < 24) return null;
        const h = this.take(24);
        this.le = h[0] === 0xd4 || h[0] === 0x4d;
        this.link = new DataView(h.buffer).getUint32(20, this.le) & 0x0fffffff;
        this.started = true;
        return h;
      }
      if (this.avail < 16) return null;
      const incl = new DataView(this.peek(16).buffer).getUint32(8, this.le);
      if (incl > this.maxRecord) throw new CaptureRedactError(`pcap record at byte ${this.at} declares ${incl} bytes: over ${this.maxRecord}, not a packet`);
      if (this.avail < 16 + incl) return null;
      const rec = this.take(16 + incl);
      this.w.frame(rec.subarray(16), this.link, incl);
      return rec;
    }
    // pcapng
    this.started = true;
    if (this.avail < 12) return null;
    const hv = new DataView(this.peek(12).buffer);
    let le = this.le;
    const type = hv.getUint32(0, le);
    if (type === 0x0a0d0d0a) le = hv.getUint32(8, true) === 0x1a2b3c4d;
    const len = hv.getUint32(4, le);
    if (len < 12 || len % 4 !== 0 || len > this.maxRecord) throw new CaptureRedactError(`pcapng block at byte ${this.at} has a bad length`);
    if (this.avail < len) return null;
    const off = this.at;
    const block = this.take(len);
    if (type === 0x0a0d0d0a) {
      this.le = le;
      this.links = [];
    }
    return this.block(type, len, block, off);
  }

  private block(type: number, len: number, block: Uint8Array, off: number): Uint8Array | undefined {
    const le = this.le;
    const bv = new DataView(block.buffer);
    if (type === 0x0a0d0d0a) {
      // section header: drop its options (hardware, OS, application, comments)
      const shb = new Uint8Array(28);
      shb.set(block.subarray(0, 24));
      const sv = new DataView(shb.buffer);
      sv.setUint32(4, 28, le);
      sv.setUint32(24, 28, le);
      return shb;
    }
    if (type === 1) {
      // interface description: link type, snaplen; options (if_name, if_IPv4addr, if_MACaddr…) dropped, except
      // if_tsresol (9), which the timestamps need
      this.links.push(bv.getUint16(8, le));
      const keep: Uint8Array[] = [];
      for (let o = 16; o + 4 <= len - 4; ) {
        const code = bv.getUint16(o, le);
        const olen = bv.getUint16(o + 2, le);
        if (code === 0) break;
        const padded = 4 + Math.ceil(olen / 4) * 4;
        if (code === 9) keep.push(block.slice(o, o + padded));
        o += padded;
      }
      const optBytes = keep.reduce((n, k) => n + k.length, 0) + (keep.length ? 4 : 0);
      const idb = new Uint8Array(20 + optBytes);
      idb.set(block.subarray(0, 16));
      let o = 16;
      for (const k of keep) {
        idb.set(k, o);
        o += k.length;
      }
      const iv = new DataView(idb.buffer);
      iv.setUint32(4, idb.length, le);
      iv.setUint32(idb.length - 4, idb.length, le);
      return idb;
    }
    if (type === 6 || type === 3 || type === 2) {
      // enhanced (6), simple (3) and obsolete (2) packet blocks
      const dataAt = type === 6 || type === 2 ? 28 : 12;
      const cap = type === 3 ? len - 16 : bv.getUint32(20, le);
      const ifc = type === 3 ? 0 : type === 2 ? bv.getUint16(8, le) : bv.getUint32(8, le);
      const link = this.links[ifc];
      if (link === undefined) throw new CaptureRedactError(`pcapng packet at byte ${off} names interface ${ifc}, which is not described`);
      if (dataAt + cap > len - 4) throw new CaptureRedactError(`pcapng packet at byte ${off} runs past its block`);
      this.w.frame(block.subarray(dataAt, dataAt + cap), link, cap);
      // packet options (comments, flags, hashes): dropped
      const plen = dataAt + Math.ceil(cap / 4) * 4 + 4;
      const pb = block.slice(0, plen);
      const pv = new DataView(pb.buffer);
      pv.setUint32(4, plen, le);
      pv.setUint32(plen - 4, plen, le);
      return pb;
    }
    if (type === 5) {
      // interface statistics: counts only, kept without options
      const isb = new Uint8Array(24);
      isb.set(block.subarray(0, 20));
      const iv = new DataView(isb.buffer);
      iv.setUint32(4, 24, le);
      iv.setUint32(20, 24, le);
      return isb;
    }
    // name resolution (4), decryption secrets, custom and unknown blocks: dropped
    return undefined;
  }
}
