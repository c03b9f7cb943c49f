/**
 * Public entry points of the capture engine. See README.md in this folder.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { CaptureSummary } from "./model";
import type { Packet, TcpOptions } from "./packet";
import { v4FromString, v4ToString, v6ToString, v6WordsFromString } from "./decode";
import { FlowEngine, MODE_DECODE, type SummaryOptions } from "./flows";
import * as L from "./layout";
import { F_ACK, F_CWR, F_ECE, F_FIN, F_PSH, F_RST, F_SYN, F_URG, NO_TS } from "./layout";
import { type ByteSource, CaptureReader } from "./reader";

export type { SummaryOptions } from "./flows";
export type { ByteSource } from "./reader";
export type CaptureInput = Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

function isReadableStream(x: unknown): x is ReadableStream<Uint8Array> {
  return typeof x === "object" && x !== null && typeof (x as ReadableStream).getReader === "function";
}

async function* fromWebStream(s: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = s.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function* prepend(first: Uint8Array, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // reading stopped early (corrupt record, consumer done): let the source close its file now, not
    // when the garbage collector finds the handle
    if (!finished) await it.return?.();
  }
}

/**
 * Reads a pcap, pcapng or gzip-compressed capture and summarises its flows. Streams: never holds more than
 * the current chunk plus one partial record. Never throws on bad input: `error` says where reading stopped.
 */
export async function summarizeCapture(input: CaptureInput, opts: SummaryOptions = {}): Promise<CaptureSummary> {
  const engine = new FlowEngine(opts);
  const reader = new CaptureReader(engine);
  try {
    if (input instanceof Uint8Array) {
      if (input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b) {
        await pump(Readable.from([input]), reader);
      } else {
        reader.push(input);
      }
    } else {
      const iterable: AsyncIterable<Uint8Array> = isReadableStream(input) ? fromWebStream(input) : input;
      const it = iterable[Symbol.asyncIterator]();
      let first = await it.next();
      while (!first.done && first.value.length === 0) first = await it.next();
      if (!first.done) {
        const head = first.value;
        const all = prepend(head, it);
        if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
          // the stream machinery may hold several chunks while the source reuses its buffers: copy
          await pump(Readable.from(copies(all)), reader);
        } else {
          for await (const chunk of all) {
            reader.push(chunk);
            if (reader.done) break;
          }
        }
      }
    }
  } catch (err) {
    // a broken gzip stream or a failing source ends reading; what was read is still summarised
    readFailed(engine, reader, err);
  }
  return done(engine, reader);
}

function readFailed(engine: FlowEngine, reader: CaptureReader, err: unknown): void {
  let message = err instanceof Error ? err.message : String(err);
  if (err instanceof WebAssembly.RuntimeError) {
    engine.stopped();
    // the core's allocator traps with `unreachable` (or calls abort) when the memory cannot grow: too many
    // flows alive at once. Any other trap (an access out of bounds) is a bug on some input, and must not
    // pass for a memory limit (issue 10: a wrapped record length did)
    if (/unreachable|aborted/.test(err.message)) {
      message = `the capture engine reached its memory limit (${engine.memoryLimitMB} MB) with ${engine.liveFlowCount()} flows alive; summarised what was read (lower the idle timeout, or raise memoryLimitMB)`;
    } else {
      message = `the capture engine failed on this input (${err.message}); summarised what was read`;
    }
  }
  if (!reader.error) reader.error = { message, offset: -1 };
}

/**
 * summarizeCapture for a random-access source (a file: the CLI's summarizeCaptureFile opens one): plain
 * pcap and pcapng are read straight into the engine's memory (no copy of their bytes, the next chunks read
 * while the current one is parsed); gzip-compressed ones go through summarizeCapture. `onRead`: bytes read so
 * far (for progress). Never throws on bad input; a failing read ends reading like a structural error.
 */
