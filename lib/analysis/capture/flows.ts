/**
 * Flow table and per-capture aggregates. The per-packet work (decoding, the flow table, the TCP state
 * machine, the closing and idle sweeps) runs in WebAssembly (core/engine.ts, see there why); this class
 * owns an instance of it and does what makes strings and objects: finalising flows into aggregates and
 * FlowSummary objects, SYN time lists, TCP timestamp clocks per (source, destination), tunnels, ICMP notes.
 *
 * Memory is bounded by live flows: idle or closed flows are finalised into aggregates as capture time
 * advances, and only the worst `maxFlowsKept` finalised flows are kept as FlowSummary objects.
 * Connection states and history letters follow Zeek's conn.log definitions (base/protocols/conn/main.zeek).
 */
import { CORE_WASM_BASE64 } from "./core-wasm";
import { v4ToString, v6ToString } from "./decode";
import {
  D_FIRSTINDEX, D_FIRSTTS, D_HSRTT, D_LASTTS, D_O, D_OTS, D_R, D_RTS, D_SYN0, D_SYNACK0, MAX_HISTORY, N_A4,
  N_ANOM, N_B4, N_HIST, N_NEXT, N_PA, N_PB, N_PROTO, N_SYNACKN, N_SYNN, N_V6, ND, NI, P_DST4, P_ICMPMTU,
  P_IPVER, P_OUTERDF, P_OUTERDST4, P_OUTERLEN, P_OUTERSRC4, P_OUTERVER, P_OUTERW6, P_QDPORT, P_QDST4, P_QPROTO, P_QSPORT,
  P_QSRC4, P_QVER, P_QW6, P_HASQUOTED, P_SIZE, P_SRC4, P_TS, P_TUNKIND, P_VNI, P_W6,
  S_DUPACKS, S_HASLASTACK, S_HASOPTS, S_LARGEEND, S_LARGERETRANS, S_LARGESIZE, S_MAXSEG, S_OPTMSS, S_OPTSACK, S_OPTWS,
  S_PACKETS, S_RESETS, S_RETRANS, S_SMALLACKED, S_ZEROWIN, SD_BYTES, SD_TSECR, SD_TSVAL, SIDE_O,
  SIDE_R, T_BYTES, T_CUT, T_FIRST, T_FRAG, T_ICMP, T_IPV4, T_IPV6, T_LAST, T_MAXIP, T_PACKETS, T_SIZE, T_SKIP, T_TCP,
  T_TUNNEL, T_UDP, MAX_TIMES, TS_BACKWARD, TS_CLOCKS, TS_CONNECTIONS, TS_DST, TS_EXFROM, TS_EXTO, TS_EXTS, TS_HASEX,
  TS_SRC, TS_V6, TSE, D_MISSO, D_MISSR, P_ERSPAN, P_TUNLAYERS, S_STATE, S_ZACK, S_ZBITS, S_ZLAST, S_ZSTART, S_ZWRAPS,
  T_BUDGET, T_GAPFLOWS, T_MISSED, T_UNTRACKEDPKTS, T_UNTRACKEDSINCE, Z_FIN,
} from "./layout";
import type { CaptureSummary, ConnState, Endpoint, FlowSummary, SkipReason } from "./model";
import type { TcpOptions } from "./packet";

export type SummaryOptions = {
  /** client source ports in this range are reported (kube-proxy NodePort range by default) */
  nodePortRange?: [number, number];
  /** a flow with no packet for this long (capture time) is finalised; default 300 s */
  idleTimeoutSec?: number;
  /** how many finalised flows are kept (worst first); aggregate counts stay exact; default 10 000 */
  maxFlowsKept?: number;
  /**
   * the engine's memory (flow table, buffers) may grow to this; beyond it reading stops with an error and
   * what was read is summarised. Default and maximum 2048 (about 1 M flows alive at once)
   */
  memoryLimitMB?: number;
  /**
   * flows tracked alive at once: beyond it a new flow is not tracked (its packets are counted, the summary
   * says how many flows and packets, from when: untrackedFlows) until finalised flows free room. Bounds memory
   * whatever the input (a SYN flood from spoofed addresses keeps each flow alive for the idle timeout).
   * Default 131 072 (~170 MB of engine memory at most); at least 1
   */
  flowBudget?: number;
};

/** SummaryOptions.flowBudget's default */
export const DEFAULT_FLOW_BUDGET = 131_072;

/** what core/engine.ts exports */
type Core = {
  init(idleTimeoutSec: number): void;
  frame(link: number, off: number, caplen: number, origLen: number, ts: number, mode: number): void;
  countFrame(ts: number, origLen: number, caplen: number): void;
  pcapRecords(start: number, n: number, le: number, div: number, link: number, maxCap: number, mode: number): number;
  stopClaim(): number;
  ingest(): void;
  inputArea(size: number): number;
  fixedArea(size: number): number;
  freeSlot(f: number): void;
  clearTable(): void;
  scratch(): number;
  gen(): number;
  iBase(): number;
  dBase(): number;
  hBase(): number;
  wBase(): number;
  bBase(): number;
  slots(): number;
  bucketCount(): number;
  mssBits(): number;
  protoCounts(): number;
  liveFlows(): number;
  connState(f: number): number;
  countFlow(f: number, state: number): void;
  failedState(state: number): number;
  setKeptFloor(x: number): void;
  setNodePortRange(lo: number, hi: number): void;
  setFlowBudget(n: number, reserve: number): void;
  hll(): number;
  aggregates(): number;
  tsBase(): number;
  tsCount(): number;
  frames(): number;
  stats(): number;
};

