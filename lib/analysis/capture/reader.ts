/**
 * Streaming pcap / pcapng record reader. Chunks are copied into the WebAssembly core's input area (or read
 * into it directly, see reserve/commit); only the current chunk plus one partial record is ever held. pcap
 * records are framed by the core itself; pcapng blocks here, each packet handed to the core in place.
 * Bad structure stops reading with `error` set; what was read before stays valid.
 */
import { LINKTYPE_NAMES } from "./decode";

/**
 * Bytes that can be read at any position, as a file can (FileHandle.read): copies up to `length` bytes from
 * `position` into `into` at `offset` and resolves to how many it copied (0 at the end). `into` may be a view
 * of a SharedArrayBuffer (the engine's memory). The edge (cli/commands/capture.ts) opens the file.
 */
export type ByteSource = { read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> };
import { type FlowEngine, MODE_FLOWS } from "./flows";

// wiretap refuses bigger records unless the file's snaplen says otherwise
const MAX_RECORD = 262_144;
// pcapng blocks beyond this are treated as corrupt rather than waited for
const MAX_BLOCK = 64 * 1024 * 1024;
// bigger pushes are fed in pieces of this size, so the input area stays small and in the cache
const PIECE = 1024 * 1024;
// pumpSource's chunks (1 MB: a chunk just read is still in the CPU's cache when it is parsed; 8 MB chunks
// were ~10 % slower, 256 kB ones paid more per read) and the room before each for a straddling pcap record
const CHUNK = 1024 * 1024;
const ROOM = MAX_RECORD + 16;
// chunk areas: AREAS - 1 reads in flight. With one, the core waited for reads ~55-70 ms per pass of the
// bench capture (its bulk part parses faster than a 1 MB read plus the round trip through the event loop)
const AREAS = 4;

type Iface = { linkType: number; snaplen: number; unitsPerSec: number };

export class CaptureReader {
  format: "pcap" | "pcapng" | undefined;
  error: { message: string; offset: number } | undefined;
  /** bytes not parsed yet (a partial record), at carryAt in the core's memory */
  private carryLen = 0;
  private carryAt = 0;
  /** where the bytes being parsed start in the core's memory; base: their offset in the file */
  private area = 0;
  private base = 0;
  private stopped = false;
  private headerDone = false;
  private le = true;
  private tsDiv = 1e6;
  private snaplen = 0;
  private linkType = 0;
  private ifaces: Iface[] = [];
  private lastTs = 0;
  private readonly seenLinks = new Set<number>();
  private readonly ngSnaplens = new Set<number>();
  private lastLink = -1;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  /** mode: MODE_FLOWS feeds the engine's flow table, MODE_DECODE only decodes (engine.onPacket) */
  constructor(
    private readonly engine: FlowEngine,
    private readonly mode = MODE_FLOWS,
  ) {}

  get done(): boolean {
    return this.stopped;
  }

  push(input: Uint8Array): void {
    for (let at = 0; at < input.length && !this.stopped; at += PIECE) {
      const piece = input.subarray(at, Math.min(input.length, at + PIECE));
      const to = this.reserve(piece.length);
      this.engine.memory().set(piece, to);
      this.commit(piece.length);
    }
  }

  /**
   * Room for n more bytes in the core's memory, right after the carried partial record (moved to the
   * start of the input area): returns the offset in engine.memory() to write them at; commit(n) parses them.
   */
  reserve(n: number): number {
    const c = this.carryLen;
    const area = this.engine.wasm.inputArea(c + n);
    // the memory is shared and never moves: the carry is still where the last parse left it
    if (c > 0 && this.carryAt !== area) this.engine.memory().copyWithin(area, this.carryAt, this.carryAt + c);
    this.carryAt = area;
    return area + c;
  }

  commit(n: number): void {
    if (this.stopped || n <= 0) return;
    this.parse(this.carryAt, this.carryLen + n);
  }

  /** parses [at, at + len) of the core's memory; what is left (a partial record) becomes the carry, in place */
  private parse(at: number, len: number): void {
    this.area = at;
    const pos = this.run(at, at + len);
    if (this.stopped) return;
    this.base += pos - at;
    this.carryAt = pos;
    this.carryLen = at + len - pos;
  }

