/**
 * Streaming pcap / pcapng record reader. Chunks are pushed in; only the current chunk plus one partial
 * record is ever held. Every record is decoded in place (offsets into the chunk, no per-packet copies).
 * Bad structure stops reading with `error` set; what was read before stays valid.
 */
import { decodeFrame, LINKTYPE_NAMES, Scratch, Skip } from "./decode";
import type { SkipReason } from "./model";

/** what the reader feeds: the flow engine, or a collector of Packet objects */
export interface PacketSink {
  /** every record: its time, original length and captured length */
  countFrame(ts: number, origLen: number, caplen: number): void;
  skip(code: number): void;
  skipNamed(name: SkipReason, n?: number): void;
  ingest(p: Scratch): void;
}

// wiretap refuses bigger records unless the file's snaplen says otherwise
const MAX_RECORD = 262_144;
// pcapng blocks beyond this are treated as corrupt rather than waited for
const MAX_BLOCK = 64 * 1024 * 1024;
const BRIDGE = 512 * 1024;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

type Iface = { linkType: number; snaplen: number; unitsPerSec: number };

export class CaptureReader {
  format: "pcap" | "pcapng" | undefined;
  error: { message: string; offset: number } | undefined;
  private carryBuf = new Uint8Array(0);
  private carryLen = 0;
  private bridgeBuf = new Uint8Array(0);
  /** file offset of the first byte of the buffer being parsed */
  private base = 0;
  private stopped = false;
  private headerDone = false;
  private le = true;
  private tsDiv = 1e6;
  private snaplen = 0;
  private linkType = 0;
  private ifaces: Iface[] = [];
  private lastTs = 0;
  private index = 0;
  private readonly p = new Scratch();
  private readonly seenLinks = new Set<number>();
  private readonly ngSnaplens = new Set<number>();
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);
  private lastLink = -1;

  constructor(private readonly engine: PacketSink) {}

  get done(): boolean {
    return this.stopped;
  }

  push(input: Uint8Array): void {
    if (this.stopped || input.length === 0) return;
    // Node's Buffer is a Uint8Array with another hidden class; the bridge buffer is a plain Uint8Array.
    // Mixing the two made every byte read in the decoders polymorphic ("wrong map" deopts of
    // pcapRecords, decodeIPv4, decodeL4, parseTcpOptions in the first pass): parse plain views only.
    const chunk = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let buf = chunk;
    let start = 0;
    const c = this.carryLen;
    if (c > 0) {
      // Bridge the partial record with just enough of the new chunk, so the chunk itself is parsed in
      // place instead of being copied behind the carry. Both buffers are reused: fresh multi-MB
      // allocations per chunk would make V8 collect garbage for "external memory pressure".
      // Exactly the rest of the carried record when its header tells its length: copying more (up to
      // BRIDGE) meant copying and parsing half of every 1 MB chunk from the bridge buffer.
      const len = this.carriedRecordLength(chunk);
      const take = len > c && len - c <= chunk.length ? len - c : Math.min(chunk.length, BRIDGE);
      const bridge = this.bridgeFor(c + take);
      bridge.set(this.carryBuf.subarray(0, c), 0);
      bridge.set(chunk.subarray(0, take), c);
      this.carryLen = 0;
      const pos = this.run(bridge, 0);
      if (this.stopped) return;
      if (pos >= c) {
        this.base += c;
        start = pos - c;
      } else if (take === chunk.length) {
        this.base += pos;
        this.keep(bridge.subarray(pos));
        return;
      } else {
        // a record longer than the bridge: rare, copy it whole
        buf = concat(bridge.subarray(pos), chunk.subarray(take));
        this.base += pos;
      }
    }
    const pos = this.run(buf, start);
    if (this.stopped) return;
    if (pos < buf.length) this.keep(buf.subarray(pos));
    this.base += pos;
  }

  /**
   * Length of the record (pcap) or block (pcapng) the carry starts with, its header completed from the
   * chunk when the carry is shorter; -1 when unknown (file header, pcapng section header: byte order).
   */
  private carriedRecordLength(chunk: Uint8Array): number {
    if (!this.headerDone) return -1;
    const c = this.carryLen;
    const need = this.format === "pcap" ? 16 : 8;
    if (c + chunk.length < need) return -1;
    const h = this.hdr;
    for (let i = 0; i < need; i++) h[i] = i < c ? this.carryBuf[i] : chunk[i - c];
    if (this.format === "pcap") return 16 + this.hdrView.getUint32(8, this.le);
    if (this.hdrView.getUint32(0, this.le) === 0x0a0d0d0a) return -1;
    return this.hdrView.getUint32(4, this.le);
  }

  private bridgeFor(n: number): Uint8Array {
    if (this.bridgeBuf.length < n) this.bridgeBuf = new Uint8Array(Math.max(n, 2 * this.bridgeBuf.length));
    return this.bridgeBuf.subarray(0, n);
  }

  private keep(rest: Uint8Array): void {
    if (this.carryBuf.length < rest.length) this.carryBuf = new Uint8Array(Math.max(rest.length, 2 * this.carryBuf.length));
    this.carryBuf.set(rest, 0);
    this.carryLen = rest.length;
  }

  /** parses what it can of buf from start; returns the offset of the first unconsumed byte */
  private run(buf: Uint8Array, start: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = start;
    if (!this.headerDone) {
      const used = this.header(buf.subarray(pos), new DataView(buf.buffer, buf.byteOffset + pos, buf.byteLength - pos));
      if (used < 0 || this.stopped) return pos;
      pos += used;
      this.headerDone = true;
    }
    return this.format === "pcap" ? this.pcapRecords(buf, dv, pos) : this.ngBlocks(buf, dv, pos);
  }

  end(): void {
    if (this.stopped) return;
    const left = this.carryLen;
    if (!this.headerDone) {
      this.fail(left === 0 ? "empty input" : `truncated file header (${left} bytes)`, 0);
    } else if (left > 0) {
      this.engine.skipNamed("truncated-record");
      this.fail(`capture ends inside a ${this.format === "pcap" ? "packet record" : "block"} (${left} bytes left over)`, this.base);
    }
    this.carryLen = 0;
    this.stopped = true;
  }

  /** after end(): drops the buffers (see FlowEngine.releaseStorage) */
  releaseStorage(): void {
    this.carryBuf = new Uint8Array(0);
    this.bridgeBuf = new Uint8Array(0);
  }

  /** the snapshot length the file states, if any (see CaptureSummary.snaplen) */
  statedSnaplen(): number | undefined {
    if (this.format === "pcap") return this.snaplen > 0 ? this.snaplen : undefined;
    let max = 0;
    for (const i of this.ngSnaplens) if (i > max) max = i;
    return max > 0 ? max : undefined;
  }

  linkTypeNames(): string[] {
    return [...this.seenLinks].map((l) => LINKTYPE_NAMES[l] ?? `LINKTYPE_${l}`);
  }

  private fail(message: string, offset: number): void {
    if (!this.error) this.error = { message, offset };
    this.stopped = true;
    this.carryLen = 0;
  }

  /** returns bytes consumed, or -1 when more input is needed */
  private header(b: Uint8Array, dv: DataView): number {
    if (b.length < 4) return -1;
    const m = dv.getUint32(0, false);
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
      this.format = "pcap";
      if (b.length < 24) return -1;
      this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
      this.tsDiv = m === 0xa1b23c4d || m === 0x4d3cb2a1 ? 1e9 : 1e6;
      const major = dv.getUint16(4, this.le);
      if (major !== 2) {
        this.fail(`pcap major version ${major} unsupported`, 4);
        return 0;
      }
      this.snaplen = dv.getUint32(16, this.le);
      // the upper bits carry FCS information, not the link type
      this.linkType = dv.getUint32(20, this.le) & 0x03ffffff;
      return 24;
    }
    if (m === 0x0a0d0d0a) {
      this.format = "pcapng";
      return 0;
    }
    this.fail("not a pcap or pcapng file (unknown magic number)", 0);
    return 0;
  }

  private pcapRecords(b: Uint8Array, dv: DataView, start: number): number {
    const le = this.le;
    const n = b.length;
    const maxCap = this.snaplen > MAX_RECORD ? this.snaplen : MAX_RECORD;
    const div = this.tsDiv;
    const link = this.linkType;
    const engine = this.engine;
    const p = this.p;
    let pos = start;
    while (pos + 16 <= n) {
      const caplen = dv.getUint32(pos + 8, le);
      if (caplen > maxCap) {
        engine.skipNamed("bad-record-length");
        this.fail(`packet record ${this.index + 1} claims ${caplen} bytes, more than the maximum ${maxCap}`, this.base + pos);
        return pos;
      }
      if (pos + 16 + caplen > n) break;
      const origLen = dv.getUint32(pos + 12, le);
      const ts = dv.getUint32(pos, le) + dv.getUint32(pos + 4, le) / div;
      this.frame(link, b, dv, pos + 16, caplen, origLen, ts, engine, p);
      pos += 16 + caplen;
    }
    return pos;
  }

  private frame(link: number, b: Uint8Array, dv: DataView, off: number, caplen: number, origLen: number, ts: number, engine: PacketSink, p: Scratch): void {
    this.index++;
    engine.countFrame(ts, origLen, caplen);
    if (link !== this.lastLink) {
      this.lastLink = link;
      this.seenLinks.add(link);
    }
    const r = decodeFrame(link, b, dv, off, caplen, p);
    if (r !== Skip.None) {
      engine.skip(r);
      return;
    }
    p.ts = ts;
    p.index = this.index;
    p.origLen = origLen;
    engine.ingest(p);
  }

  private ngBlocks(b: Uint8Array, dv: DataView, start: number): number {
    const n = b.length;
    let pos = start;
    while (pos + 12 <= n) {
      const type = dv.getUint32(pos, this.le);
      if (type === 0x0a0d0d0a) {
        // a new section may switch byte order: the byte-order magic decides
        if (pos + 12 > n) break;
        const bom = dv.getUint32(pos + 8, true);
        if (bom === 0x1a2b3c4d) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.fail("pcapng section header has a bad byte-order magic", this.base + pos + 8);
          return pos;
        }
      }
      const len = dv.getUint32(pos + 4, this.le);
      const minLen = type === 0x0a0d0d0a ? 28 : 12;
      if (len < minLen || len % 4 !== 0 || len > MAX_BLOCK) {
        this.fail(`pcapng block of type 0x${type.toString(16)} has an invalid length ${len}`, this.base + pos + 4);
        return pos;
      }
      if (pos + len > n) break;
      const trailer = dv.getUint32(pos + len - 4, this.le);
      if (trailer !== len) {
        this.fail(`pcapng block length ${len} does not match its trailing copy ${trailer}`, this.base + pos + len - 4);
        return pos;
      }
      const ok = this.ngBlock(type, b, dv, pos, len);
      if (!ok) return pos;
      pos += len;
    }
    return pos;
  }

  /** returns false when the block is corrupt (reading stops) */
  private ngBlock(type: number, b: Uint8Array, dv: DataView, pos: number, len: number): boolean {
    const le = this.le;
    const bodyEnd = pos + len - 4;
    switch (type) {
      case 0x0a0d0d0a: {
        this.ifaces = [];
        return this.ngOptions(dv, pos + 24, bodyEnd, undefined);
      }
      case 1: {
        if (len < 20) return this.badBlock("interface description block too short", pos);
        const iface: Iface = { linkType: dv.getUint16(pos + 8, le), snaplen: dv.getUint32(pos + 12, le), unitsPerSec: 1e6 };
        if (!this.ngOptions(dv, pos + 16, bodyEnd, iface)) return false;
        this.ifaces.push(iface);
        this.ngSnaplens.add(iface.snaplen);
        return true;
      }
      case 6: {
        if (len < 32) return this.badBlock("enhanced packet block too short", pos);
        const ifId = dv.getUint32(pos + 8, le);
        const caplen = dv.getUint32(pos + 20, le);
        const origLen = dv.getUint32(pos + 24, le);
        if (pos + 28 + caplen > bodyEnd) return this.badBlock(`enhanced packet block captured length ${caplen} exceeds its block`, pos);
        const iface = this.ifaces[ifId];
        if (iface === undefined) return this.badBlock(`packet on undeclared interface ${ifId}`, pos);
        const ts = this.ngTs(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le), iface);
        this.frame(iface.linkType, b, dv, pos + 28, caplen, origLen, ts, this.engine, this.p);
        return true;
      }
      case 3: {
        if (len < 16) return this.badBlock("simple packet block too short", pos);
        const iface = this.ifaces[0];
        if (iface === undefined) return this.badBlock("simple packet block without an interface", pos);
        const origLen = dv.getUint32(pos + 8, le);
        let caplen = bodyEnd - (pos + 12);
        if (origLen < caplen) caplen = origLen;
        if (iface.snaplen > 0 && iface.snaplen < caplen) caplen = iface.snaplen;
        // simple packets carry no timestamp: the previous one is the best estimate
        this.frame(iface.linkType, b, dv, pos + 12, caplen, origLen, this.lastTs, this.engine, this.p);
        return true;
      }
      case 2: {
        if (len < 32) return this.badBlock("packet block too short", pos);
        const ifId = dv.getUint16(pos + 8, le);
        const caplen = dv.getUint32(pos + 20, le);
        const origLen = dv.getUint32(pos + 24, le);
        if (pos + 28 + caplen > bodyEnd) return this.badBlock(`packet block captured length ${caplen} exceeds its block`, pos);
        const iface = this.ifaces[ifId];
        if (iface === undefined) return this.badBlock(`packet on undeclared interface ${ifId}`, pos);
        const ts = this.ngTs(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le), iface);
        this.frame(iface.linkType, b, dv, pos + 28, caplen, origLen, ts, this.engine, this.p);
        return true;
      }
      default:
        return true;
    }
  }

  private ngTs(hi: number, lo: number, iface: Iface): number {
    const u = iface.unitsPerSec;
    const ts = (hi * 4294967296) / u + lo / u;
    this.lastTs = ts;
    return ts;
  }

  private badBlock(message: string, pos: number): boolean {
    this.fail(message, this.base + pos);
    return false;
  }

  private ngOptions(dv: DataView, start: number, end: number, iface: Iface | undefined): boolean {
    const le = this.le;
    let o = start;
    while (o + 4 <= end) {
      const code = dv.getUint16(o, le);
      const olen = dv.getUint16(o + 2, le);
      if (code === 0) return true;
      const padded = (olen + 3) & ~3;
      if (o + 4 + padded > end) {
        this.fail(`pcapng option ${code} of length ${olen} runs past the end of its block`, this.base + o);
        return false;
      }
      if (iface && code === 9 && olen >= 1) {
        const v = dv.getUint8(o + 4);
        const exp = v & 0x7f;
        iface.unitsPerSec = v & 0x80 ? 2 ** exp : 10 ** exp;
      }
      o += 4 + padded;
    }
    return true;
  }
}