/** how the core's frames are used: fed to the flow table, or only decoded (capturePackets) */
export const MODE_FLOWS = 0;
export const MODE_DECODE = 1;

let compiled: WebAssembly.Module | undefined;

/** the compiled core, once per process (a few ms) */
function coreModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(CORE_WASM_BASE64, "base64"));
  return compiled;
}

/** whose calls the core's imports are: the engine that holds the instance now */
type Host = { engine: FlowEngine | undefined };
type PooledCore = { core: Core; mem: WebAssembly.Memory; host: Host; limitMB: number };

// Instances are reused from capture to capture (core init() resets everything). A new instance per capture
// left each one's memory to the garbage collector, which does not count it: analysing a bundle of 1547
// captures peaked at 1.28 GB RSS against 0.53 GB for session 2's JavaScript engine. A few are kept, and
// only small ones (a big capture's memory is given back).
const POOL_MAX = 4;
const POOL_MEMORY_MAX = 64 * 1024 * 1024;
const pool: PooledCore[] = [];

function acquireCore(limitMB: number): PooledCore {
  const i = pool.findIndex((p) => p.limitMB === limitMB);
  if (i >= 0) return pool.splice(i, 1)[0];
  const host: Host = { engine: undefined };
  const on = (): FlowEngine => host.engine as FlowEngine;
  const env = {
    finalize: (f: number): number => on().onFinalize(f),
    synTime: (f: number, synAck: number, ts: number): void => on().onSynTime(f, synAck, ts),
    tunnelNew: (f: number): void => on().onTunnelNew(f),
    tunnelOuter: (f: number): void => on().onTunnelOuter(f),
    icmpMtu: (f: number): void => on().onIcmpMtu(f),
    packet: (): void => on().onDecoded(),
    // the stub runtime aborts on an allocation above 1 GB: out of memory, as a trap is
    abort: (): void => {
      throw new WebAssembly.RuntimeError("capture engine core aborted (allocation too large)");
    },
  };
  // shared: it never moves or detaches when it grows (reads into it may be in flight, see CaptureReader.pumpSource)
  const mem = new WebAssembly.Memory({ initial: 16, maximum: limitMB * 16, shared: true });
  const instance = new WebAssembly.Instance(coreModule(), { env: { ...env, memory: mem } });
  return { core: instance.exports as unknown as Core, mem, host, limitMB };
}

function releaseCore(p: PooledCore): void {
  p.host.engine = undefined;
  if (pool.length < POOL_MAX && p.mem.buffer.byteLength <= POOL_MEMORY_MAX) pool.push(p);
}

/** core/engine.ts connState() codes */
const STATE_NAMES: ConnState[] = ["S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"];
// core/engine.ts aggregates(): state counts by code, then these
const A_TCP = 13;
const A_UDP = 14;
const A_ATTEMPTED = 15;
const A_COMPLETED = 16;
const A_FAILED = 17;
const A_REFUSED = 18;

const LETTERS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const MAX_LIST = 1000;
const V6_CACHE = 4;
const NONE = -1;

// the core's skip codes (layout.ts SKIP_*), by number
const SKIP_NAMES: SkipReason[] = ["garbage", "unknown-link-type", "not-ip", "bad-ip-header", "bad-l4-header", "snaplen-truncated"];

/** core/engine.ts P_TUNKIND codes */
const TUNNEL_KINDS: Array<NonNullable<FlowSummary["tunnel"]>["kind"]> = ["vxlan", "vxlan", "geneve", "gre", "ipip"];

/** names of the IP protocols counted in undecodedProtocols (IANA keywords; 4 and 41 as the tunnels they are) */
const PROTO_NAMES: Record<number, string> = {
  0: "hopopt", 2: "igmp", 4: "ipip", 8: "egp", 9: "igp", 27: "rdp", 33: "dccp", 41: "ipv6", 43: "ipv6-route", 44: "ipv6-frag",
  46: "rsvp", 47: "gre", 50: "esp", 51: "ah", 59: "ipv6-nonxt", 60: "ipv6-opts", 88: "eigrp", 89: "ospf", 94: "ipip-94", 97: "etherip",
  98: "encap", 103: "pim", 108: "ipcomp", 112: "vrrp", 115: "l2tp", 124: "isis", 132: "sctp", 135: "mobility-header",
  136: "udplite", 137: "mpls-in-ip", 139: "hip", 140: "shim6", 143: "ethernet",
};

// Zeek endpoint states (core/engine.ts INACTIVE … RESET)
const ST_INACTIVE = 0;
const ST_SYN_SENT = 1;
const ST_RESET = 6;