  /**
   * Reads a random-access source (a file: see ByteSource) straight into the core's memory and parses it, the
   * next chunks being read (for a file, in libuv's thread pool) while the core parses the current one. No copy
   * of the file's bytes beyond the kernel's own: the AREAS chunk areas are fixed in the (shared, never moving)
   * memory, each with room before it for the record that straddles from the previous chunk (a bigger one
   * takes the general path, with a copy). onRead: bytes read
   * so far. sizes: for tests (small chunks and room exercise the straddling and the general path).
   */
  async pumpSource(src: ByteSource, onRead?: (bytes: number) => void, sizes: { chunk: number; room: number } = { chunk: CHUNK, room: ROOM }): Promise<void> {
    const { chunk: CHUNK, room: ROOM } = sizes;
    const mem = () => this.engine.memory();
    const areas: number[] = [];
    for (let i = 0; i < AREAS; i++) areas.push(this.engine.wasm.fixedArea(ROOM + CHUNK));
    // chunk i is read into areas[i % AREAS] at file offset i * CHUNK; AREAS - 1 reads are in flight
    const pending: Array<Promise<number> | undefined> = new Array<Promise<number> | undefined>(AREAS).fill(undefined);
    const fill = async (i: number): Promise<number> => {
      // a full chunk unless the source ends: a short read is completed here (a regular file rarely gives one)
      const at = areas[i % AREAS] + ROOM;
      let got = 0;
      while (got < CHUNK) {
        const bytesRead = await src.read(mem(), at + got, CHUNK - got, i * CHUNK + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got;
    };
    for (let i = 0; i < AREAS - 1; i++) pending[i] = fill(i);
    try {
      for (let i = 0; !this.stopped; i++) {
        const k = i % AREAS;
        const got = await (pending[k] as Promise<number>);
        pending[k] = undefined;
        if (got === 0) return;
        onRead?.(i * CHUNK + got);
        const at = areas[k] + ROOM;
        const c = this.carryLen;
        if (c > ROOM) {
          // a block bigger than the room (pcapng allows 64 MB): the general path, with a copy
          const to = this.reserve(got);
          mem().copyWithin(to, at, at + got);
          if (got === CHUNK) pending[(i + AREAS - 1) % AREAS] = fill(i + AREAS - 1);
          this.commit(got);
        } else {
          if (c > 0) mem().copyWithin(at - c, this.carryAt, this.carryAt + c);
          // the area before this one is free now: its carry was just moved
          if (got === CHUNK) pending[(i + AREAS - 1) % AREAS] = fill(i + AREAS - 1);
          this.parse(at - c, c + got);
        }
        if (got < CHUNK) return;
      }
    } finally {
      for (const p of pending) if (p) await p.catch(() => 0);
    }
  }

  /** parses what it can of [start, end) of the core's memory; returns the offset of the first unconsumed byte */
  private run(start: number, end: number): number {
    let pos = start;
    if (!this.headerDone) {
      const used = this.header(pos, end);
      if (used < 0 || this.stopped) return pos;
      pos += used;
      this.headerDone = true;
      if (this.format === "pcap") this.seenLinks.add(this.linkType);
    }
    return this.format === "pcap" ? this.pcapRecords(pos, end) : this.ngBlocks(pos, end);
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

  /** a view of the core's memory (made afresh: the core may have grown it) */
  private dv(): DataView {
    const m = this.engine.memory();
    // one per memory size, not one per block (a pcapng file has one block per packet)
    if (this.view.buffer !== m.buffer) this.view = new DataView(m.buffer);
    return this.view;
  }

  /** returns bytes consumed, or -1 when more input is needed */
  private header(at: number, end: number): number {
    const avail = end - at;
    if (avail < 4) return -1;
    const dv = this.dv();
    const m = dv.getUint32(at, false);
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
      this.format = "pcap";
      if (avail < 24) return -1;
      this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
      this.tsDiv = m === 0xa1b23c4d || m === 0x4d3cb2a1 ? 1e9 : 1e6;
      const major = dv.getUint16(at + 4, this.le);
      if (major !== 2) {
        this.fail(`pcap major version ${major} unsupported`, 4);
        return 0;
      }
      this.snaplen = dv.getUint32(at + 16, this.le);
      // the upper bits carry FCS information, not the link type
      this.linkType = dv.getUint32(at + 20, this.le) & 0x03ffffff;
      return 24;
    }
    if (m === 0x0a0d0d0a) {
      this.format = "pcapng";
      return 0;
    }
    this.fail("not a pcap or pcapng file (unknown magic number)", 0);
    return 0;
  }

  private pcapRecords(start: number, end: number): number {
    // a snaplen the header states (up to 2^32 - 1) raises the bound, but never past a block's limit: a record
    // claiming gigabytes is corrupt, not something to wait for
    const maxCap = Math.min(MAX_BLOCK, this.snaplen > MAX_RECORD ? this.snaplen : MAX_RECORD);
    const core = this.engine.wasm;
    const pos = core.pcapRecords(start, end, this.le ? 1 : 0, this.tsDiv, this.linkType, maxCap, this.mode);
    const claim = core.stopClaim();
    if (claim >= 0) {
      this.engine.skipNamed("bad-record-length");
      const index = this.engine.framesSeen() + 1;
      this.fail(`packet record ${index} claims ${claim} bytes, more than the maximum ${maxCap}`, this.base + pos - this.area);
    }
    return pos;
  }

  private frame(link: number, off: number, caplen: number, origLen: number, ts: number): void {
    if (link !== this.lastLink) {
      this.lastLink = link;
      this.seenLinks.add(link);
    }
    this.engine.wasm.frame(link, off, caplen, origLen, ts, this.mode);
  }

  private ngBlocks(start: number, n: number): number {
    let pos = start;
    while (pos + 12 <= n) {
      // afresh per block: a packet handed to the core may have grown its memory
      const dv = this.dv();
      const type = dv.getUint32(pos, this.le);
      if (type === 0x0a0d0d0a) {
        // a new section may switch byte order: the byte-order magic decides
        if (pos + 12 > n) break;
        const bom = dv.getUint32(pos + 8, true);
        if (bom === 0x1a2b3c4d) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.fail("pcapng section header has a bad byte-order magic", this.base - this.area + pos + 8);
          return pos;
        }
      }
      const len = dv.getUint32(pos + 4, this.le);
      const minLen = type === 0x0a0d0d0a ? 28 : 12;
      if (len < minLen || len % 4 !== 0 || len > MAX_BLOCK) {
        this.fail(`pcapng block of type 0x${type.toString(16)} has an invalid length ${len}`, this.base - this.area + pos + 4);
        return pos;
      }
      if (pos + len > n) break;
      const trailer = dv.getUint32(pos + len - 4, this.le);
      if (trailer !== len) {
        this.fail(`pcapng block length ${len} does not match its trailing copy ${trailer}`, this.base - this.area + pos + len - 4);
        return pos;
      }
      const ok = this.ngBlock(type, dv, pos, len);
      if (!ok) return pos;
      pos += len;
    }
    return pos;
  }

  /** returns false when the block is corrupt (reading stops) */
  private ngBlock(type: number, dv: DataView, pos: number, len: number): boolean {
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
        this.frame(iface.linkType, pos + 28, caplen, origLen, ts);
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
        this.frame(iface.linkType, pos + 12, caplen, origLen, this.lastTs);
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
        this.frame(iface.linkType, pos + 28, caplen, origLen, ts);
        return true;
      }
      default:
        return true;
    }
  }

  private ngTs(hi: number, lo: number, iface: Iface): number {
    const u = iface.unitsPerSec;
    // whole seconds plus the fraction, as libpcap hands pcapng timestamps to tools (and as a pcap record's
    // are summed): two packets exactly 300 s apart are then exactly 300 s apart as doubles too (the idle
    // timeout is inclusive; (hi·2^32)/u + lo/u rounded differently from packet to packet)
    const units = hi * 4294967296 + lo;
    const sec = Math.floor(units / u);
    const ts = sec + (units - sec * u) / u;
    this.lastTs = ts;
    return ts;
  }

  private badBlock(message: string, pos: number): boolean {
    this.fail(message, this.base - this.area + pos);
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
        this.fail(`pcapng option ${code} of length ${olen} runs past the end of its block`, this.base - this.area + o);
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
