/**
 * Flow table and per-capture aggregates, fed one decoded packet (Scratch) at a time.
 *
 * Memory is bounded by live flows: idle or closed flows are finalised into aggregates as capture time
 * advances, and only the worst `maxFlowsKept` finalised flows are kept as FlowSummary objects.
 * Connection states and history letters follow Zeek's conn.log definitions (base/protocols/conn/main.zeek).
 */
import type { CaptureSummary, ConnState, Endpoint, FlowSummary, SkipReason } from "./model";
import type { TcpOptions } from "./packet";
import { F_ACK, F_FIN, F_RST, F_SYN, NO_TS, type Scratch, v4ToString } from "./decode";

export type SummaryOptions = {
  /** client source ports in this range are reported (kube-proxy NodePort range by default) */
  nodePortRange?: [number, number];
  /** a flow with no packet for this long (capture time) is finalised; default 300 s */
  idleTimeoutSec?: number;
  /** how many finalised flows are kept (worst first); aggregate counts stay exact; default 10 000 */
  maxFlowsKept?: number;
};

// Zeek endpoint states
const INACTIVE = 0;
const SYN_SENT = 1;
const SYN_ACK_SENT = 2;
const PARTIAL = 3;
const ESTABLISHED = 4;
const CLOSED = 5;
const RESET = 6;

// letters recorded at most once per direction
const ONCE_A = 1;
const ONCE_D = 2;
const ONCE_Q = 4;
const ONCE_I = 8;

const CLOSE_GRACE_SEC = 1;
const SWEEP_EVERY_SEC = 0.5;
const MAX_TIMES = 32;
const MAX_HISTORY = 48;
const LETTERS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const TS_WINDOW_SEC = 60;
const MAX_LIST = 1000;
const POOL_MAX = 65_536;
const INITIAL_BUCKETS = 1 << 14;

/** one direction of a flow; pooled and reused, hence the explicit reset */
class Side {
  // declared, then assigned in the constructor: plain stores build the object much faster than
  // [[Define]]-semantics class fields, and pooled flows are constructed by the ten thousand
  declare state: number;
  declare packets: number;
  declare bytes: number;
  declare seqInit: boolean;
  declare isn: number;
  declare maxSeqEnd: number;
  declare ackedUpTo: number;
  declare ackedInit: boolean;
  declare lastAck: number;
  declare hasLastAck: boolean;
  declare lastWin: number;
  declare maxSeg: number;
  declare retrans: number;
  declare dataRetrans: number;
  declare dupAcks: number;
  declare zeroWin: number;
  declare resets: number;
  declare once: number;
  declare lastSynSeq: number;
  declare lastFinSeq: number;
  declare lastRstSeq: number;
  declare largeRetrans: number;
  declare largeSize: number;
  declare largeEnd: number;
  declare smallPending: number;
  declare smallPendingEnd: number;
  declare smallAcked: number;
  declare udpActive: boolean;
  declare keepalive: boolean;
  declare hasOpts: boolean;
  declare optMss: number;
  declare optWs: number;
  declare optSack: boolean;
  declare optTsval: number;
  declare optTsecr: number;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.state = INACTIVE;
    this.packets = 0;
    this.bytes = -0; // a double from the start: may pass 2^31
    this.seqInit = false;
    this.isn = 0;
    this.maxSeqEnd = 0;
    this.ackedUpTo = 0;
    this.ackedInit = false;
    this.lastAck = 0;
    this.hasLastAck = false;
    this.lastWin = -1;
    this.maxSeg = 0;
    this.retrans = 0;
    this.dataRetrans = 0;
    this.dupAcks = 0;
    this.zeroWin = 0;
    this.resets = 0;
    this.once = 0;
    this.lastSynSeq = -1;
    this.lastFinSeq = -1;
    this.lastRstSeq = -1;
    this.largeRetrans = 0;
    this.largeSize = 0;
    this.largeEnd = 0;
    this.smallPending = 0;
    this.smallPendingEnd = 0;
    this.smallAcked = 0;
    this.udpActive = false;
    this.keepalive = false;
    this.hasOpts = false;
    this.optMss = -1;
    this.optWs = -1;
    this.optSack = false;
    this.optTsval = NO_TS;
    this.optTsecr = NO_TS;
  }

  options(): TcpOptions | undefined {
    if (!this.hasOpts) return undefined;
    const o: TcpOptions = {};
    if (this.optMss >= 0) o.mss = this.optMss;
    if (this.optWs >= 0) o.wscale = this.optWs;
    if (this.optSack) o.sackPermitted = true;
    if (this.optTsval >= 0) {
      o.tsval = this.optTsval;
      o.tsecr = this.optTsecr;
    }
    return o;
  }
}

class Flow {
  // declared and assigned in the constructor, like Side (see there)
  // history letters as char codes (strings are built once, at finalisation); SYN times in pooled arrays
  declare next: Flow | null;
  declare key: number;
  declare proto: number;
  declare v6: boolean;
  declare a4: number;
  declare b4: number;
  declare a6: string;
  declare b6: string;
  declare pa: number;
  declare pb: number;
  declare vni: number;
  declare tunnel: FlowSummary["tunnel"];
  declare o: Side;
  declare r: Side;
  declare firstTs: number;
  declare lastTs: number;
  declare firstIndex: number;
  declare hist: number[];
  declare histLen: number;
  declare synTimes: number[];
  declare synN: number;
  declare synAckTimes: number[];
  declare synAckN: number;
  declare handshakeRtt: number;
  declare closedAt: number;
  declare icmpMtu: FlowSummary["icmpMtu"];
  declare finalState: ConnState;
  declare finalBlackhole: FlowSummary["mtuBlackhole"];
  declare finalSynOffsets: number[];
  declare finalSynAckOffsets: number[];
  declare gen: number;
  declare live: boolean;