export async function summarizeCaptureSource(
  src: ByteSource,
  opts: SummaryOptions = {},
  onRead?: (bytes: number) => void,
  /** for tests: the reader's chunk size and the room for a straddling record (see CaptureReader.pumpSource) */
  sizes?: { chunk: number; room: number },
): Promise<CaptureSummary> {
  const head = new Uint8Array(2);
  let n = 0;
  let failure: unknown;
  try {
    n = await src.read(head, 0, 2, 0);
  } catch (err) {
    failure = err;
  }
  if (failure === undefined && n === 2 && head[0] === 0x1f && head[1] === 0x8b) return summarizeCapture(sourceChunks(src, onRead), opts);
  const engine = new FlowEngine(opts);
  const reader = new CaptureReader(engine);
  try {
    if (failure !== undefined) throw failure;
    await reader.pumpSource(src, onRead, sizes);
  } catch (err) {
    readFailed(engine, reader, err);
  }
  return done(engine, reader);
}

/** a source's bytes in 1 MB chunks (fresh buffers: gunzip may hold several) */
async function* sourceChunks(src: ByteSource, onRead?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for (;;) {
    const buf = new Uint8Array(GUNZIP_CHUNK);
    const n = await src.read(buf, 0, buf.length, pos);
    if (n === 0) return;
    pos += n;
    onRead?.(pos);
    yield buf.subarray(0, n);
  }
}

function done(engine: FlowEngine, reader: CaptureReader): CaptureSummary {
  reader.end();
  const s = engine.finish();
  if (reader.format) s.format = reader.format;
  s.linkTypes = reader.linkTypeNames();
  const snaplen = reader.statedSnaplen();
  if (snaplen !== undefined) s.snaplen = snaplen;
  if (reader.error) s.error = reader.error;
  engine.releaseStorage();
  return s;
}

async function* copies(it: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Uint8Array's slice copies; a Node Buffer's slice() is a view of the same memory, which the source
  // (e.g. a file reader's two buffers used in turn) overwrites while gunzip still holds it: "invalid distance too far back"
  for await (const c of it) yield Uint8Array.prototype.slice.call(c);
}

// gunzip's output chunks. zlib's default is 16 kB: the bench capture gzipped (285 MB) then took 4.5 s, 1.5 s
// more than `gzip -dc` alone; with 1 MB chunks 2.25 s (256 kB: 2.4 s)
const GUNZIP_CHUNK = 1024 * 1024;

/** gunzips `source` into the reader; both streams are destroyed at the end, so the source's own source (a
 * file) is closed at once, also when reading stops early (a corrupt record, a broken gzip stream) */
