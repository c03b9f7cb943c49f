/**
 * Public entry points of the capture engine. See README.md in this folder.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { CaptureSummary } from "./model";
import type { Packet } from "./packet";
import { F_ACK, F_CWR, F_ECE, F_FIN, F_PSH, F_RST, F_SYN, F_URG, Scratch, v4FromString } from "./decode";
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
  yield first;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
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
        await pump(Readable.from([input]).pipe(createGunzip()), reader);
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
          await pump(Readable.from(all).pipe(createGunzip()), reader);
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
  if (reader.error) s.error = reader.error;
  return s;
}

async function pump(stream: NodeJS.ReadableStream, reader: CaptureReader): Promise<void> {
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      reader.push(chunk);
      if (reader.done) break;
    }
  } finally {
    (stream as unknown as { destroy?: () => void }).destroy?.();
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
      p.src6 = pk.src;
      p.dst6 = pk.dst;
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
        p.tsval = t.options.tsval ?? -1;
        p.tsecr = t.options.tsecr ?? -1;
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