  constructor() {
    this.next = null;
    this.key = 0;
    this.proto = 6;
    this.v6 = false;
    this.a4 = 0;
    this.b4 = 0;
    this.a6 = "";
    this.b6 = "";
    this.pa = 0;
    this.pb = 0;
    this.vni = -1;
    this.tunnel = undefined;
    this.o = new Side();
    this.r = new Side();
    this.firstTs = -0;
    this.lastTs = -0;
    this.firstIndex = 0;
    this.hist = [];
    this.histLen = 0;
    this.synTimes = [];
    this.synN = 0;
    this.synAckTimes = [];
    this.synAckN = 0;
    this.handshakeRtt = -0.5; // negative: none yet (a double, see Scratch)
    this.closedAt = -0.5;
    this.icmpMtu = [];
    this.finalState = "OTH";
    this.finalBlackhole = undefined;
    this.finalSynOffsets = [];
    this.finalSynAckOffsets = [];
    this.gen = 0;
    this.live = false;
  }

  add(code: number): void {
    // plain arrays, written in place when the flow is reused: typed arrays are slow to construct
    if (this.histLen < MAX_HISTORY) this.hist[this.histLen++] = code;
  }

  history(): string {
    let h = "";
    for (let i = 0; i < this.histLen; i++) h += LETTERS[this.hist[i]];
    return h;
  }

  reset(): void {
    this.gen++;
    this.live = false;
    this.next = null;
    this.tunnel = undefined;
    this.o.reset();
    this.r.reset();
    this.histLen = 0;
    this.synN = 0;
    this.synAckN = 0;
    this.handshakeRtt = -0.5; // negative: none yet (a double, see Scratch)
    this.closedAt = -0.5;
    if (this.icmpMtu.length > 0) this.icmpMtu = [];
  }
}

type SrcTs = {
  addr: string;
  peer: string;
  lastTsval: number;
  lastTs: number;
  connections: number;
  backwardSteps: number;
  example?: { fromTsval: number; toTsval: number; ts: number };
  /** last (time, TSval) of each clock seen; bounded */
  clockTs: number[];
  clockVal: number[];
  clocks: number;
};

const MAX_CLOCKS = 64;

/** does a SYN at (ts, tsval) continue the clock last seen at (cts, cval)? 50..1100 ticks per second */
function sameClock(cts: number, cval: number, ts: number, tsval: number): boolean {
  const dt = ts - cts;
  const d = (tsval - cval) | 0;
  return dt >= 0 && d >= dt * 50 - 20 && d <= dt * 1100 + 20;
}

const SKIP_NAMES: SkipReason[] = ["garbage", "unknown-link-type", "not-ip", "bad-ip-header", "bad-l4-header", "snaplen-truncated"];

function strHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function mix(a: number, port: number): number {
  let h = Math.imul(a ^ Math.imul(port + 0x9e37, 0x85ebca6b), 0xc2b2ae35);
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2d);
}

const FAILED_STATES = new Set<ConnState>(["S0", "REJ", "RSTOS0", "SH", "RSTRH", "SHR"]);

