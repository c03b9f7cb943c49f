/**
 * Public entry points of the capture engine. See README.md in this folder.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { CaptureSummary } from "./model";
import type { Packet, TcpOptions } from "./packet";
import { F_ACK, F_CWR, F_ECE, F_FIN, F_PSH, F_RST, F_SYN, F_URG, NO_TS, Scratch, v4FromString, v4ToString, v6WordsFromString } from "./decode";
import { FlowEngine, type SummaryOptions } from "./flows";
import { CaptureReader } from "./reader";

export type { SummaryOptions } from "./flows";
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
    if (!reader.error) reader.error = { message: err instanceof Error ? err.message : String(err), offset: -1 };
  }
  reader.end();
  const s = engine.finish();
  if (reader.format) s.format = reader.format;
  s.linkTypes = reader.linkTypeNames();
  const snaplen = reader.statedSnaplen();
  if (snaplen !== undefined) s.snaplen = snaplen;
  if (reader.error) s.error = reader.error;
  engine.releaseStorage();
  reader.releaseStorage();
  _retained = [engine, reader];
  return s;
}

// The engine and reader of the last summary, with their storage released, are kept reachable on purpose.
// A full garbage collection with none of them alive frees the hidden classes their fields built (map
// transitions are weak) and clears the type feedback that refers to them; the next capture then ran
// with ~15 deoptimisations of the hot functions (pcapRecords, ingest, create, tcp, …) and took ~0.1–0.3 s
// longer (measured: 3–5 warm passes over the bench capture with a full GC between them, --trace-deopt).
let _retained: [FlowEngine, CaptureReader] | undefined;

async function* copies(it: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  // Uint8Array's slice copies; a Node Buffer's slice() is a view of the same memory, which the source
  // (openCaptureFile's two buffers) overwrites while gunzip still holds it: "invalid distance too far back"
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

/**
 * The same flow analysis for packets that were parsed elsewhere (tcpdump text). Packets should be in time order.
 */
export function summarizePackets(packets: Iterable<Packet>, opts: SummaryOptions = {}): CaptureSummary {
  const engine = new FlowEngine(opts);
  const p = new Scratch();
  for (const pk of packets) {
    engine.countFrame(pk.ts, pk.ipLength);
    p.reset();
    p.ts = pk.ts;
    p.index = pk.index;
    p.origLen = pk.ipLength;
    p.ipVersion = pk.ipVersion;
    if (pk.ipVersion === 4) {
      const s = v4FromString(pk.src);
      const d = v4FromString(pk.dst);
      if (s === undefined || d === undefined) {
        engine.skipNamed("bad-ip-header");
        continue;
      }
      p.src4 = s;
      p.dst4 = d;
    } else {
      // the flow table works on the addresses' words
      if (!v6WordsFromString(pk.src, p.w6, 0) || !v6WordsFromString(pk.dst, p.w6, 4)) {
        engine.skipNamed("bad-ip-header");
        continue;
      }
      p.src6 = pk.src;
      p.dst6 = pk.dst;
      p.stale6 = false;
    }
    p.ipLength = pk.ipLength;
    p.ttl = pk.ttl ?? 0;
    p.df = pk.dontFragment ?? false;
    p.protocol = pk.protocol;
    p.truncated = pk.truncated ?? false;
    if (pk.fragment) {
      p.isFragment = true;
      p.fragOffset = pk.fragment.offset;
      p.fragMore = pk.fragment.more;
      p.fragId = pk.fragment.id;
    }
    if (pk.tcp) {
      const t = pk.tcp;
      p.l4 = 6;
      p.sport = t.srcPort;
      p.dport = t.dstPort;
      p.seq = t.seq | 0;
      p.ack = t.ack | 0;
      let flags = 0;
      for (const [k, bit] of FLAG_BITS) if (t.flags[k]) flags |= bit;
      p.flags = flags;
      p.window = t.window;
      p.payloadLength = t.payloadLength;
      if (flags & F_SYN) {
        p.hasOpts = true;
        p.mss = t.options.mss ?? -1;
        p.wscale = t.options.wscale ?? -1;
        p.sackPerm = t.options.sackPermitted ?? false;
        p.tsval = t.options.tsval ?? NO_TS;
        p.tsecr = t.options.tsecr ?? NO_TS;
      }
    } else if (pk.udp) {
      p.l4 = 17;
      p.sport = pk.udp.srcPort;
      p.dport = pk.udp.dstPort;
      p.payloadLength = pk.udp.payloadLength;
    } else if (pk.icmp) {
      p.l4 = pk.icmp.version === 4 ? 1 : 58;
      p.icmpType = pk.icmp.type;
      p.icmpCode = pk.icmp.code;
      p.icmpMtu = pk.icmp.mtu ?? -1;
      const q = pk.icmp.quoted;
      if (q) {
        p.hasQuoted = true;
        const qv = q.src.includes(":") ? 6 : 4;
        p.qVersion = qv;
        if (qv === 4) {
          p.qSrc4 = v4FromString(q.src) ?? 0;
          p.qDst4 = v4FromString(q.dst) ?? 0;
        } else {
          p.qSrc6 = q.src;
          p.qDst6 = q.dst;
        }
        p.qProto = q.protocol;
        p.qSport = q.srcPort ?? -1;
        p.qDport = q.dstPort ?? -1;
        p.qSeq = q.seq ?? -1;
      }
    }
    if (pk.tunnel) {
      p.tunKind = pk.tunnel.kind === "vxlan" ? 1 : 2;
      p.vni = pk.tunnel.vni;
      const ov = pk.tunnel.outerSrc.includes(":") ? 6 : 4;
      p.outerVersion = ov;
      if (ov === 4) {
        p.outerSrc4 = v4FromString(pk.tunnel.outerSrc) ?? 0;
        p.outerDst4 = v4FromString(pk.tunnel.outerDst) ?? 0;
      } else {
        p.outerSrc6 = pk.tunnel.outerSrc;
        p.outerDst6 = pk.tunnel.outerDst;
      }
      p.outerDstPort = pk.tunnel.outerDstPort;
      p.outerLength = pk.tunnel.outerLength;
      p.outerDf = pk.tunnel.outerDontFragment;
    }
    engine.ingest(p);
  }
  const s = engine.finish();
  s.format = "tcpdump-text";
  s.linkTypes = [];
  return s;
}