async function pump(source: Readable, reader: CaptureReader): Promise<void> {
  const gunzip = source.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }));
  try {
    for await (const chunk of gunzip as AsyncIterable<Uint8Array>) {
      reader.push(chunk);
      if (reader.done) break;
    }
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

// core/engine.ts P_TUNKIND codes
const TUNNEL_CODES = { vxlan: 1, geneve: 2, gre: 3, ipip: 4 } as const;
const TUNNEL_NAMES: Array<NonNullable<Packet["tunnel"]>["kind"]> = ["vxlan", "vxlan", "geneve", "gre", "ipip"];

const FLAG_BITS: Array<[keyof NonNullable<Packet["tcp"]>["flags"], number]> = [
  ["fin", F_FIN],
  ["syn", F_SYN],
  ["rst", F_RST],
  ["psh", F_PSH],
  ["ack", F_ACK],
  ["urg", F_URG],
  ["ece", F_ECE],
  ["cwr", F_CWR],
];

// the scratch fields the core's decoder zeroes before each packet (resetScratch in core/engine.ts)
const RESET_FIELDS = [L.P_L4, L.P_ISFRAG, L.P_FRAGOFF, L.P_FRAGMORE, L.P_DF, L.P_HASOPTS, L.P_HASQUOTED, L.P_TUNKIND, L.P_TUNLAYERS, L.P_ERSPAN, L.P_INFRAG, L.P_TRUNC, L.P_FLAGS, L.P_PAYLEN];

/**
 * The same flow analysis for packets that were parsed elsewhere (tcpdump text). Packets should be in time order.
 */
export function summarizePackets(packets: Iterable<Packet>, opts: SummaryOptions = {}): CaptureSummary {
  const engine = new FlowEngine(opts);
  const core = engine.wasm;
  const w = new Int32Array(8);
  /** writes an address into the scratch: IPv4 as int32 at i4, IPv6 as its 16 bytes at i6; false when unparsable */
  const address = (P: DataView, text: string, i4: number, i6: number): boolean => {
    if (!text.includes(":")) {
      const v = v4FromString(text);
      if (v === undefined) return false;
      P.setInt32(i4, v, true);
      return true;
    }
    if (!v6WordsFromString(text, w, 0)) return false;
    for (let i = 0; i < 4; i++) P.setInt32(i6 + 4 * i, w[i], false);
    return true;
  };
  for (const pk of packets) {
    core.countFrame(pk.ts, pk.ipLength, pk.ipLength);
    const P = engine.scratch();
    const set = (o: number, v: number) => P.setInt32(o, v, true);
    // what the decoder resets per packet
    for (const o of RESET_FIELDS) set(o, 0);
    P.setFloat64(L.P_ICMPMTU, -1, true);
    P.setFloat64(L.P_TS, pk.ts, true);
    set(L.P_INDEX, pk.index);
    set(L.P_ORIGLEN, pk.ipLength);
    set(L.P_IPVER, pk.ipVersion);
    const srcOk = pk.ipVersion === 4 ? !pk.src.includes(":") : pk.src.includes(":");
    const dstOk = pk.ipVersion === 4 ? !pk.dst.includes(":") : pk.dst.includes(":");
    if (!srcOk || !dstOk || !address(P, pk.src, L.P_SRC4, L.P_W6) || !address(P, pk.dst, L.P_DST4, L.P_W6 + 16)) {
      engine.skipNamed("bad-ip-header");
      continue;
    }
    set(L.P_IPLEN, pk.ipLength);
    set(L.P_TTL, pk.ttl ?? 0);
    set(L.P_DF, pk.dontFragment ? 1 : 0);
    set(L.P_PROTO, pk.protocol);
    set(L.P_TRUNC, pk.truncated ? 1 : 0);
    if (pk.fragment) {
      set(L.P_ISFRAG, 1);
      set(L.P_FRAGOFF, pk.fragment.offset);
      set(L.P_FRAGMORE, pk.fragment.more ? 1 : 0);
      P.setFloat64(L.P_FRAGID, pk.fragment.id, true);
    }
    if (pk.tcp) {
      const t = pk.tcp;
      set(L.P_L4, 6);
      set(L.P_SPORT, t.srcPort);
      set(L.P_DPORT, t.dstPort);
      set(L.P_SEQ, t.seq | 0);
      set(L.P_ACK, t.ack | 0);
      let flags = 0;
      for (const [k, bit] of FLAG_BITS) if (t.flags[k]) flags |= bit;
      set(L.P_FLAGS, flags);
      set(L.P_WINDOW, t.window);
      set(L.P_PAYLEN, t.payloadLength);
      if (flags & F_SYN) {
        set(L.P_HASOPTS, 1);
        set(L.P_MSS, t.options.mss ?? -1);
        set(L.P_WSCALE, t.options.wscale ?? -1);
        set(L.P_SACKPERM, t.options.sackPermitted ? 1 : 0);
        P.setFloat64(L.P_TSVAL, t.options.tsval ?? NO_TS, true);
        P.setFloat64(L.P_TSECR, t.options.tsecr ?? NO_TS, true);
      }
    } else if (pk.udp) {
      set(L.P_L4, 17);
      set(L.P_SPORT, pk.udp.srcPort);
      set(L.P_DPORT, pk.udp.dstPort);
      set(L.P_PAYLEN, pk.udp.payloadLength);
    } else if (pk.icmp) {
      set(L.P_L4, pk.icmp.version === 4 ? 1 : 58);
      set(L.P_ICMPTYPE, pk.icmp.type);
      set(L.P_ICMPCODE, pk.icmp.code);
      P.setFloat64(L.P_ICMPMTU, pk.icmp.mtu ?? -1, true);
      const q = pk.icmp.quoted;
      if (q) {
        set(L.P_HASQUOTED, 1);
        set(L.P_QVER, q.src.includes(":") ? 6 : 4);
        if (!address(P, q.src, L.P_QSRC4, L.P_QW6)) P.setInt32(L.P_QSRC4, 0, true);
        if (!address(P, q.dst, L.P_QDST4, L.P_QW6 + 16)) P.setInt32(L.P_QDST4, 0, true);
        set(L.P_QPROTO, q.protocol);
        set(L.P_QSPORT, q.srcPort ?? -1);
        set(L.P_QDPORT, q.dstPort ?? -1);
        P.setFloat64(L.P_QSEQ, q.seq ?? -1, true);
      }
    }
    if (pk.tunnel) {
      const t = pk.tunnel;
      set(L.P_TUNKIND, TUNNEL_CODES[t.kind]);
      set(L.P_VNI, t.vni);
      set(L.P_OUTERVER, t.outerSrc.includes(":") ? 6 : 4);
      if (!address(P, t.outerSrc, L.P_OUTERSRC4, L.P_OUTERW6)) set(L.P_OUTERSRC4, 0);
      if (!address(P, t.outerDst, L.P_OUTERDST4, L.P_OUTERW6 + 16)) set(L.P_OUTERDST4, 0);
      set(L.P_OUTERDPORT, t.outerDstPort);
      set(L.P_OUTERLEN, t.outerLength);
      set(L.P_OUTERDF, t.outerDontFragment ? 1 : 0);
    }
    core.ingest();
  }
  const s = engine.finish();
  s.format = "tcpdump-text";
  s.linkTypes = [];
  engine.releaseStorage();
  return s;
}

/**
 * The decoded packets of a capture as Packet objects (the shape the tcpdump-text parser produces). Slow
 * path, for tests, tools and small captures: summarizeCapture never builds these.
 */
export async function capturePackets(input: CaptureInput): Promise<{ packets: Packet[]; error?: { message: string; offset: number } }> {
  const engine = new FlowEngine();
  const packets: Packet[] = [];
  engine.onPacket = (P, M, at) => packets.push(toPacket(P, M, at));
  const reader = new CaptureReader(engine, MODE_DECODE);
  for await (const chunk of chunks(input)) {
    reader.push(chunk);
    if (reader.done) break;
  }
  reader.end();
  engine.releaseStorage();
  return reader.error ? { packets, error: reader.error } : { packets };
}

async function* chunks(input: CaptureInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    if (input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b) yield* Readable.from([input]).pipe(createGunzip());
    else yield input;
    return;
  }
  const iterable: AsyncIterable<Uint8Array> = isReadableStream(input) ? fromWebStream(input) : input;
  const it = iterable[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const all = prepend(first.value, it);
  if (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) yield* Readable.from(copies(all)).pipe(createGunzip());
  else yield* all;
}

/** the decoded packet in the core's scratch (P, little-endian; M the core's memory, the scratch at `at`) as a Packet */
function toPacket(P: DataView, M: Uint8Array, at: number): Packet {
  const i = (o: number) => P.getInt32(o, true);
  const addr = (v: number, i4: number, i6: number) => (v === 4 ? v4ToString(i(i4)) : v6ToString(M, at + i6));
  const version = i(L.P_IPVER) === 4 ? 4 : 6;
  const pk: Packet = {
    ts: P.getFloat64(L.P_TS, true),
    index: i(L.P_INDEX),
    ipVersion: version,
    src: addr(version, L.P_SRC4, L.P_W6),
    dst: addr(version, L.P_DST4, L.P_W6 + 16),
    ipLength: i(L.P_IPLEN),
    ttl: i(L.P_TTL),
    dontFragment: i(L.P_DF) !== 0,
    protocol: i(L.P_PROTO),
  };
  if (i(L.P_ISFRAG)) pk.fragment = { offset: i(L.P_FRAGOFF), more: i(L.P_FRAGMORE) !== 0, id: P.getFloat64(L.P_FRAGID, true) };
  if (i(L.P_TRUNC)) pk.truncated = true;
  const l4 = i(L.P_L4);
  if (l4 === 6) {
    const f = i(L.P_FLAGS);
    const options: TcpOptions = {};
    if (i(L.P_HASOPTS)) {
      if (i(L.P_MSS) >= 0) options.mss = i(L.P_MSS);
      if (i(L.P_WSCALE) >= 0) options.wscale = i(L.P_WSCALE);
      if (i(L.P_SACKPERM)) options.sackPermitted = true;
      const tsval = P.getFloat64(L.P_TSVAL, true);
      if (tsval >= 0) {
        options.tsval = tsval;
        options.tsecr = P.getFloat64(L.P_TSECR, true);
      }
    }
    pk.tcp = {
      srcPort: i(L.P_SPORT),
      dstPort: i(L.P_DPORT),
      seq: i(L.P_SEQ) >>> 0,
      ack: i(L.P_ACK) >>> 0,
      flags: {
        fin: (f & F_FIN) !== 0,
        syn: (f & F_SYN) !== 0,
        rst: (f & F_RST) !== 0,
        psh: (f & F_PSH) !== 0,
        ack: (f & F_ACK) !== 0,
        urg: (f & F_URG) !== 0,
        ece: (f & F_ECE) !== 0,
        cwr: (f & F_CWR) !== 0,
      },
      window: i(L.P_WINDOW),
      options,
      payloadLength: i(L.P_PAYLEN),
    };
  } else if (l4 === 17) {
    pk.udp = { srcPort: i(L.P_SPORT), dstPort: i(L.P_DPORT), payloadLength: i(L.P_PAYLEN) };
  } else if (l4 === 1 || l4 === 58) {
    const icmp: NonNullable<Packet["icmp"]> = { version: l4 === 1 ? 4 : 6, type: i(L.P_ICMPTYPE), code: i(L.P_ICMPCODE) };
    const mtu = P.getFloat64(L.P_ICMPMTU, true);
    if (mtu >= 0) icmp.mtu = mtu;
    if (i(L.P_HASQUOTED)) {
      const qv = i(L.P_QVER);
      icmp.quoted = { src: addr(qv, L.P_QSRC4, L.P_QW6), dst: addr(qv, L.P_QDST4, L.P_QW6 + 16), protocol: i(L.P_QPROTO) };
      if (i(L.P_QSPORT) >= 0) {
        icmp.quoted.srcPort = i(L.P_QSPORT);
        icmp.quoted.dstPort = i(L.P_QDPORT);
      }
      const qseq = P.getFloat64(L.P_QSEQ, true);
      if (qseq >= 0) icmp.quoted.seq = qseq;
    }
    pk.icmp = icmp;
  }
  if (i(L.P_TUNKIND) !== 0) {
    const ov = i(L.P_OUTERVER);
    pk.tunnel = {
      kind: TUNNEL_NAMES[i(L.P_TUNKIND)] ?? "vxlan",
      vni: i(L.P_VNI),
      outerSrc: addr(ov, L.P_OUTERSRC4, L.P_OUTERW6),
      outerDst: addr(ov, L.P_OUTERDST4, L.P_OUTERW6 + 16),
      outerDstPort: i(L.P_OUTERDPORT),
      outerLength: i(L.P_OUTERLEN),
      outerDontFragment: i(L.P_OUTERDF) !== 0,
    };
  }
  return pk;
}