/** worst first: black holes, failed handshakes, resets, SYN retransmissions, ICMP MTU, retransmissions */
function badness(f: Flow, state: ConnState, blackhole: boolean): number {
  let s = 0;
  if (blackhole) s += 1e12;
  if (f.proto === 6 && FAILED_STATES.has(state)) s += 1e11;
  if (f.o.resets + f.r.resets > 0) s += 1e10;
  s += (Math.max(0, f.synN - 1) + Math.max(0, f.synAckN - 1)) * 1e7;
  s += f.icmpMtu.length * 1e6;
  s += Math.min(f.o.retrans + f.r.retrans, 9999) * 100;
  s += Math.min(f.o.zeroWin + f.r.zeroWin + f.o.dupAcks + f.r.dupAcks, 99);
  return s;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export class FlowEngine {
  // Open hash table of flow chains (Flow.next), indexed by hashKey & mask: one array read per lookup
  // instead of a Map's bucket + entry, which matters when short connections make every lookup a miss.
  private buckets: Array<Flow | null> = new Array<Flow | null>(INITIAL_BUCKETS).fill(null);
  private mask = INITIAL_BUCKETS - 1;
  private live = 0;
  private nextSweep = -Infinity;
  private readonly idle: number;
  private readonly maxKept: number;
  private readonly npLo: number;
  private readonly npHi: number;
  private kept: Array<{ score: number; firstTs: number; f: FlowSummary }> = [];
  private keptThreshold = -1;
  private readonly srcTs = new Map<string, SrcTs>();
  // IPv4 pairs by number: building a string key per SYN showed up in profiles
  private readonly srcTs4 = new Map<number, Map<number, SrcTs>>();
  private readonly pool: Flow[] = [];
  private last: Flow | null = null;
  private readonly closedQueue: Flow[] = [];
  // a pooled Flow may be queued, recycled and closed again: the generation tells stale entries apart
  private readonly closedGen: number[] = [];
  private closedHead = 0;
  private nextIdleScan = -Infinity;
  private now = -Infinity;
  // the flow the last lookup found, and which way the packet went
  private fromOrig = true;

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
  private readonly mss = new Set<number>();

  constructor(opts: SummaryOptions = {}) {
    this.idle = opts.idleTimeoutSec ?? 300;
    this.maxKept = Math.max(1, opts.maxFlowsKept ?? 10_000);
    const r = opts.nodePortRange ?? [30000, 32767];
    this.npLo = r[0];
    this.npHi = r[1];
  }

  skip(code: number): void {
    const name = SKIP_NAMES[code] ?? "garbage";
    this.s.skipped[name] = (this.s.skipped[name] ?? 0) + 1;
  }

  skipNamed(name: SkipReason, n = 1): void {
    this.s.skipped[name] = (this.s.skipped[name] ?? 0) + n;
  }

  /** every captured record, decodable or not */
  countFrame(ts: number, origLen: number): void {
    // per-packet counters live in fields of this class (stable shape), copied into the summary at the end
    this.nPackets++;
    this.nBytes += origLen;
    if (this.tFirst !== this.tFirst) this.tFirst = ts;
    if (!(ts <= this.tLast)) this.tLast = ts;
  }

  private readonly stateCounts = new Map<ConnState, number>();
  private nPackets = 0;
  private nBytes = -0;
  private tFirst = NaN;
  private tLast = NaN;
  private nIpv4 = 0;
  private nIpv6 = 0;
  private nTcp = 0;
  private nUdp = 0;
  private nIcmp = 0;
  private nTunnel = 0;
  private nFrag = 0;
  private maxIp = 0;

  /** a decoded IP packet */
  ingest(p: Scratch): void {
    const ts = p.ts;
    if (ts > this.now) {
      this.now = ts;
      if (ts >= this.nextSweep) {
        if (this.nextSweep !== -Infinity) this.sweep(ts);
        this.nextSweep = ts + SWEEP_EVERY_SEC;
      }
    }
    // Rare paths live in their own small methods: optimised code that meets a property access it has
    // never seen executed deoptimises, and the hot functions were doing that a dozen times per run.
    if (p.tunKind !== 0) this.countTunnel(p);
    else {
      if (p.ipVersion === 4) this.nIpv4++;
      else this.nIpv6++;
      if (p.ipLength > this.maxIp) this.maxIp = p.ipLength;
    }
    if (p.isFragment && p.fragOffset !== 0) this.nFrag++;
    const l4 = p.l4;
    if (l4 === 6) {
      this.nTcp++;
      let f = this.lookup(6, p.ipVersion === 6, p.src4, p.dst4, p.src6, p.dst6, p.sport, p.dport, -1);
      const flags = p.flags;
      if (f === null) {
        f = this.create(p, (flags & (F_SYN | F_ACK)) === (F_SYN | F_ACK));
      } else if ((flags & (F_SYN | F_ACK)) === F_SYN) {
        f = this.reused(f, p);
      }
      this.tcp(p, f, this.fromOrig);
      if (p.tunKind !== 0) this.outer(f, p);
    } else if (l4 === 17) this.udp(p);
    else if (l4 === 1 || l4 === 58) {
      this.nIcmp++;
      if (p.icmpMtu >= 0) this.icmpMtu(p);
    }
  }

  private countTunnel(p: Scratch): void {
    this.nTunnel++;
    if (p.outerVersion === 4) this.nIpv4++;
    else this.nIpv6++;
    if (p.outerLength > this.maxIp) this.maxIp = p.outerLength;
  }

  /** a fresh SYN with another ISN on a known 4-tuple: the port was reused, a new connection starts */
  private reused(f: Flow, p: Scratch): Flow {
    const side = this.fromOrig ? f.o : f.r;
    if (side.lastSynSeq !== -1 && side.lastSynSeq !== p.seq && (f.closedAt >= 0 || side.state === SYN_SENT)) {
      this.unlink(f);
      this.finalize(f);
      return this.create(p, false);
    }
    return f;
  }

  private udp(p: Scratch): void {
    this.nUdp++;
    let f = this.lookup(17, p.ipVersion === 6, p.src4, p.dst4, p.src6, p.dst6, p.sport, p.dport, -1);
    if (f === null) f = this.create(p, false);
    if (p.tunKind !== 0) this.outer(f, p);
    const side = this.fromOrig ? f.o : f.r;
    side.packets++;
    side.bytes += p.payloadLength;
    side.udpActive = true;
    if (f.lastTs < p.ts) f.lastTs = p.ts;
    if (p.payloadLength > 0 && (side.once & ONCE_D) === 0) {
      side.once |= ONCE_D;
      f.add(this.fromOrig ? 68 : 100); // D/d
    }
  }

  private outer(f: Flow, p: Scratch): void {
    const t = f.tunnel;
    if (t === undefined) return;
    if (t.maxOuterLength === undefined || p.outerLength > t.maxOuterLength) t.maxOuterLength = p.outerLength;
    if (p.outerDf) t.outerDontFragment = true;
  }

  private icmpMtu(p: Scratch): void {
    const from = p.ipVersion === 4 ? v4ToString(p.src4) : p.src6;
    const to = p.ipVersion === 4 ? v4ToString(p.dst4) : p.dst6;
    const entry: CaptureSummary["icmpMtu"][number] = { ts: p.ts, from, to, mtu: p.icmpMtu };
    if (p.hasQuoted) {
      const qs = p.qVersion === 4 ? v4ToString(p.qSrc4) : p.qSrc6;
      const qd = p.qVersion === 4 ? v4ToString(p.qDst4) : p.qDst6;
      entry.quoted = { src: qs, dst: qd };
      if (p.qSport >= 0) {
        entry.quoted.srcPort = p.qSport;
        entry.quoted.dstPort = p.qDport;
        if (p.qProto === 6 || p.qProto === 17) {
          const f = this.lookup(p.qProto, p.qVersion === 6, p.qSrc4, p.qDst4, p.qSrc6, p.qDst6, p.qSport, p.qDport, -1);
          if (f !== null && f.icmpMtu.length < MAX_TIMES) f.icmpMtu.push({ ts: p.ts, from, mtu: p.icmpMtu });
        }
      }
    }
    if (this.s.icmpMtu.length < MAX_LIST) this.s.icmpMtu.push(entry);
  }

  private hashKey(proto: number, v6: boolean, s4: number, d4: number, s6: string, d6: string, sp: number, dp: number, vni: number): number {
    const h = v6 ? mix(strHash(s6), sp) + mix(strHash(d6), dp) : mix(s4, sp) + mix(d4, dp);
    return (h + proto * 0x3243f6a9 + vni * 0x2545f491) & 0x3fffffff;
  }

  private lookup(proto: number, v6: boolean, s4: number, d4: number, s6: string, d6: string, sp: number, dp: number, vni: number): Flow | null {
    // consecutive packets mostly belong to the same flow (bulk transfers): try it before hashing
    const c = this.last;
    if (c !== null && !v6 && !c.v6 && c.proto === proto && c.vni === vni) {
      if (c.a4 === s4 && c.b4 === d4 && c.pa === sp && c.pb === dp) {
        this.fromOrig = true;
        return c;
      }
      if (c.a4 === d4 && c.b4 === s4 && c.pa === dp && c.pb === sp) {
        this.fromOrig = false;
        return c;
      }
    }
    const f = this.lookupHashed(proto, v6, s4, d4, s6, d6, sp, dp, vni);
    if (f !== null) this.last = f;
    return f;
  }

  private lookupHashed(proto: number, v6: boolean, s4: number, d4: number, s6: string, d6: string, sp: number, dp: number, vni: number): Flow | null {
    let f = this.buckets[this.hashKey(proto, v6, s4, d4, s6, d6, sp, dp, vni) & this.mask];
    while (f !== null) {
      if (f.proto === proto && f.vni === vni && f.v6 === v6) {
        if (v6) {
          if (f.pa === sp && f.pb === dp && f.a6 === s6 && f.b6 === d6) {
            this.fromOrig = true;
            return f;
          }
          if (f.pa === dp && f.pb === sp && f.a6 === d6 && f.b6 === s6) {
            this.fromOrig = false;
            return f;
          }
        } else {
          if (f.pa === sp && f.pb === dp && f.a4 === s4 && f.b4 === d4) {
            this.fromOrig = true;
            return f;
          }
          if (f.pa === dp && f.pb === sp && f.a4 === d4 && f.b4 === s4) {
            this.fromOrig = false;
            return f;
          }
        }
      }
      f = f.next;
    }
    return null;
  }

  private create(p: Scratch, flip: boolean): Flow {
    // finalised flows are recycled: a capture with millions of short connections would otherwise spend
    // most of its time in the garbage collector
    const f = this.pool.pop() ?? new Flow();
    f.proto = p.l4;
    f.v6 = p.ipVersion === 6;
    // Zeek flips a connection whose first packet is a SYN-ACK: the SYN-ACK sender is the responder
    if (flip) {
      f.a4 = p.dst4;
      f.b4 = p.src4;
      f.a6 = p.dst6;
      f.b6 = p.src6;
      f.pa = p.dport;
      f.pb = p.sport;
      f.add(94); // ^
      this.fromOrig = false;
    } else {
      f.a4 = p.src4;
      f.b4 = p.dst4;
      f.a6 = p.src6;
      f.b6 = p.dst6;
      f.pa = p.sport;
      f.pb = p.dport;
      this.fromOrig = true;
    }
    f.vni = -1;
    if (p.tunKind) {
      f.tunnel = {
        kind: p.tunKind === 1 ? "vxlan" : "geneve",
        vni: p.vni,
        outerSrc: p.outerVersion === 4 ? v4ToString(p.outerSrc4) : p.outerSrc6,
        outerDst: p.outerVersion === 4 ? v4ToString(p.outerDst4) : p.outerDst6,
      };
    }
    f.firstTs = p.ts;
    f.lastTs = p.ts;
    f.firstIndex = p.index;
    const key = this.hashKey(f.proto, f.v6, f.a4, f.b4, f.a6, f.b6, f.pa, f.pb, f.vni);
    f.key = key;
    const i = key & this.mask;
    f.next = this.buckets[i];
    this.buckets[i] = f;
    this.last = f;
    f.live = true;
    if (++this.live > this.buckets.length) this.grow();
    return f;
  }

  private unlink(f: Flow): void {
    if (this.last === f) this.last = null;
    f.live = false;
    const i = f.key & this.mask;
    const head = this.buckets[i];
    if (head === f) this.buckets[i] = f.next;
    else {
      let x = head;
      while (x !== null && x.next !== f) x = x.next;
      if (x !== null) x.next = f.next;
    }
    f.next = null;
    this.live--;
  }

  /** doubles the bucket array when the flows outnumber the buckets */
  private grow(): void {
    const old = this.buckets;
    const n = old.length * 2;
    const buckets = new Array<Flow | null>(n).fill(null);
    const mask = n - 1;
    for (let i = 0; i < old.length; i++) {
      for (let f = old[i]; f !== null; ) {
        const next: Flow | null = f.next;
        const j = f.key & mask;
        f.next = buckets[j];
        buckets[j] = f;
        f = next;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  private allLive(): Flow[] {
    const all: Flow[] = [];
    for (let i = 0; i < this.buckets.length; i++) for (let f = this.buckets[i]; f !== null; f = f.next) all.push(f);
    return all;
  }

  private tcp(p: Scratch, f: Flow, fromOrig: boolean): void {
    const s = fromOrig ? f.o : f.r;
    const peer = fromOrig ? f.r : f.o;
    const flags = p.flags;
    const len = p.payloadLength;
    const seq = p.seq;
    const ts = p.ts;
    s.packets++;
    s.bytes += len;
    if (ts > f.lastTs) f.lastTs = ts;

    if (flags & F_SYN) {
      if (flags & F_ACK) {
        if (f.synAckN < MAX_TIMES) f.synAckTimes[f.synAckN++] = ts;
        if (seq !== s.lastSynSeq) f.add(fromOrig ? 72 : 104); // H/h
        if (f.handshakeRtt < 0 && f.synN > 0) f.handshakeRtt = ts - f.synTimes[f.synN - 1];
      } else {
        if (f.synN < MAX_TIMES) f.synTimes[f.synN++] = ts;
        if (seq !== s.lastSynSeq) f.add(fromOrig ? 83 : 115); // S/s
        if (p.tsval >= 0) this.synTimestamp(p, f);
      }
      s.lastSynSeq = seq;
      if (!s.hasOpts && p.hasOpts) {
        s.hasOpts = true;
        s.optMss = p.mss;
        s.optWs = p.wscale;
        s.optSack = p.sackPerm;
        s.optTsval = p.tsval;
        s.optTsecr = p.tsecr;
        if (p.mss >= 0 && !this.mss.has(p.mss)) this.mss.add(p.mss);
      }
      if (flags & (F_FIN | F_RST) && (s.once & ONCE_Q) === 0) {
        s.once |= ONCE_Q;
        f.add(fromOrig ? 81 : 113); // Q/q
      }
    } else if ((flags & (F_FIN | F_RST)) === (F_FIN | F_RST) && (s.once & ONCE_I) === 0) {
      s.once |= ONCE_I;
      f.add(fromOrig ? 73 : 105); // I/i
    }

    // duplicate ACK, zero window (Wireshark's definitions), before this segment updates the state
    if ((flags & (F_SYN | F_FIN | F_RST)) === 0) {
      // the answer to a keep-alive repeats the last ACK but is no duplicate ACK (Wireshark agrees)
      if (len === 0 && (flags & F_ACK) && s.hasLastAck && p.ack === s.lastAck && p.window === s.lastWin && p.window !== 0 && seq === s.maxSeqEnd && !peer.keepalive) {
        s.dupAcks++;
      }
      if (p.window === 0) this.zeroWindow(s, f, fromOrig);
    }

    // retransmission: sequence space already sent (keep-alives excepted)
    const seqLen = len + (flags & F_SYN ? 1 : 0) + (flags & F_FIN ? 1 : 0);
    // keep-alive: one byte (or none) just below the next expected sequence number
    const keepalive = s.seqInit && len <= 1 && (flags & (F_SYN | F_FIN | F_RST)) === 0 && ((s.maxSeqEnd - seq) | 0) === 1;
    s.keepalive = keepalive;
    if (!s.seqInit) {
      s.seqInit = true;
      s.isn = seq;
      s.maxSeqEnd = (seq + seqLen) | 0;
      if (len > 0) this.noteSmall(s, len, s.maxSeqEnd);
    } else if (seqLen > 0) {
      const end = (seq + seqLen) | 0;
      if (((seq - s.maxSeqEnd) | 0) < 0 && !keepalive) {
        this.retransmitted(s, f, fromOrig, len, end);
      } else if (len > 0) {
        this.noteSmall(s, len, end);
      }
      if (((end - s.maxSeqEnd) | 0) > 0) s.maxSeqEnd = end;
    }
    if (len > s.maxSeg) s.maxSeg = len;

    if (flags & F_ACK) {
      const ack = p.ack;
      if (!peer.ackedInit || ((ack - peer.ackedUpTo) | 0) > 0) {
        peer.ackedUpTo = ack;
        peer.ackedInit = true;
      }
      if (peer.smallPending > 0 && ((ack - peer.smallPendingEnd) | 0) >= 0) {
        peer.smallAcked += peer.smallPending;
        peer.smallPending = 0;
      }
      s.lastAck = ack;
      s.hasLastAck = true;
    }
    s.lastWin = p.window;

    if (flags & F_FIN) {
      if (seq !== s.lastFinSeq) f.add(fromOrig ? 70 : 102); // F/f
      s.lastFinSeq = seq;
    }
    if (flags & F_RST) {
      if (seq !== s.lastRstSeq) f.add(fromOrig ? 82 : 114); // R/r
      s.lastRstSeq = seq;
      s.resets++;
    }
    // established ends only change state on SYN, FIN or RST: skip the state machine for the rest
    if ((flags & (F_SYN | F_FIN | F_RST)) !== 0 || s.state !== ESTABLISHED) {
      this.updateState(s, peer, fromOrig, f.o, flags, len);
    }
    if (len > 0) {
      if ((s.once & ONCE_D) === 0) {
        s.once |= ONCE_D;
        f.add(fromOrig ? 68 : 100); // D/d
      }
    } else if ((flags & (F_SYN | F_FIN | F_RST | F_ACK)) === F_ACK && (s.once & ONCE_A) === 0) {
      s.once |= ONCE_A;
      f.add(fromOrig ? 65 : 97); // A/a
    }
    if ((flags & (F_FIN | F_RST)) !== 0 && f.closedAt < 0 && this.closeCheck(s, peer)) {
      f.closedAt = ts;
      this.closedQueue.push(f);
      this.closedGen.push(f.gen);
    }
  }

  private retransmitted(s: Side, f: Flow, fromOrig: boolean, len: number, end: number): void {
    s.retrans++;
    if (len > 0) {
      s.dataRetrans++;
      if (isLogStep(s.dataRetrans)) f.add(fromOrig ? 84 : 116); // T/t
      if (len > 536 && len * 10 >= s.maxSeg * 9) {
        if (s.largeRetrans === 0 || ((end - s.largeEnd) | 0) < 0) s.largeEnd = end;
        s.largeRetrans++;
        if (len > s.largeSize) s.largeSize = len;
      }
    }
  }

  private zeroWindow(s: Side, f: Flow, fromOrig: boolean): void {
    s.zeroWin++;
    if (isLogStep(s.zeroWin)) f.add(fromOrig ? 87 : 119); // W/w
  }

  /** Zeek's endpoint state machine (TCPSessionAdapter::UpdateStateMachine), without the weirds */
  private updateState(s: Side, peer: Side, fromOrig: boolean, orig: Side, flags: number, len: number): void {
    const st = s.state;
    if (st === INACTIVE) {
      if (flags & F_SYN) {
        if (fromOrig) s.state = flags & F_ACK ? SYN_ACK_SENT : SYN_SENT;
        else {
          // the responder's SYN-ACK establishes both ends (Zeek's connection_established)
          if (peer.state === SYN_SENT) peer.state = ESTABLISHED;
          s.state = ESTABLISHED;
        }
      }
      if (flags & F_FIN) s.state = CLOSED;
      if (flags & F_RST) s.state = RESET;
      if (s.state === INACTIVE) {
        if (!fromOrig && len === 0 && orig.state === SYN_SENT) {
          // an ACK of the SYN before the SYN-ACK: not a partial connection
        } else if (flags & F_ACK && peer.state === ESTABLISHED) s.state = ESTABLISHED;
        else s.state = PARTIAL;
      }
    } else if (st === SYN_SENT || st === SYN_ACK_SENT) {
      if (flags & F_FIN) s.state = CLOSED;
      if (flags & F_RST) s.state = RESET;
    } else if (st === ESTABLISHED || st === PARTIAL) {
      if ((flags & (F_SYN | F_ACK)) === F_SYN && st === PARTIAL && peer.state === INACTIVE) s.state = SYN_SENT;
      if ((flags & (F_FIN | F_RST)) === F_FIN) s.state = CLOSED;
      if (flags & F_RST) s.state = RESET;
    } else if (st === CLOSED) {
      // after a FIN exchange a RST does not make it a reset connection
      if (flags & F_RST && peer.state !== CLOSED) s.state = RESET;
    }
  }

  private closeCheck(s: Side, peer: Side): boolean {
    return s.state === RESET || peer.state === RESET || (s.state === CLOSED && peer.state === CLOSED);
  }

  private noteSmall(s: Side, len: number, end: number): void {
    if (len * 10 < s.maxSeg * 9 || len <= 536) {
      s.smallPending++;
      s.smallPendingEnd = end;
    }
  }

  private synTimestamp(p: Scratch, f: Flow): void {
    // the first SYN of a connection only: retransmitted SYNs repeat a clock already compared
    if (f.synN !== 1) return;
    let inner: Map<number, SrcTs> | undefined;
    let e: SrcTs | undefined;
    if (p.ipVersion === 4) {
      inner = this.srcTs4.get(p.src4);
      if (inner === undefined) {
        inner = new Map();
        this.srcTs4.set(p.src4, inner);
      }
      e = inner.get(p.dst4);
    } else e = this.srcTs.get(`${p.src6}>${p.dst6}`);
    if (e === undefined) {
      e = {
        addr: p.ipVersion === 4 ? v4ToString(p.src4) : p.src6,
        peer: p.ipVersion === 4 ? v4ToString(p.dst4) : p.dst6,
        lastTsval: p.tsval,
        lastTs: p.ts,
        connections: 1,
        backwardSteps: 0,
        clockTs: [p.ts],
        clockVal: [p.tsval],
        clocks: 1,
      };
      if (inner !== undefined) inner.set(p.dst4, e);
      else this.srcTs.set(`${p.src6}>${p.dst6}`, e);
      return;
    }
    e.connections++;
    let matched = false;
    // one clock per connection so far (randomised offsets): stop matching, it would only cost time
    const saturated = e.clockTs.length >= MAX_CLOCKS && e.clocks * 10 >= e.connections * 9;
    for (let i = 0; !saturated && i < e.clockTs.length; i++) {
      if (sameClock(e.clockTs[i], e.clockVal[i], p.ts, p.tsval)) {
        e.clockTs[i] = p.ts;
        e.clockVal[i] = p.tsval;
        matched = true;
        break;
      }
    }
    if (!matched) {
      e.clocks++;
      if (e.clockTs.length < MAX_CLOCKS) {
        e.clockTs.push(p.ts);
        e.clockVal.push(p.tsval);
      }
    }
    if (p.ts - e.lastTs <= TS_WINDOW_SEC && ((p.tsval - e.lastTsval) | 0) < 0) {
      e.backwardSteps++;
      if (e.example === undefined) e.example = { fromTsval: e.lastTsval, toTsval: p.tsval, ts: p.ts };
    }
    e.lastTsval = p.tsval;
    e.lastTs = p.ts;
  }

  private sweep(now: number): void {
    // closed flows wait in a queue in closing order; a full scan for idle flows is rarer
    const closedBefore = now - CLOSE_GRACE_SEC;
    const q = this.closedQueue;
    let i = this.closedHead;
    for (; i < q.length; i++) {
      const f = q[i];
      if (f.gen !== this.closedGen[i] || !f.live) continue;
      if (f.closedAt >= closedBefore) break;
      // a flow still busy after its close (retransmitted FINs…) is left to the idle scan
      if (f.lastTs < closedBefore) {
        this.unlink(f);
        this.finalize(f);
      }
    }
    this.closedHead = i >= 65536 ? this.compactClosed(i) : i;
    if (now >= this.nextIdleScan) this.idleScan(now, closedBefore);
  }

  /** drops the processed head of the closed-flow queue; returns the new head index */
  private compactClosed(head: number): number {
    this.closedQueue.splice(0, head);
    this.closedGen.splice(0, head);
    return 0;
  }

  private idleScan(now: number, closedBefore: number): void {
    this.nextIdleScan = now + Math.max(SWEEP_EVERY_SEC, this.idle / 4);
    const idleBefore = now - this.idle;
    const done = this.allLive().filter((f) => f.lastTs < idleBefore || (f.closedAt >= 0 && f.lastTs < closedBefore));
    for (const f of done) {
      this.unlink(f);
      this.finalize(f);
    }
  }

  private connState(f: Flow): ConnState {
    const os = f.o.state;
    const rs = f.r.state;
    if (f.proto === 17) {
      if (f.o.udpActive) return f.r.udpActive ? "SF" : "S0";
      return f.r.udpActive ? "SHR" : "OTH";
    }
    const oInactive = os === INACTIVE || os === PARTIAL;
    const rInactive = rs === INACTIVE || rs === PARTIAL;
    if (rs === RESET) {
      if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && f.o.bytes === 0 && f.r.bytes === 0)) return "REJ";
      return oInactive ? "RSTRH" : "RSTR";
    }
    if (os === RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(f.history()) ? "RSTOS0" : "OTH";
      return "RSTO";
    }
    if (rs === CLOSED && os === CLOSED) return "SF";
    if (os === CLOSED) return rInactive ? "SH" : "S2";
    if (rs === CLOSED) return oInactive ? "SHR" : "S3";
    if (os === SYN_SENT && rs === INACTIVE) return "S0";
    if (os === ESTABLISHED && rs === ESTABLISHED) return "S1";
    return "OTH";
  }

  private finalize(f: Flow): void {
    this.summarise(f);
    this.recycle(f);
  }

  private recycle(f: Flow): void {
    if (this.pool.length < POOL_MAX) {
      f.reset();
      this.pool.push(f);
    }
  }

  /** aggregates a finalised flow, and keeps its FlowSummary when it is among the worst */
  private summarise(f: Flow): void {
    const s = this.s;
    const state = this.connState(f);
    this.stateCounts.set(state, (this.stateCounts.get(state) ?? 0) + 1);
    const tcp = f.proto === 6;
    if (tcp) s.tcpFlows++;
    else s.udpFlows++;
    const o = f.o;
    const r = f.r;
    // arrays only for the few flows with retransmitted SYNs or SYN-ACKs
    let synOffsets: number[] | undefined;
    let synAckOffsets: number[] | undefined;
    if (tcp) {
      if (f.synN > 1) {
        synOffsets = [];
        for (let i = 1; i < f.synN; i++) synOffsets.push(round3(f.synTimes[i] - f.synTimes[0]));
        for (let i = 0; i < synOffsets.length; i++) bump(s.synRetransHistogram, synOffsets[i]);
      }
      if (f.synAckN > 1) {
        synAckOffsets = [];
        for (let i = 1; i < f.synAckN; i++) synAckOffsets.push(round3(f.synAckTimes[i] - f.synAckTimes[0]));
        for (let i = 0; i < synAckOffsets.length; i++) bump(s.synAckRetransHistogram, synAckOffsets[i]);
      }
      s.retransmissions += o.retrans + r.retrans;
      if (f.synN > 0 && f.hist[0] !== 94) {
        s.handshakes.attempted++;
        if (state === "REJ") s.handshakes.refused++;
        // answered by a SYN-ACK and acknowledged by the originator
        else if (f.synAckN > 0 && o.hasLastAck) s.handshakes.completed++;
        else s.handshakes.failed++;
      }
    }
    let blackhole: FlowSummary["mtuBlackhole"];
    if (o.largeRetrans > 0 || r.largeRetrans > 0) {
      for (const [dir, side, other] of [["orig", o, r], ["resp", r, o]] as const) {
        if (side.largeRetrans > 0 && side.smallAcked > 0 && (!other.hasLastAck || ((side.ackedUpTo - side.largeEnd) | 0) < 0)) {
          if (!blackhole || side.largeRetrans > blackhole.retransmissions) {
            blackhole = { direction: dir, segmentSize: side.largeSize, retransmissions: side.largeRetrans, smallSegmentsAcked: side.smallAcked };
          }
        }
      }
    }
    if (blackhole) s.mtuBlackholeFlows++;

    if (tcp && f.pa >= this.npLo && f.pa <= this.npHi && s.nodePortSourcePorts.length < MAX_LIST) {
      const oa = f.v6 ? f.a6 : v4ToString(f.a4);
      const ra = f.v6 ? f.b6 : v4ToString(f.b4);
      s.nodePortSourcePorts.push({ addr: oa, port: f.pa, dst: { addr: ra, port: f.pb }, connState: state });
    }

    // most flows of a big capture are healthy and never make the kept list: only the others become
    // FlowSummary objects (smaller than a Flow, which goes back to the pool either way; measured faster
    // than holding Flow objects until the end)
    const score = badness(f, state, blackhole !== undefined);
    if (this.kept.length >= this.maxKept && score <= this.keptThreshold) return;
    f.finalState = state;
    f.finalBlackhole = blackhole;
    f.finalSynOffsets = synOffsets ?? [];
    f.finalSynAckOffsets = synAckOffsets ?? [];
    this.kept.push({ score, firstTs: f.firstTs, f: this.build(f) });
    if (this.kept.length >= this.maxKept + (this.maxKept >> 2)) this.trimKept();
  }

  private build(f: Flow): FlowSummary {
    const o = f.o;
    const r = f.r;
    const summary: FlowSummary = {
      proto: f.proto === 6 ? "tcp" : "udp",
      orig: { addr: f.v6 ? f.a6 : v4ToString(f.a4), port: f.pa } satisfies Endpoint,
      resp: { addr: f.v6 ? f.b6 : v4ToString(f.b4), port: f.pb },
      firstTs: f.firstTs,
      lastTs: f.lastTs,
      duration: round6(f.lastTs - f.firstTs),
      connState: f.finalState,
      history: f.history(),
      origPackets: o.packets,
      respPackets: r.packets,
      // + 0 turns the -0 the counters start from into 0
      origBytes: o.bytes + 0,
      respBytes: r.bytes + 0,
      synTimes: f.synTimes.slice(0, f.synN),
      synAckTimes: f.synAckTimes.slice(0, f.synAckN),
      synRetransOffsets: f.finalSynOffsets,
      synAckRetransOffsets: f.finalSynAckOffsets,
      maxSegment: { orig: o.maxSeg, resp: r.maxSeg },
      retransmissions: { orig: o.retrans, resp: r.retrans },
      dupAcks: { orig: o.dupAcks, resp: r.dupAcks },
      zeroWindows: { orig: o.zeroWin, resp: r.zeroWin },
      resets: { orig: o.resets, resp: r.resets },
      icmpMtu: f.icmpMtu,
      firstIndex: f.firstIndex,
    };
    if (f.tunnel) summary.tunnel = f.tunnel;
    if (f.handshakeRtt >= 0) summary.handshakeRtt = round6(f.handshakeRtt);
    const oo = o.options();
    const ro = r.options();
    if (oo) summary.origOptions = oo;
    if (ro) summary.respOptions = ro;
    if (f.finalBlackhole) summary.mtuBlackhole = f.finalBlackhole;
    return summary;
  }

  private trimKept(): void {
    this.kept.sort((a, b) => b.score - a.score || a.firstTs - b.firstTs);
    if (this.kept.length >= this.maxKept) {
      this.kept.length = this.maxKept;
      this.keptThreshold = this.kept[this.kept.length - 1].score;
    }
  }

  finish(): CaptureSummary {
    const all = this.allLive();
    all.sort((a, b) => a.firstTs - b.firstTs);
    for (const f of all) this.finalize(f);
    this.buckets.fill(null);
    this.live = 0;
    this.trimKept();
    const s = this.s;
    s.packets = this.nPackets;
    s.bytes = this.nBytes + 0;
    if (this.nPackets > 0) {
      s.firstTs = this.tFirst;
      s.lastTs = this.tLast;
    }
    s.ipv4 = this.nIpv4;
    s.ipv6 = this.nIpv6;
    s.tcpPackets = this.nTcp;
    s.udpPackets = this.nUdp;
    s.icmpPackets = this.nIcmp;
    s.tunnelPackets = this.nTunnel;
    s.maxIpLength = this.maxIp;
    if (this.nFrag > 0) s.nonFirstFragments = this.nFrag;
    s.flows = this.kept.map((k) => k.f);
    for (const [k, v] of this.stateCounts) s.flowsByState[k] = v;
    s.mssSeen = [...this.mss].sort((a, b) => a - b);
    const allTs = [...this.srcTs.values()];
    for (const m of this.srcTs4.values()) allTs.push(...m.values());
    s.tsBackwards = allTs
      .filter((e) => e.backwardSteps > 0 && e.example)
      .sort((a, b) => b.backwardSteps - a.backwardSteps)
      .slice(0, MAX_LIST)
      .map((e) => ({ addr: e.addr, peer: e.peer, connections: e.connections, backwardSteps: e.backwardSteps, clocks: e.clocks, example: e.example! }));
    return s;
  }

  get liveFlows(): number {
    return this.live;
  }
}

function isLogStep(n: number): boolean {
  return n === 1 || n === 10 || n === 100 || n === 1000 || n === 10000 || n === 100000;
}

function bump(h: Record<string, number>, x: number): void {
  const k = String(Math.round(x * 10) / 10);
  h[k] = (h[k] ?? 0) + 1;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