/**
 * The decoded packets of a capture as Packet objects (the shape the tcpdump-text parser produces). Slow
 * path, for tests, tools and small captures: summarizeCapture never builds these.
 */
export async function capturePackets(input: CaptureInput): Promise<{ packets: Packet[]; error?: { message: string; offset: number } }> {
  const sink = new PacketCollector();
  const reader = new CaptureReader(sink);
  for await (const chunk of chunks(input)) {
    reader.push(chunk);
    if (reader.done) break;
  }
  reader.end();
  return reader.error ? { packets: sink.packets, error: reader.error } : { packets: sink.packets };
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

class PacketCollector {
  readonly packets: Packet[] = [];
  countFrame(): void {}
  skip(): void {}
  skipNamed(): void {}
  ingest(p: Scratch): void {
    if (p.ipVersion === 6) p.text6();
    const addr = (v: 4 | 6, a4: number, a6: string) => (v === 4 ? v4ToString(a4) : a6);
    const pk: Packet = {
      ts: p.ts,
      index: p.index,
      ipVersion: p.ipVersion,
      src: addr(p.ipVersion, p.src4, p.src6),
      dst: addr(p.ipVersion, p.dst4, p.dst6),
      ipLength: p.ipLength,
      ttl: p.ttl,
      dontFragment: p.df,
      protocol: p.protocol,
    };
    if (p.isFragment) pk.fragment = { offset: p.fragOffset, more: p.fragMore, id: p.fragId };
    if (p.truncated) pk.truncated = true;
    if (p.l4 === 6) {
      const f = p.flags;
      const options: TcpOptions = {};
      if (p.hasOpts) {
        if (p.mss >= 0) options.mss = p.mss;
        if (p.wscale >= 0) options.wscale = p.wscale;
        if (p.sackPerm) options.sackPermitted = true;
        if (p.tsval >= 0) {
          options.tsval = p.tsval;
          options.tsecr = p.tsecr;
        }
      }
      pk.tcp = {
        srcPort: p.sport,
        dstPort: p.dport,
        seq: p.seq >>> 0,
        ack: p.ack >>> 0,
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
        window: p.window,
        options,
        payloadLength: p.payloadLength,
      };
    } else if (p.l4 === 17) {
      pk.udp = { srcPort: p.sport, dstPort: p.dport, payloadLength: p.payloadLength };
    } else if (p.l4 === 1 || p.l4 === 58) {
      const icmp: NonNullable<Packet["icmp"]> = { version: p.l4 === 1 ? 4 : 6, type: p.icmpType, code: p.icmpCode };
      if (p.icmpMtu >= 0) icmp.mtu = p.icmpMtu;
      if (p.hasQuoted) {
        icmp.quoted = { src: addr(p.qVersion, p.qSrc4, p.qSrc6), dst: addr(p.qVersion, p.qDst4, p.qDst6), protocol: p.qProto };
        if (p.qSport >= 0) {
          icmp.quoted.srcPort = p.qSport;
          icmp.quoted.dstPort = p.qDport;
        }
        if (p.qSeq >= 0) icmp.quoted.seq = p.qSeq;
      }
      pk.icmp = icmp;
    }
    if (p.tunKind !== 0) {
      pk.tunnel = {
        kind: p.tunKind === 1 ? "vxlan" : "geneve",
        vni: p.vni,
        outerSrc: addr(p.outerVersion, p.outerSrc4, p.outerSrc6),
        outerDst: addr(p.outerVersion, p.outerDst4, p.outerDst6),
        outerDstPort: p.outerDstPort,
        outerLength: p.outerLength,
        outerDontFragment: p.outerDf,
      };
    }
    this.packets.push(pk);
  }
}