/**
 * A flow's per-direction counter pair; all-zero pairs (most kept flows have no retransmission, duplicate ACK,
 * zero window or reset) are one shared, frozen object: on the bench capture (10 000 kept flows) they were 2.7 MB
 * of the summary's heap, more than the 2.4 MB that session 4's payloadBytes added (README "Memory and speed")
 */
const ZERO_PAIR: { orig: number; resp: number } = Object.freeze({ orig: 0, resp: 0 });
function pair(orig: number, resp: number): { orig: number; resp: number } {
  return orig === 0 && resp === 0 ? ZERO_PAIR : { orig, resp };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export class FlowEngine {
  private readonly core: Core;
  private readonly mem: WebAssembly.Memory;
  private readonly held: PooledCore;
  readonly memoryLimitMB: number;
  // the core trapped (out of memory): no more calls that could allocate in it
  private broken = false;
  private released = false;
  // views of the core's memory, made afresh when core.gen() says the memory grew or an area moved
  private gen = -1;
  private I = new Int32Array(0);
  private D = new Float64Array(0);
  private H = new Uint8Array(0);
  /** IPv6 flows' addresses, 32 bytes per slot (A, then B) as on the wire */
  private W6 = new Uint8Array(0);
  private buckets = new Int32Array(0);
  /** all of the core's memory */
  private M = new Uint8Array(0);
  /** the decoded packet (layout.ts P_*), little-endian */
  private P = new DataView(new ArrayBuffer(P_SIZE));
  private tunnels: Array<FlowSummary["tunnel"]> = [];
  private icmpNotes: Array<FlowSummary["icmpMtu"] | undefined> = [];
  private synMore: Array<number[] | undefined> = [];
  private synAckMore: Array<number[] | undefined> = [];
  private readonly maxKept: number;
  private readonly npLo: number;
  private readonly npHi: number;
  // the worst finalised flows so far, by slot: a kept flow's slot stays allocated (out of the hash table)
  // until it drops out of the list, and becomes a FlowSummary only in finish(), so the thousands of
  // flows that enter the list early and are trimmed out later never turn into objects
  private kept: Array<{ score: number; firstTs: number; f: number }> = [];
  private keptThreshold = -0.5;
  private readonly histories = new Map<number, string>();
  private readonly v4Text = new Map<number, string>();
  private readonly v6Bytes = new Uint8Array(16 * V6_CACHE);
  private readonly v6Texts: string[] = new Array<string>(V6_CACHE).fill("");
  private v6Next = 0;
  private readonly skipped = new Map<SkipReason, number>();
  /** decode-only mode: called with the decoded packet's view */
  onPacket: ((p: DataView, m: Uint8Array, scratchAt: number) => void) | undefined;

  readonly s: CaptureSummary = {
    format: "pcap",
    linkTypes: [],
    packets: 0,
    bytes: 0,
    ipv4: 0,
    ipv6: 0,
    tcpPackets: 0,
    udpPackets: 0,
    icmpPackets: 0,
    tunnelPackets: 0,
    flowsByState: {},
    tcpFlows: 0,
    udpFlows: 0,
    handshakes: { attempted: 0, completed: 0, failed: 0, refused: 0 },
    synRetransHistogram: {},
    synAckRetransHistogram: {},
    tsBackwards: [],
    nodePortSourcePorts: [],
    mssSeen: [],
    icmpMtu: [],
    maxIpLength: 0,
    retransmissions: 0,
    mtuBlackholeFlows: 0,
    skipped: {},
    flows: [],
  };

  constructor(opts: SummaryOptions = {}) {
    this.maxKept = Math.max(1, opts.maxFlowsKept ?? 10_000);
    const r = opts.nodePortRange ?? [30000, 32767];
    this.npLo = r[0];
    this.npHi = r[1];
    this.memoryLimitMB = Math.min(2048, Math.max(8, Math.floor(opts.memoryLimitMB ?? 2048)));
    this.held = acquireCore(this.memoryLimitMB);
    this.held.host.engine = this;
    this.core = this.held.core;
    this.mem = this.held.mem;
    this.core.init(opts.idleTimeoutSec ?? 300);
    this.core.setNodePortRange(this.npLo, this.npHi);
    // the kept list holds up to maxKept × 1.25 slots before it is trimmed (summarise); a few more for flows
    // finalised by the TypeScript side while a trim is due
    this.core.setFlowBudget(Math.max(1, Math.min(0x3fffffff, Math.floor(opts.flowBudget ?? DEFAULT_FLOW_BUDGET))), Math.min(0x3fffffff, this.maxKept + (this.maxKept >> 2) + 1024));
    this.sync();
  }

  // the core's calls into TypeScript (see Host)
  onFinalize(f: number): number {
    this.sync();
    if (this.summarise(f)) return 1;
    this.clearSide(f);
    return 0;
  }

  onSynTime(f: number, synAck: number, ts: number): void {
    const lists = synAck ? this.synAckMore : this.synMore;
    (lists[f] ?? (lists[f] = [])).push(ts);
  }

  onTunnelNew(f: number): void {
    this.sync();
    this.tunnelNew(f);
  }

  onTunnelOuter(f: number): void {
    this.sync();
    this.tunnelOuter(f);
  }

  onIcmpMtu(f: number): void {
    this.sync();
    this.icmpMtu(f);
  }

  onDecoded(): void {
    this.sync();
    this.onPacket?.(this.P, this.M, this.core.scratch());
  }

  /** the core's exports (the reader drives the record loop) */
  get wasm(): Core {
    return this.core;
  }

  /** makes the views current; call after anything that may have run the core */
  sync(): void {
    const g = this.core.gen();
    if (g === this.gen) return;
    this.gen = g;
    const c = this.core;
    const buf = this.mem.buffer;
    const n = c.slots();
    this.M = new Uint8Array(buf);
    this.I = new Int32Array(buf, c.iBase(), n * NI);
    this.D = new Float64Array(buf, c.dBase(), n * ND);
    this.H = new Uint8Array(buf, c.hBase(), n * MAX_HISTORY);
    this.W6 = new Uint8Array(buf, c.wBase(), n * 32);
    this.buckets = new Int32Array(buf, c.bBase(), c.bucketCount());
    this.P = new DataView(buf, c.scratch(), P_SIZE);
  }

  /** the core's memory as bytes, current (a view of a SharedArrayBuffer) */
  memory(): Uint8Array {
    this.sync();
    return this.M;
  }

  /** the decoded packet, current (summarizePackets writes it) */
  scratch(): DataView {
    this.sync();
    return this.P;
  }

  /** records and packets read so far */
  framesSeen(): number {
    return this.core.frames();
  }

  skipNamed(name: SkipReason, n = 1): void {
    this.skipped.set(name, (this.skipped.get(name) ?? 0) + n);
  }

  private clearSide(f: number): void {
    if (this.tunnels[f] !== undefined) this.tunnels[f] = undefined;
    // the summary (if one was built) keeps the list
    if (this.icmpNotes[f] !== undefined) this.icmpNotes[f] = undefined;
    if (this.synMore[f] !== undefined) this.synMore[f] = undefined;
    if (this.synAckMore[f] !== undefined) this.synAckMore[f] = undefined;
  }

  /** a kept flow dropped from the list: its slot goes back to the core */
  private freeSlot(f: number): void {
    this.clearSide(f);
    if (this.broken) return;
    this.core.freeSlot(f);
    this.sync();
  }

  /** the core trapped: finish() may still read it, but nothing more is freed or allocated in it */
  stopped(): void {
    this.broken = true;
  }

  liveFlowCount(): number {
    return this.core.liveFlows();
  }

  /** text of an address in the scratch: IPv4 at i4, IPv6 bytes at i6 */
  private addrAt(version: number, i4: number, i6: number): string {
    return version === 4 ? v4ToString(this.P.getInt32(i4, true)) : v6ToString(this.M, this.core.scratch() + i6);
  }

  private tunnelNew(f: number): void {
    const P = this.P;
    const ov = P.getInt32(P_OUTERVER, true);
    const t: NonNullable<FlowSummary["tunnel"]> = {
      kind: TUNNEL_KINDS[P.getInt32(P_TUNKIND, true)] ?? "vxlan",
      vni: P.getInt32(P_VNI, true) >>> 0,
      outerSrc: this.addrAt(ov, P_OUTERSRC4, P_OUTERW6),
      outerDst: this.addrAt(ov, P_OUTERDST4, P_OUTERW6 + 16),
    };
    const layers = P.getInt32(P_TUNLAYERS, true);
    if (layers > 1) t.layers = layers;
    if (P.getInt32(P_ERSPAN, true) !== 0) t.erspan = true;
    this.tunnels[f] = t;
  }

  private tunnelOuter(f: number): void {
    const t = this.tunnels[f];
    if (t === undefined) return;
    const len = this.P.getInt32(P_OUTERLEN, true);
    if (t.maxOuterLength === undefined || len > t.maxOuterLength) t.maxOuterLength = len;
    if (this.P.getInt32(P_OUTERDF, true) !== 0) t.outerDontFragment = true;
  }

  private icmpMtu(f: number): void {
    const P = this.P;
    const v = P.getInt32(P_IPVER, true);
    const ts = P.getFloat64(P_TS, true);
    const mtu = P.getFloat64(P_ICMPMTU, true);
    const from = this.addrAt(v, P_SRC4, P_W6);
    const to = this.addrAt(v, P_DST4, P_W6 + 16);
    const entry: CaptureSummary["icmpMtu"][number] = { ts, from, to, mtu };
    if (P.getInt32(P_HASQUOTED, true) !== 0) {
      const qv = P.getInt32(P_QVER, true);
      entry.quoted = { src: this.addrAt(qv, P_QSRC4, P_QW6), dst: this.addrAt(qv, P_QDST4, P_QW6 + 16) };
      const qs = P.getInt32(P_QSPORT, true);
      if (qs >= 0) {
        entry.quoted.srcPort = qs;
        entry.quoted.dstPort = P.getInt32(P_QDPORT, true);
        const qp = P.getInt32(P_QPROTO, true);
        if ((qp === 6 || qp === 17) && f !== NONE) {
          const notes = this.icmpNotes[f] ?? (this.icmpNotes[f] = []);
          if (notes.length < MAX_TIMES) notes.push({ ts, from, mtu });
        }
      }
    }
    if (this.s.icmpMtu.length < MAX_LIST) this.s.icmpMtu.push(entry);
  }

  private allLive(): number[] {
    const I = this.I;
    const B = this.buckets;
    const all: number[] = [];
    for (let i = 0; i < B.length; i++) for (let f = B[i]; f !== NONE; f = I[f * NI + N_NEXT]) all.push(f);
    return all;
  }

  private history(f: number): string {
    const n = this.I[f * NI + N_HIST];
    const H = this.H;
    const h0 = f * MAX_HISTORY;
    // most flows share a few short histories ("ShADadFf"): up to 7 letters (7 bits each) and the length
    // make an exact numeric key, and the string is made once
    if (n <= 7) {
      let key = n;
      for (let i = 0; i < n; i++) key = key * 128 + H[h0 + i];
      const known = this.histories.get(key);
      if (known !== undefined) return known;
      let h = "";
      for (let i = 0; i < n; i++) h += LETTERS[H[h0 + i]];
      this.histories.set(key, h);
      return h;
    }
    let h = "";
    for (let i = 0; i < n; i++) h += LETTERS[H[h0 + i]];
    return h;
  }

  /** an IPv4 address's text, made once per address */
  private v4(a: number): string {
    let t = this.v4Text.get(a);
    if (t === undefined) {
      t = v4ToString(a);
      this.v4Text.set(a, t);
    }
    return t;
  }

  private connState(f: number): ConnState {
    return STATE_NAMES[this.core.connState(f)];
  }

  /** times [0, n) of a SYN or SYN-ACK list: the first in the record, the others in `more` */
  private times(first: number, more: number[] | undefined, n: number): number[] {
    if (n === 0) return [];
    const t = [first];
    for (let i = 1; i < n; i++) t.push((more as number[])[i - 1]);
    return t;
  }

  /** aggregates a finalised flow; true when it joined the kept list (which now owns its slot) */
  private summarise(f: number): boolean {
    const s = this.s;
    const I = this.I;
    const D = this.D;
    const b = f * NI;
    const d = f * ND;
    const o = b + SIDE_O;
    const r = b + SIDE_R;
    const code = this.core.connState(f);
    const state = STATE_NAMES[code];
    // state, TCP/UDP and handshake counts: the core's, as for the flows it finalises itself
    this.core.countFlow(f, code);
    const tcp = I[b + N_PROTO] === 6;
    const anom = I[b + N_ANOM] !== 0;
    const synN = I[b + N_SYNN];
    const synAckN = I[b + N_SYNACKN];
    // arrays only for the few flows with retransmitted SYNs or SYN-ACKs
    let synOffsets: number[] | undefined;
    let synAckOffsets: number[] | undefined;
    if (tcp) {
      if (synN > 1) {
        const more = this.synMore[f] as number[];
        synOffsets = [];
        for (let i = 1; i < synN; i++) synOffsets.push(round3(more[i - 1] - D[d + D_SYN0]));
        for (let i = 0; i < synOffsets.length; i++) bump(s.synRetransHistogram, synOffsets[i]);
      }
      if (synAckN > 1) {
        const more = this.synAckMore[f] as number[];
        synAckOffsets = [];
        for (let i = 1; i < synAckN; i++) synAckOffsets.push(round3(more[i - 1] - D[d + D_SYNACK0]));
        for (let i = 0; i < synAckOffsets.length; i++) bump(s.synAckRetransHistogram, synAckOffsets[i]);
      }
      if (anom) s.retransmissions += I[o + S_RETRANS] + I[r + S_RETRANS];
    }
    const blackhole = anom ? this.blackhole(f) : undefined;
    if (blackhole) s.mtuBlackholeFlows++;

    const pa = I[b + N_PA];
    if (tcp && pa >= this.npLo && pa <= this.npHi && s.nodePortSourcePorts.length < MAX_LIST) {
      s.nodePortSourcePorts.push({ addr: this.addrA(f), port: pa, dst: { addr: this.addrB(f), port: I[b + N_PB] }, connState: state });
    }

    // worst first: black holes, failed handshakes, resets, SYN retransmissions, ICMP MTU, retransmissions.
    // Most flows of a big capture are healthy and never make the kept list: only the others become
    // FlowSummary objects.
    // -0, a double: the kept entries' score field is then a double from the first entry on (scores reach
    // 1e12; a field that turns from small integer to double mid-capture deoptimises its users)
    let score = -0;
    if (blackhole) score += 1e12;
    if (tcp && this.core.failedState(code)) score += 1e11;
    if (anom) {
      if (I[o + S_RESETS] + I[r + S_RESETS] > 0) score += 1e10;
      score += (Math.max(0, synN - 1) + Math.max(0, synAckN - 1)) * 1e7;
      score += (this.icmpNotes[f]?.length ?? 0) * 1e6;
      score += Math.min(I[o + S_RETRANS] + I[r + S_RETRANS], 9999) * 100;
      score += Math.min(I[o + S_ZEROWIN] + I[r + S_ZEROWIN] + I[o + S_DUPACKS] + I[r + S_DUPACKS], 99);
    }
    if (this.kept.length >= this.maxKept && score <= this.keptThreshold) return false;
    this.kept.push({ score, firstTs: D[d + D_FIRSTTS], f });
    if (this.kept.length >= this.maxKept + (this.maxKept >> 2)) this.trimKept();
    return true;
  }

  /** full-size segments retransmitted and never acknowledged while smaller ones got through */
  private blackhole(f: number): FlowSummary["mtuBlackhole"] {
    const I = this.I;
    const o = f * NI + SIDE_O;
    const r = f * NI + SIDE_R;
    let blackhole: FlowSummary["mtuBlackhole"];
    if (I[o + S_LARGERETRANS] > 0 || I[r + S_LARGERETRANS] > 0) {
      for (const [dir, side, other] of [
        ["orig", o, r],
        ["resp", r, o],
      ] as const) {
        if (I[side + S_LARGERETRANS] > 0 && I[side + S_SMALLACKED] > 0 && (I[other + S_HASLASTACK] === 0 || ((I[side + S_ZACK] - I[side + S_LARGEEND]) | 0) < 0)) {
          if (!blackhole || I[side + S_LARGERETRANS] > blackhole.retransmissions) {
            blackhole = { direction: dir, segmentSize: I[side + S_LARGESIZE], retransmissions: I[side + S_LARGERETRANS], smallSegmentsAcked: I[side + S_SMALLACKED] };
          }
        }
      }
    }
    return blackhole;
  }

  private addrA(f: number): string {
    return this.I[f * NI + N_V6] === 1 ? this.v6(f * 32) : this.v4(this.I[f * NI + N_A4]);
  }

  private addrB(f: number): string {
    return this.I[f * NI + N_V6] === 1 ? this.v6(f * 32 + 16) : this.v4(this.I[f * NI + N_B4]);
  }

  /** the text of the IPv6 address at W6[at..at+16): the last few are remembered (most flows share a pair) */
  private v6(at: number): string {
    const W = this.W6;
    const C = this.v6Bytes;
    for (let k = 0; k < V6_CACHE; k++) {
      const c = k * 16;
      let i = 0;
      while (i < 16 && C[c + i] === W[at + i]) i++;
      if (i === 16 && this.v6Texts[k] !== "") return this.v6Texts[k];
    }
    const text = v6ToString(W, at);
    const k = this.v6Next;
    this.v6Next = (k + 1) % V6_CACHE;
    C.set(W.subarray(at, at + 16), k * 16);
    this.v6Texts[k] = text;
    return text;
  }

  private options(side: number, ds: number): TcpOptions | undefined {
    const I = this.I;
    if (I[side + S_HASOPTS] === 0) return undefined;
    const o: TcpOptions = {};
    if (I[side + S_OPTMSS] >= 0) o.mss = I[side + S_OPTMSS];
    if (I[side + S_OPTWS] >= 0) o.wscale = I[side + S_OPTWS];
    if (I[side + S_OPTSACK] !== 0) o.sackPermitted = true;
    if (this.D[ds + SD_TSVAL] >= 0) {
      o.tsval = this.D[ds + SD_TSVAL];
      o.tsecr = this.D[ds + SD_TSECR];
    }
    return o;
  }

  private build(f: number): FlowSummary {
    const I = this.I;
    const D = this.D;
    const b = f * NI;
    const d = f * ND;
    const o = b + SIDE_O;
    const r = b + SIDE_R;
    const state = this.connState(f);
    // only anomalous flows can be black holes (and the check is the bulk of this function's code)
    const blackhole = I[b + N_ANOM] !== 0 ? this.blackhole(f) : undefined;
    const synTimes = this.times(D[d + D_SYN0], this.synMore[f], I[b + N_SYNN]);
    const synAckTimes = this.times(D[d + D_SYNACK0], this.synAckMore[f], I[b + N_SYNACKN]);
    const synOffsets: number[] = [];
    for (let i = 1; i < synTimes.length; i++) synOffsets.push(round3(synTimes[i] - synTimes[0]));
    const synAckOffsets: number[] = [];
    for (let i = 1; i < synAckTimes.length; i++) synAckOffsets.push(round3(synAckTimes[i] - synAckTimes[0]));
    const tcp = I[b + N_PROTO] === 6;
    const summary: FlowSummary = {
      proto: tcp ? "tcp" : "udp",
      orig: { addr: this.addrA(f), port: I[b + N_PA] } satisfies Endpoint,
      resp: { addr: this.addrB(f), port: I[b + N_PB] },
      firstTs: D[d + D_FIRSTTS],
      lastTs: D[d + D_LASTTS],
      duration: round6(D[d + D_LASTTS] - D[d + D_FIRSTTS]),
      connState: state,
      history: this.history(f),
      origPackets: I[o + S_PACKETS],
      respPackets: I[r + S_PACKETS],
      origBytes: tcp ? this.zeekSize(o, r) : D[d + D_O + SD_BYTES],
      respBytes: tcp ? this.zeekSize(r, o) : D[d + D_R + SD_BYTES],
      payloadBytes: { orig: D[d + D_O + SD_BYTES], resp: D[d + D_R + SD_BYTES] },
      synTimes,
      synAckTimes,
      synRetransOffsets: synOffsets,
      synAckRetransOffsets: synAckOffsets,
      maxSegment: { orig: I[o + S_MAXSEG], resp: I[r + S_MAXSEG] },
      retransmissions: pair(I[o + S_RETRANS], I[r + S_RETRANS]),
      dupAcks: pair(I[o + S_DUPACKS], I[r + S_DUPACKS]),
      zeroWindows: pair(I[o + S_ZEROWIN], I[r + S_ZEROWIN]),
      resets: pair(I[o + S_RESETS], I[r + S_RESETS]),
      icmpMtu: this.icmpNotes[f] ?? [],
      firstIndex: D[d + D_FIRSTINDEX],
    };
    const t = this.tunnels[f];
    if (t) summary.tunnel = t;
    const mo = D[d + D_MISSO];
    const mr = D[d + D_MISSR];
    if (mo > 0 || mr > 0) summary.missedBytes = { orig: mo, resp: mr };
    if (D[d + D_HSRTT] >= 0) summary.handshakeRtt = round6(D[d + D_HSRTT]);
    const oo = this.options(o, d + D_OTS);
    const ro = this.options(r, d + D_RTS);
    if (oo) summary.origOptions = oo;
    if (ro) summary.respOptions = ro;
    if (blackhole) summary.mtuBlackhole = blackhole;
    return summary;
  }

  /**
   * Zeek's orig_bytes / resp_bytes of a TCP endpoint (TCP_Endpoint::Size): the sequence space from its start
   * to the highest sequence number it sent or the peer acknowledged, without the SYN and FIN octets. Gaps
   * count, retransmissions do not. side, peer: record indexes of the two sides.
   */
  private zeekSize(side: number, peer: number): number {
    const I = this.I;
    const start = I[side + S_ZSTART] >>> 0;
    const wraps = I[side + S_ZWRAPS];
    const ack = (wraps >>> 16) * 4294967296 + (I[side + S_ZACK] >>> 0);
    const prev = (I[side + S_ZBITS] >>> 8) & 0xff;
    // a half-open connection discovered and aborted: its sequence numbers say nothing about data
    if (prev === ST_SYN_SENT && I[side + S_STATE] === ST_RESET && I[peer + S_STATE] === ST_INACTIVE && ack !== start && ack !== start + 1) return 0;
    const last = (wraps & 0xffff) * 4294967296 + (I[side + S_ZLAST] >>> 0);
    let size = (last > ack ? last : ack) - start;
    // (Zeek's unsigned arithmetic would wrap a negative size to 2^64 - x: nonsense either way)
    if (size < 0) size = 0;
    if (size !== 0) size--;
    if ((I[side + S_ZBITS] & Z_FIN) !== 0 && size !== 0) size--;
    return size;
  }

  private trimKept(): void {
    this.kept.sort((a, b) => b.score - a.score || a.firstTs - b.firstTs);
    if (this.kept.length >= this.maxKept) {
      for (let i = this.maxKept; i < this.kept.length; i++) this.freeSlot(this.kept[i].f);
      this.kept.length = this.maxKept;
      this.keptThreshold = this.kept[this.kept.length - 1].score;
      // the core now finalises plain flows scoring no more than this itself
      this.core.setKeptFloor(this.keptThreshold);
    }
  }

  finish(): CaptureSummary {
    this.sync();
    const all = this.allLive();
    const D = this.D;
    all.sort((a, b) => D[a * ND + D_FIRSTTS] - D[b * ND + D_FIRSTTS]);
    for (const f of all) {
      this.sync();
      if (!this.summarise(f)) this.freeSlot(f);
    }
    this.core.clearTable();
    this.trimKept();
    const s = this.s;
    const st = this.core.stats();
    this.sync();
    const T = new DataView(this.M.buffer, st, T_SIZE);
    const packets = T.getInt32(T_PACKETS, true);
    s.packets = packets;
    s.bytes = T.getFloat64(T_BYTES, true);
    if (packets > 0) {
      s.firstTs = T.getFloat64(T_FIRST, true);
      s.lastTs = T.getFloat64(T_LAST, true);
    }
    s.ipv4 = T.getInt32(T_IPV4, true);
    s.ipv6 = T.getInt32(T_IPV6, true);
    s.tcpPackets = T.getInt32(T_TCP, true);
    s.udpPackets = T.getInt32(T_UDP, true);
    s.icmpPackets = T.getInt32(T_ICMP, true);
    s.tunnelPackets = T.getInt32(T_TUNNEL, true);
    s.maxIpLength = T.getInt32(T_MAXIP, true);
    const frag = T.getInt32(T_FRAG, true);
    if (frag > 0) s.nonFirstFragments = frag;
    const cut = T.getInt32(T_CUT, true);
    if (cut > 0) s.framesCutShort = cut;
    for (let code = 1; code < 8; code++) {
      const n = T.getInt32(T_SKIP + 4 * code, true);
      if (n > 0) this.skipNamed(SKIP_NAMES[code] ?? "garbage", n);
    }
    for (const [k, v] of this.skipped) s.skipped[k] = v;
    const missed = T.getFloat64(T_MISSED, true);
    if (missed > 0) s.captureGaps = { missedBytes: missed, flows: T.getInt32(T_GAPFLOWS, true) };
    const protos = new Int32Array(this.M.buffer, this.core.protoCounts(), 256);
    let undecoded: Record<string, number> | undefined;
    for (let p = 0; p < 256; p++) {
      if (protos[p] === 0) continue;
      undecoded ??= {};
      undecoded[PROTO_NAMES[p] ?? String(p)] = protos[p];
    }
    if (undecoded) s.undecodedProtocols = undecoded;
    const untrackedPackets = T.getFloat64(T_UNTRACKEDPKTS, true);
    if (untrackedPackets > 0) {
      s.untrackedFlows = {
        flows: this.untrackedEstimate(),
        packets: untrackedPackets,
        since: T.getFloat64(T_UNTRACKEDSINCE, true),
        budget: T.getInt32(T_BUDGET, true),
      };
    }
    s.flows = this.kept.map((k) => this.build(k.f));
    // every finalised flow was counted by the core (countFlow)
    const A = new Int32Array(this.M.buffer, this.core.aggregates(), 20);
    for (let k = 0; k < STATE_NAMES.length; k++) if (A[k] > 0) s.flowsByState[STATE_NAMES[k]] = A[k];
    s.tcpFlows = A[A_TCP];
    s.udpFlows = A[A_UDP];
    s.handshakes = { attempted: A[A_ATTEMPTED], completed: A[A_COMPLETED], failed: A[A_FAILED], refused: A[A_REFUSED] };
    const bits = new Uint32Array(this.M.buffer, this.core.mssBits(), 2048);
    for (let i = 0; i < 2048; i++) for (let x = bits[i], j = 0; x !== 0; x >>>= 1, j++) if (x & 1) s.mssSeen.push(i * 32 + j);
    s.tsBackwards = this.tsBackwards();
    return s;
  }

  /** how many distinct flows the untracked packets belong to: the core's HyperLogLog sketch (2^14 registers, ±1 %) */
  private untrackedEstimate(): number {
    const m = 1 << 14;
    const R = new Uint8Array(this.M.buffer, this.core.hll(), m);
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < m; i++) {
      sum += 2 ** -R[i];
      if (R[i] === 0) zeros++;
    }
    const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    // few flows: linear counting is exact enough and unbiased there
    const e = raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw;
    return Math.max(1, Math.round(e));
  }

  /** the core's TCP timestamp entries with backward steps, most steps first (then in order of appearance) */
  private tsBackwards(): CaptureSummary["tsBackwards"] {
    const base = this.core.tsBase();
    const n = this.core.tsCount();
    this.sync();
    const V = new DataView(this.M.buffer);
    const M = this.M;
    const at: number[] = [];
    for (let e = 0; e < n; e++) {
      const p = base + e * TSE;
      if (V.getInt32(p + TS_BACKWARD, true) > 0 && V.getInt32(p + TS_HASEX, true) !== 0) at.push(p);
    }
    at.sort((a, b) => V.getInt32(b + TS_BACKWARD, true) - V.getInt32(a + TS_BACKWARD, true) || a - b);
    return at.slice(0, MAX_LIST).map((p) => {
      const v6 = V.getInt32(p + TS_V6, true) !== 0;
      return {
        addr: v6 ? v6ToString(M, p + TS_SRC) : v4ToString(V.getInt32(p + TS_SRC, true)),
        peer: v6 ? v6ToString(M, p + TS_DST) : v4ToString(V.getInt32(p + TS_DST, true)),
        connections: V.getInt32(p + TS_CONNECTIONS, true),
        backwardSteps: V.getInt32(p + TS_BACKWARD, true),
        clocks: V.getInt32(p + TS_CLOCKS, true),
        example: { fromTsval: V.getFloat64(p + TS_EXFROM, true), toTsval: V.getFloat64(p + TS_EXTO, true), ts: V.getFloat64(p + TS_EXTS, true) },
      };
    });
  }

  /** after finish(): gives the core back (to be reused by the next capture, or collected) */
  releaseStorage(): void {
    if (this.released) return;
    this.released = true;
    // a core that trapped may be in any state: not reused
    if (!this.broken) releaseCore(this.held);
    this.kept.length = 0;
    this.tunnels.length = 0;
    this.icmpNotes.length = 0;
    this.synMore.length = 0;
    this.synAckMore.length = 0;
    this.I = new Int32Array(0);
    this.D = new Float64Array(0);
    this.H = new Uint8Array(0);
    this.W6 = new Uint8Array(0);
    this.buckets = new Int32Array(0);
    this.M = new Uint8Array(0);
  }
}

function bump(h: Record<string, number>, x: number): void {
  const k = String(Math.round(x * 10) / 10);
  h[k] = (h[k] ?? 0) + 1;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
