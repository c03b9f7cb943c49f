/**
 * Flow table and per-capture aggregates, fed one decoded packet (Scratch) at a time.
 *
 * Memory is bounded by live flows: idle or closed flows are finalised into aggregates as capture time
 * advances, and only the worst `maxFlowsKept` finalised flows are kept as FlowSummary objects.
 * Connection states and history letters follow Zeek's conn.log definitions (base/protocols/conn/main.zeek).
 */
import type { CaptureSummary, ConnState, Endpoint, FlowSummary, SkipReason } from "./model";
import type { TcpOptions } from "./packet";
import { F_ACK, F_FIN, F_RST, F_SYN, NO_TS, type Scratch, v4ToString, v6WordsFromString, v6WordsToString } from "./decode";

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
// Flows that closed without a payload byte or a completed handshake (a refused SYN, SYN-ACKs answered
// by a reset, a lone RST) wait as long as Zeek's tcp_close_delay / tcp_reset_delay (5 s): their next
// packet (a retried SYN with the same ISN, another RST) often comes 1–3 s later and belongs to the same
// connection, as tshark's stream does. They are rare in healthy traffic, so the longer wait costs
// little; for all flows it cost 20–30 % of a pass (more flows alive, more cache misses).
const CONTROL_CLOSE_GRACE_SEC = 5;
const SWEEP_EVERY_SEC = 0.5;
const MAX_TIMES = 32;
const MAX_HISTORY = 48;
const LETTERS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
const TS_WINDOW_SEC = 60;
const MAX_LIST = 1000;
const INITIAL_BUCKETS = 1 << 14;

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

/** hash of the IPv6 address in w[at..at+3] */
function hash6(w: Int32Array, at: number): number {
  let h = Math.imul(w[at] ^ 0x811c9dc5, 0x01000193);
  h = Math.imul(h ^ w[at + 1], 0x01000193);
  h = Math.imul(h ^ w[at + 2], 0x01000193);
  return Math.imul(h ^ w[at + 3], 0x01000193);
}

function same6(a: Int32Array, at: number, b: Int32Array, bt: number): boolean {
  return a[at] === b[bt] && a[at + 1] === b[bt + 1] && a[at + 2] === b[bt + 2] && a[at + 3] === b[bt + 3];
}

function mix(a: number, port: number): number {
  let h = Math.imul(a ^ Math.imul(port + 0x9e37, 0x85ebca6b), 0xc2b2ae35);
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2d);
}

const FAILED_STATES = new Set<ConnState>(["S0", "REJ", "RSTOS0", "SH", "RSTRH", "SHR"]);

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// Flow storage. Flows live in typed arrays, one fixed-size record per slot, not in objects: with tens of
// thousands of short connections alive, objects (a flow, two sides, their arrays) took ~2.7 kB each, had
// to be copied and promoted by the garbage collector, and spread over too many cache lines. A record is
// NI int32 (flow header + two sides) and ND float64. Slots are reused; strings and the rare lists (IPv6
// addresses, tunnels, ICMP notes, retransmitted SYN times) sit in plain arrays indexed by slot.
const NONE = -1;
// int32 fields of a flow. Per packet, a lookup reads the first 8 (the 5-tuple and chain link) and the
// TCP state machine the hottest fields of both sides; the two sides are interleaved field by field (a
// side's field k at side base + 2k, orig base 8, resp base 9) so that all of that sits in the record's
// first 128 bytes: a short connection's record is cold in the cache at almost every packet, and each
// further cache line touched costs a miss.
const N_NEXT = 0; // next slot in the same hash bucket, NONE at the end
const N_PROTO = 1;
const N_V6 = 2;
const N_A4 = 3;
const N_B4 = 4;
const N_PA = 5;
const N_PB = 6;
const N_VNI = 7;
const SIDE_O = 8;
const SIDE_R = 9;
// a side's fields, hottest first (offsets from its base, so x2)
const S_STATE = 0;
const S_PACKETS = 2;
const S_SEQINIT = 4;
const S_ONCE = 6;
const S_MAXSEQEND = 8;
const S_ACKEDUPTO = 10;
const S_ACKEDINIT = 12;
const S_LASTACK = 14;
const S_HASLASTACK = 16;
const S_LASTWIN = 18;
const S_MAXSEG = 20;
const S_KEEPALIVE = 22;
const S_SMALLPENDING = 24;
const S_SMALLPENDINGEND = 26;
const S_SMALLACKED = 28;
const S_LASTFINSEQ = 30;
const S_ISN = 32;
const S_LASTSYNSEQ = 34;
const S_RETRANS = 36;
const S_LASTRSTSEQ = 38;
const S_LARGERETRANS = 40;
const S_LARGESIZE = 42;
const S_LARGEEND = 44;
const S_DATARETRANS = 46;
const S_ZEROWIN = 48;
const S_RESETS = 50;
const S_UDPACTIVE = 52;
const S_DUPACKS = 54;
const S_HASOPTS = 56;
const S_OPTMSS = 58;
const S_OPTWS = 60;
const S_OPTSACK = 62;
const NS = 32;
// the flow's less used fields, after both sides
const N_KEY = SIDE_O + 2 * NS;
const N_HIST = N_KEY + 1; // history length
const N_SYNN = N_KEY + 2;
const N_SYNACKN = N_KEY + 3;
const N_GEN = N_KEY + 4; // bumped when the slot is freed: tells stale closed-queue entries apart
const N_LIVE = N_KEY + 5;
// set by anything that can make a flow score above zero (retransmission, duplicate ACK, zero window,
// reset, repeated SYN or SYN-ACK, ICMP note): finalising a clean flow then skips those counters' cache lines
const N_ANOM = N_KEY + 6;
// 1 when the first packet was a SYN-ACK and the flow was flipped (history starts with ^): read when the
// flow is finalised, next to the other fields of this line, instead of the history's own cache line
const N_FLIPPED = N_KEY + 7;
const NI = N_KEY + 8;
// float64 fields of a flow; the per-packet ones (last time, byte counts, close time) in the first 64 bytes
const D_FIRSTTS = 0;
const D_LASTTS = 1;
const D_CLOSEDAT = 2; // negative: not closed
const D_O = 3; // a side's byte count at D_O / D_R + SD_BYTES
const D_R = 4;
const SD_BYTES = 0;
const D_SYN0 = 5; // first SYN time; later ones in synMore
const D_SYNLAST = 6; // last stored SYN time
const D_SYNACK0 = 7;
const D_HSRTT = 8; // negative: none yet
const D_FIRSTINDEX = 9;
const D_OTS = 10; // a side's SYN timestamp option at D_OTS / D_RTS + SD_TSVAL, SD_TSECR
const D_RTS = 12;
const SD_TSVAL = 0;
const SD_TSECR = 1;
const ND = 16;
const INITIAL_SLOTS = 1024;

export class FlowEngine {
  // I, D, H, buckets, cap, mask get their real values in the constructor, not here: see there
  private I = new Int32Array(0);
  private D = new Float64Array(0);
  private H = new Uint8Array(0);
  // IPv6 flows' addresses as words, 8 per slot (A 0–3, B 4–7); their text is made only for output
  private W6 = new Int32Array(0);
  // the quoted addresses of an ICMPv6 error, as words, for the lookup of the flow it quotes
  private readonly q6 = new Int32Array(8);
  private tunnels: Array<FlowSummary["tunnel"]> = new Array<FlowSummary["tunnel"]>(INITIAL_SLOTS).fill(undefined);
  private icmpNotes: Array<FlowSummary["icmpMtu"] | undefined> = new Array<FlowSummary["icmpMtu"] | undefined>(INITIAL_SLOTS).fill(undefined);
  private synMore: Array<number[] | undefined> = new Array<number[] | undefined>(INITIAL_SLOTS).fill(undefined);
  private synAckMore: Array<number[] | undefined> = new Array<number[] | undefined>(INITIAL_SLOTS).fill(undefined);
  private cap = 0;
  private used = 0;
  // free slots, reused first-freed first (see allocSlot)
  private freeSlots: number[] = [];
  private freeHead = 0;
  // open hash table of slot chains (N_NEXT), indexed by key & mask: one array read per lookup
  private buckets = new Int32Array(0);
  private mask = 0;
  private live = 0;
  private nextSweep = -Infinity;
  private readonly idle: number;
  private readonly maxKept: number;
  private readonly npLo: number;
  private readonly npHi: number;
  // the worst finalised flows so far, by slot: a kept flow's slot stays allocated (out of the hash table)
  // until it drops out of the list, and becomes a FlowSummary only in finish(), so the thousands of
  // flows that enter the list early and are trimmed out later never turn into objects
  private kept: Array<{ score: number; firstTs: number; f: number }> = [];
  private keptThreshold = -1;
  // IPv6 pairs by a hash of their words, the words kept to tell colliding pairs apart
  private readonly srcTs6 = new Map<number, Array<{ w: Int32Array; e: SrcTs }>>();
  // IPv4 pairs by number: building a string key per SYN showed up in profiles
  private readonly srcTs4 = new Map<number, Map<number, SrcTs>>();
  private last = NONE;
  private closedQueue: number[] = [];
  private closedGen: number[] = [];
  private closedHead = 0;
  // the same for control-only flows (CONTROL_CLOSE_GRACE_SEC)
  private ctlQueue: number[] = [];
  private ctlGen: number[] = [];
  private ctlHead = 0;
  private nextIdleScan = -Infinity;
  private now = -Infinity;
  // which way the packet of the last lookup went
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
    // A second store to a field makes V8 treat it as mutable from the start. Otherwise the fields that
    // only growSlots/grow reassign count as constants in the optimised code of ingest, lookup, tcp, …,
    // and the first growth (at 1024 flows, early in a cold pass) deoptimised ~9 hot functions at once.
    this.I = new Int32Array(INITIAL_SLOTS * NI);
    this.D = new Float64Array(INITIAL_SLOTS * ND);
    this.H = new Uint8Array(INITIAL_SLOTS * MAX_HISTORY);
    this.W6 = new Int32Array(INITIAL_SLOTS * 8);
    this.cap = INITIAL_SLOTS;
    this.buckets = new Int32Array(INITIAL_BUCKETS).fill(NONE);
    this.mask = INITIAL_BUCKETS - 1;
    // The same for fields first written late: the first trim of the kept list (keptThreshold, which
    // also turns from -1 into a double score), the first compaction of the closed or the free queue,
    // the first idle scan, the summary's counters. In a process that had summarised only small captures
    // (a server, the test suite), the first big one wrote them for the first time, which changed the
    // hidden class and invalidated the optimised code of every method at once: 20 "wrong map" deopts
    // (--trace-generalization, --trace-deopt: the 68 corpus captures, then the bench capture).
    this.keptThreshold = -0.5;
    this.closedQueue = [];
    this.closedGen = [];
    this.ctlQueue = [];
    this.ctlGen = [];
    this.ctlHead = -1;
    this.ctlHead = 0;
    this.freeSlots = [];
    this.closedHead = -1;
    this.closedHead = 0;
    this.freeHead = -1;
    this.freeHead = 0;
    this.nextIdleScan = 0;
    this.nextIdleScan = -Infinity;
    const s = this.s;
    s.bytes = -1;
    s.bytes = -0; // a double: a byte count may exceed 2^31
    for (const k of ["tcpFlows", "udpFlows", "retransmissions", "mtuBlackholeFlows", "packets", "ipv4", "ipv6", "tcpPackets", "udpPackets", "icmpPackets", "tunnelPackets", "maxIpLength"] as const) {
      s[k] = -1;
      s[k] = 0;
    }
    const h = s.handshakes;
    for (const k of ["attempted", "completed", "failed", "refused"] as const) {
      h[k] = -1;
      h[k] = 0;
    }
  }

  skip(code: number): void {
    const name = SKIP_NAMES[code] ?? "garbage";
    this.s.skipped[name] = (this.s.skipped[name] ?? 0) + 1;
  }

  skipNamed(name: SkipReason, n = 1): void {
    this.s.skipped[name] = (this.s.skipped[name] ?? 0) + n;
  }

  /** every captured record, decodable or not */
  countFrame(ts: number, origLen: number, caplen = origLen): void {
    // per-packet counters live in fields of this class (stable shape), copied into the summary at the end
    this.nPackets++;
    if (caplen < origLen) this.nCut++;
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
  private nCut = 0;
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
      let f = this.lookup(6, p.ipVersion === 6, p.src4, p.dst4, p.w6, p.sport, p.dport, -1);
      const flags = p.flags;
      if (f === NONE) {
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
  private reused(f: number, p: Scratch): number {
    const I = this.I;
    const side = f * NI + (this.fromOrig ? SIDE_O : SIDE_R);
    const lastSyn = I[side + S_LASTSYNSEQ];
    if (lastSyn !== -1 && lastSyn !== p.seq && (this.D[f * ND + D_CLOSEDAT] >= 0 || I[side + S_STATE] === SYN_SENT)) {
      this.unlink(f);
      this.finalize(f);
      return this.create(p, false);
    }
    return f;
  }

  private udp(p: Scratch): void {
    this.nUdp++;
    let f = this.lookup(17, p.ipVersion === 6, p.src4, p.dst4, p.w6, p.sport, p.dport, -1);
    if (f === NONE) f = this.create(p, false);
    if (p.tunKind !== 0) this.outer(f, p);
    const I = this.I;
    const D = this.D;
    const fromOrig = this.fromOrig;
    const s = f * NI + (fromOrig ? SIDE_O : SIDE_R);
    const d = f * ND;
    I[s + S_PACKETS]++;
    D[d + (fromOrig ? D_O : D_R) + SD_BYTES] += p.payloadLength;
    I[s + S_UDPACTIVE] = 1;
    if (D[d + D_LASTTS] < p.ts) D[d + D_LASTTS] = p.ts;
    if (p.payloadLength > 0 && (I[s + S_ONCE] & ONCE_D) === 0) {
      I[s + S_ONCE] |= ONCE_D;
      this.add(f, fromOrig ? 68 : 100); // D/d
    }
  }

  private outer(f: number, p: Scratch): void {
    const t = this.tunnels[f];
    if (t === undefined) return;
    if (t.maxOuterLength === undefined || p.outerLength > t.maxOuterLength) t.maxOuterLength = p.outerLength;
    if (p.outerDf) t.outerDontFragment = true;
  }

  private icmpMtu(p: Scratch): void {
    if (p.ipVersion === 6) p.text6();
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
          const q6 = this.q6;
          const ok6 = p.qVersion === 4 || (v6WordsFromString(p.qSrc6, q6, 0) && v6WordsFromString(p.qDst6, q6, 4));
          const f = ok6 ? this.lookup(p.qProto, p.qVersion === 6, p.qSrc4, p.qDst4, q6, p.qSport, p.qDport, -1) : NONE;
          if (f !== NONE) {
            const notes = this.icmpNotes[f] ?? (this.icmpNotes[f] = []);
            if (notes.length < MAX_TIMES) notes.push({ ts: p.ts, from, mtu: p.icmpMtu });
            this.I[f * NI + N_ANOM] = 1;
          }
        }
      }
    }
    if (this.s.icmpMtu.length < MAX_LIST) this.s.icmpMtu.push(entry);
  }

  private key4(proto: number, s4: number, d4: number, sp: number, dp: number, vni: number): number {
    return (mix(s4, sp) + mix(d4, dp) + proto * 0x3243f6a9 + vni * 0x2545f491) & 0x3fffffff;
  }

  /** w: IPv6 words, the source at sAt, the destination at dAt */
  private key6(proto: number, w: Int32Array, sAt: number, dAt: number, sp: number, dp: number, vni: number): number {
    return (mix(hash6(w, sAt), sp) + mix(hash6(w, dAt), dp) + proto * 0x3243f6a9 + vni * 0x2545f491) & 0x3fffffff;
  }

  /** w6: the packet's IPv6 words (source 0–3, destination 4–7), read when v6 */
  private lookup(proto: number, v6: boolean, s4: number, d4: number, w6: Int32Array, sp: number, dp: number, vni: number): number {
    // consecutive packets mostly belong to the same flow (bulk transfers): try it before hashing
    const c = this.last;
    if (c !== NONE && (v6 ? this.match6(c, proto, w6, sp, dp, vni) : this.match4(c, proto, s4, d4, sp, dp, vni))) return c;
    const f = v6 ? this.lookup6(proto, w6, sp, dp, vni) : this.lookup4(proto, s4, d4, sp, dp, vni);
    if (f !== NONE) this.last = f;
    return f;
  }

  /** is flow f this IPv4 packet's, either way? (sets fromOrig) */
  private match4(f: number, proto: number, s4: number, d4: number, sp: number, dp: number, vni: number): boolean {
    const I = this.I;
    const b = f * NI;
    if (I[b + N_PROTO] !== proto || I[b + N_VNI] !== vni || I[b + N_V6] !== 0) return false;
    if (I[b + N_PA] === sp && I[b + N_PB] === dp && I[b + N_A4] === s4 && I[b + N_B4] === d4) {
      this.fromOrig = true;
      return true;
    }
    if (I[b + N_PA] === dp && I[b + N_PB] === sp && I[b + N_A4] === d4 && I[b + N_B4] === s4) {
      this.fromOrig = false;
      return true;
    }
    return false;
  }

  /** is flow f this IPv6 packet's (words w: source 0–3, destination 4–7), either way? (sets fromOrig) */
  private match6(f: number, proto: number, w: Int32Array, sp: number, dp: number, vni: number): boolean {
    const I = this.I;
    const b = f * NI;
    if (I[b + N_PROTO] !== proto || I[b + N_VNI] !== vni || I[b + N_V6] !== 1) return false;
    const W = this.W6;
    const a = f * 8;
    if (I[b + N_PA] === sp && I[b + N_PB] === dp && same6(W, a, w, 0) && same6(W, a + 4, w, 4)) {
      this.fromOrig = true;
      return true;
    }
    if (I[b + N_PA] === dp && I[b + N_PB] === sp && same6(W, a, w, 4) && same6(W, a + 4, w, 0)) {
      this.fromOrig = false;
      return true;
    }
    return false;
  }

  private lookup4(proto: number, s4: number, d4: number, sp: number, dp: number, vni: number): number {
    const I = this.I;
    let f = this.buckets[this.key4(proto, s4, d4, sp, dp, vni) & this.mask];
    while (f !== NONE && !this.match4(f, proto, s4, d4, sp, dp, vni)) f = I[f * NI + N_NEXT];
    return f;
  }

  private lookup6(proto: number, w: Int32Array, sp: number, dp: number, vni: number): number {
    const I = this.I;
    let f = this.buckets[this.key6(proto, w, 0, 4, sp, dp, vni) & this.mask];
    while (f !== NONE && !this.match6(f, proto, w, sp, dp, vni)) f = I[f * NI + N_NEXT];
    return f;
  }

  /** a free slot, initialised */
  private allocSlot(): number {
    let f: number;
    if (this.freeHead < this.freeSlots.length) f = this.takeFree();
    else {
      if (this.used === this.cap) this.growSlots();
      f = this.used++;
    }
    const I = this.I;
    const b = f * NI;
    const gen = I[b + N_GEN];
    for (let i = b; i < b + NI; i++) I[i] = 0;
    I[b + N_GEN] = gen;
    for (let side = b + SIDE_O; side <= b + SIDE_R; side++) {
      I[side + S_LASTWIN] = -1;
      I[side + S_LASTSYNSEQ] = -1;
      I[side + S_LASTFINSEQ] = -1;
      I[side + S_LASTRSTSEQ] = -1;
      I[side + S_OPTMSS] = -1;
      I[side + S_OPTWS] = -1;
    }
    const D = this.D;
    const d = f * ND;
    for (let i = d; i < d + ND; i++) D[i] = 0;
    D[d + D_HSRTT] = -0.5;
    D[d + D_CLOSEDAT] = -0.5;
    D[d + D_OTS + SD_TSVAL] = NO_TS;
    D[d + D_OTS + SD_TSECR] = NO_TS;
    D[d + D_RTS + SD_TSVAL] = NO_TS;
    D[d + D_RTS + SD_TSECR] = NO_TS;
    return f;
  }

  /** the oldest free slot */
  private takeFree(): number {
    const f = this.freeSlots[this.freeHead++];
    if (this.freeHead >= 65536) {
      this.freeSlots = this.freeSlots.slice(this.freeHead);
      this.freeHead = 0;
    }
    return f;
  }

  /** doubles the slot arrays; the hot paths read this.I / this.D afresh after anything that may create a flow */
  private growSlots(): void {
    const cap = this.cap * 2;
    const I = new Int32Array(cap * NI);
    I.set(this.I);
    this.I = I;
    const D = new Float64Array(cap * ND);
    D.set(this.D);
    this.D = D;
    const H = new Uint8Array(cap * MAX_HISTORY);
    H.set(this.H);
    this.H = H;
    const W6 = new Int32Array(cap * 8);
    W6.set(this.W6);
    this.W6 = W6;
    for (let i = this.cap; i < cap; i++) {
      this.tunnels.push(undefined);
      this.icmpNotes.push(undefined);
      this.synMore.push(undefined);
      this.synAckMore.push(undefined);
    }
    this.cap = cap;
  }

  private freeSlot(f: number): void {
    const b = f * NI;
    this.I[b + N_GEN]++;
    this.I[b + N_LIVE] = 0;
    if (this.tunnels[f] !== undefined) this.tunnels[f] = undefined;
    // the summary (if one was built) keeps the list
    if (this.icmpNotes[f] !== undefined) this.icmpNotes[f] = undefined;
    if (this.synMore[f] !== undefined) this.synMore[f] = undefined;
    if (this.synAckMore[f] !== undefined) this.synAckMore[f] = undefined;
    this.freeSlots.push(f);
  }

  private create(p: Scratch, flip: boolean): number {
    const f = this.allocSlot();
    const I = this.I;
    const b = f * NI;
    const v6 = p.ipVersion === 6;
    I[b + N_PROTO] = p.l4;
    I[b + N_V6] = v6 ? 1 : 0;
    // Zeek flips a connection whose first packet is a SYN-ACK: the SYN-ACK sender is the responder
    if (flip) {
      I[b + N_A4] = p.dst4;
      I[b + N_B4] = p.src4;
      if (v6) this.copy6(f, p.w6, 4, 0);
      I[b + N_PA] = p.dport;
      I[b + N_PB] = p.sport;
      this.add(f, 94); // ^
      I[b + N_FLIPPED] = 1;
      this.fromOrig = false;
    } else {
      I[b + N_A4] = p.src4;
      I[b + N_B4] = p.dst4;
      if (v6) this.copy6(f, p.w6, 0, 4);
      I[b + N_PA] = p.sport;
      I[b + N_PB] = p.dport;
      this.fromOrig = true;
    }
    I[b + N_VNI] = -1;
    if (p.tunKind) {
      this.tunnels[f] = {
        kind: p.tunKind === 1 ? "vxlan" : "geneve",
        vni: p.vni,
        outerSrc: p.outerVersion === 4 ? v4ToString(p.outerSrc4) : p.outerSrc6,
        outerDst: p.outerVersion === 4 ? v4ToString(p.outerDst4) : p.outerDst6,
      };
    }
    const D = this.D;
    const d = f * ND;
    D[d + D_FIRSTTS] = p.ts;
    D[d + D_LASTTS] = p.ts;
    D[d + D_FIRSTINDEX] = p.index;
    const key = v6
      ? this.key6(I[b + N_PROTO], this.W6, f * 8, f * 8 + 4, I[b + N_PA], I[b + N_PB], -1)
      : this.key4(I[b + N_PROTO], I[b + N_A4], I[b + N_B4], I[b + N_PA], I[b + N_PB], -1);
    I[b + N_KEY] = key;
    const i = key & this.mask;
    I[b + N_NEXT] = this.buckets[i];
    this.buckets[i] = f;
    this.last = f;
    I[b + N_LIVE] = 1;
    if (++this.live > this.buckets.length) this.grow();
    return f;
  }

  /** stores a new IPv6 flow's addresses: A from w[aAt..], B from w[bAt..] */
  private copy6(f: number, w: Int32Array, aAt: number, bAt: number): void {
    const W = this.W6;
    const o = f * 8;
    for (let i = 0; i < 4; i++) {
      W[o + i] = w[aAt + i];
      W[o + 4 + i] = w[bAt + i];
    }
  }

  private unlink(f: number): void {
    if (this.last === f) this.last = NONE;
    const I = this.I;
    const b = f * NI;
    I[b + N_LIVE] = 0;
    const i = I[b + N_KEY] & this.mask;
    const head = this.buckets[i];
    if (head === f) this.buckets[i] = I[b + N_NEXT];
    else {
      let x = head;
      while (x !== NONE && I[x * NI + N_NEXT] !== f) x = I[x * NI + N_NEXT];
      if (x !== NONE) I[x * NI + N_NEXT] = I[b + N_NEXT];
    }
    I[b + N_NEXT] = NONE;
    this.live--;
  }

  /** doubles the bucket array when the flows outnumber the buckets */
  private grow(): void {
    const I = this.I;
    const old = this.buckets;
    const n = old.length * 2;
    const buckets = new Int32Array(n).fill(NONE);
    const mask = n - 1;
    for (let i = 0; i < old.length; i++) {
      for (let f = old[i]; f !== NONE; ) {
        const next = I[f * NI + N_NEXT];
        const j = I[f * NI + N_KEY] & mask;
        I[f * NI + N_NEXT] = buckets[j];
        buckets[j] = f;
        f = next;
      }
    }
    this.buckets = buckets;
    this.mask = mask;
  }

  private allLive(): number[] {
    const I = this.I;
    const all: number[] = [];
    for (let i = 0; i < this.buckets.length; i++) for (let f = this.buckets[i]; f !== NONE; f = I[f * NI + N_NEXT]) all.push(f);
    return all;
  }

  private add(f: number, code: number): void {
    const b = f * NI;
    const n = this.I[b + N_HIST];
    if (n < MAX_HISTORY) {
      this.H[f * MAX_HISTORY + n] = code;
      this.I[b + N_HIST] = n + 1;
    }
  }

  private history(f: number): string {
    const n = this.I[f * NI + N_HIST];
    const H = this.H;
    const h0 = f * MAX_HISTORY;
    let h = "";
    for (let i = 0; i < n; i++) h += LETTERS[H[h0 + i]];
    return h;
  }

  private tcp(p: Scratch, f: number, fromOrig: boolean): void {
    const I = this.I;
    const D = this.D;
    const b = f * NI;
    const d = f * ND;
    const s = b + (fromOrig ? SIDE_O : SIDE_R);
    const peer = b + (fromOrig ? SIDE_R : SIDE_O);
    const flags = p.flags;
    const len = p.payloadLength;
    const seq = p.seq;
    const ts = p.ts;
    I[s + S_PACKETS]++;
    D[d + (fromOrig ? D_O : D_R) + SD_BYTES] += len;
    if (ts > D[d + D_LASTTS]) D[d + D_LASTTS] = ts;

    if (flags & F_SYN) this.syn(p, f, s, fromOrig);
    else if ((flags & (F_FIN | F_RST)) === (F_FIN | F_RST) && (I[s + S_ONCE] & ONCE_I) === 0) {
      I[s + S_ONCE] |= ONCE_I;
      this.add(f, fromOrig ? 73 : 105); // I/i
    }

    // duplicate ACK, zero window (Wireshark's definitions), before this segment updates the state
    if ((flags & (F_SYN | F_FIN | F_RST)) === 0) {
      // the answer to a keep-alive repeats the last ACK but is no duplicate ACK (Wireshark agrees)
      if (
        len === 0 &&
        flags & F_ACK &&
        I[s + S_HASLASTACK] !== 0 &&
        p.ack === I[s + S_LASTACK] &&
        p.window === I[s + S_LASTWIN] &&
        p.window !== 0 &&
        seq === I[s + S_MAXSEQEND] &&
        I[peer + S_KEEPALIVE] === 0
      ) {
        I[s + S_DUPACKS]++;
        I[b + N_ANOM] = 1;
      }
      if (p.window === 0) this.zeroWindow(s, f, fromOrig);
    }

    // retransmission: sequence space already sent (keep-alives excepted)
    const seqLen = len + (flags & F_SYN ? 1 : 0) + (flags & F_FIN ? 1 : 0);
    const seqInit = I[s + S_SEQINIT] !== 0;
    // keep-alive: one byte (or none) just below the next expected sequence number
    const keepalive = seqInit && len <= 1 && (flags & (F_SYN | F_FIN | F_RST)) === 0 && ((I[s + S_MAXSEQEND] - seq) | 0) === 1;
    I[s + S_KEEPALIVE] = keepalive ? 1 : 0;
    if (!seqInit) {
      I[s + S_SEQINIT] = 1;
      I[s + S_ISN] = seq;
      const end = (seq + seqLen) | 0;
      I[s + S_MAXSEQEND] = end;
      if (len > 0) this.noteSmall(s, len, end);
    } else if (seqLen > 0) {
      const end = (seq + seqLen) | 0;
      if (((seq - I[s + S_MAXSEQEND]) | 0) < 0 && !keepalive) {
        this.retransmitted(s, f, fromOrig, len, end);
      } else if (len > 0) {
        this.noteSmall(s, len, end);
      }
      if (((end - I[s + S_MAXSEQEND]) | 0) > 0) I[s + S_MAXSEQEND] = end;
    }
    if (len > I[s + S_MAXSEG]) I[s + S_MAXSEG] = len;

    if (flags & F_ACK) {
      const ack = p.ack;
      if (I[peer + S_ACKEDINIT] === 0 || ((ack - I[peer + S_ACKEDUPTO]) | 0) > 0) {
        I[peer + S_ACKEDUPTO] = ack;
        I[peer + S_ACKEDINIT] = 1;
      }
      if (I[peer + S_SMALLPENDING] > 0 && ((ack - I[peer + S_SMALLPENDINGEND]) | 0) >= 0) {
        I[peer + S_SMALLACKED] += I[peer + S_SMALLPENDING];
        I[peer + S_SMALLPENDING] = 0;
      }
      I[s + S_LASTACK] = ack;
      I[s + S_HASLASTACK] = 1;
    }
    I[s + S_LASTWIN] = p.window;

    if (flags & F_FIN) {
      if (seq !== I[s + S_LASTFINSEQ]) this.add(f, fromOrig ? 70 : 102); // F/f
      I[s + S_LASTFINSEQ] = seq;
    }
    if (flags & F_RST) {
      if (seq !== I[s + S_LASTRSTSEQ]) this.add(f, fromOrig ? 82 : 114); // R/r
      I[s + S_LASTRSTSEQ] = seq;
      I[s + S_RESETS]++;
      I[b + N_ANOM] = 1;
    }
    // established ends only change state on SYN, FIN or RST: skip the state machine for the rest
    if ((flags & (F_SYN | F_FIN | F_RST)) !== 0 || I[s + S_STATE] !== ESTABLISHED) {
      this.updateState(s, peer, fromOrig, b + SIDE_O, flags, len);
    }
    if (len > 0) {
      if ((I[s + S_ONCE] & ONCE_D) === 0) {
        I[s + S_ONCE] |= ONCE_D;
        this.add(f, fromOrig ? 68 : 100); // D/d
      }
    } else if ((flags & (F_SYN | F_FIN | F_RST | F_ACK)) === F_ACK && (I[s + S_ONCE] & ONCE_A) === 0) {
      I[s + S_ONCE] |= ONCE_A;
      this.add(f, fromOrig ? 65 : 97); // A/a
    }
    if ((flags & (F_FIN | F_RST)) !== 0 && D[d + D_CLOSEDAT] < 0 && this.closeCheck(s, peer)) {
      D[d + D_CLOSEDAT] = ts;
      if (this.controlOnly(f)) this.closeControl(f);
      else {
        this.closedQueue.push(f);
        this.closedGen.push(I[b + N_GEN]);
      }
    }
  }

  /** the SYN / SYN-ACK part of tcp() */
  private syn(p: Scratch, f: number, s: number, fromOrig: boolean): void {
    const I = this.I;
    const D = this.D;
    const b = f * NI;
    const d = f * ND;
    const flags = p.flags;
    const seq = p.seq;
    const ts = p.ts;
    if (flags & F_ACK) {
      const n = I[b + N_SYNACKN];
      if (n < MAX_TIMES) {
        if (n === 0) D[d + D_SYNACK0] = ts;
        else {
          (this.synAckMore[f] ?? (this.synAckMore[f] = [])).push(ts);
          I[b + N_ANOM] = 1;
        }
        I[b + N_SYNACKN] = n + 1;
      }
      if (seq !== I[s + S_LASTSYNSEQ]) this.add(f, fromOrig ? 72 : 104); // H/h
      if (D[d + D_HSRTT] < 0 && I[b + N_SYNN] > 0) D[d + D_HSRTT] = ts - D[d + D_SYNLAST];
    } else {
      const n = I[b + N_SYNN];
      if (n < MAX_TIMES) {
        if (n === 0) D[d + D_SYN0] = ts;
        else {
          (this.synMore[f] ?? (this.synMore[f] = [])).push(ts);
          I[b + N_ANOM] = 1;
        }
        D[d + D_SYNLAST] = ts;
        I[b + N_SYNN] = n + 1;
      }
      if (seq !== I[s + S_LASTSYNSEQ]) this.add(f, fromOrig ? 83 : 115); // S/s
      if (p.tsval >= 0) this.synTimestamp(p, f);
    }
    I[s + S_LASTSYNSEQ] = seq;
    if (I[s + S_HASOPTS] === 0 && p.hasOpts) {
      I[s + S_HASOPTS] = 1;
      I[s + S_OPTMSS] = p.mss;
      I[s + S_OPTWS] = p.wscale;
      I[s + S_OPTSACK] = p.sackPerm ? 1 : 0;
      const ds = d + (fromOrig ? D_OTS : D_RTS);
      D[ds + SD_TSVAL] = p.tsval;
      D[ds + SD_TSECR] = p.tsecr;
      if (p.mss >= 0 && !this.mss.has(p.mss)) this.mss.add(p.mss);
    }
    if (flags & (F_FIN | F_RST) && (I[s + S_ONCE] & ONCE_Q) === 0) {
      I[s + S_ONCE] |= ONCE_Q;
      this.add(f, fromOrig ? 81 : 113); // Q/q
    }
  }

  private retransmitted(s: number, f: number, fromOrig: boolean, len: number, end: number): void {
    const I = this.I;
    I[s + S_RETRANS]++;
    I[f * NI + N_ANOM] = 1;
    if (len > 0) {
      const n = ++I[s + S_DATARETRANS];
      if (isLogStep(n)) this.add(f, fromOrig ? 84 : 116); // T/t
      if (len > 536 && len * 10 >= I[s + S_MAXSEG] * 9) {
        if (I[s + S_LARGERETRANS] === 0 || ((end - I[s + S_LARGEEND]) | 0) < 0) I[s + S_LARGEEND] = end;
        I[s + S_LARGERETRANS]++;
        if (len > I[s + S_LARGESIZE]) I[s + S_LARGESIZE] = len;
      }
    }
  }

  private zeroWindow(s: number, f: number, fromOrig: boolean): void {
    const n = ++this.I[s + S_ZEROWIN];
    this.I[f * NI + N_ANOM] = 1;
    if (isLogStep(n)) this.add(f, fromOrig ? 87 : 119); // W/w
  }

  /** Zeek's endpoint state machine (TCPSessionAdapter::UpdateStateMachine), without the weirds */
  private updateState(s: number, peer: number, fromOrig: boolean, orig: number, flags: number, len: number): void {
    const I = this.I;
    const st = I[s + S_STATE];
    if (st === INACTIVE) {
      let ns = INACTIVE;
      if (flags & F_SYN) {
        if (fromOrig) ns = flags & F_ACK ? SYN_ACK_SENT : SYN_SENT;
        else {
          // the responder's SYN-ACK establishes both ends (Zeek's connection_established)
          if (I[peer + S_STATE] === SYN_SENT) I[peer + S_STATE] = ESTABLISHED;
          ns = ESTABLISHED;
        }
      }
      if (flags & F_FIN) ns = CLOSED;
      if (flags & F_RST) ns = RESET;
      if (ns === INACTIVE) {
        if (!fromOrig && len === 0 && I[orig + S_STATE] === SYN_SENT) {
          // an ACK of the SYN before the SYN-ACK: not a partial connection
        } else if (flags & F_ACK && I[peer + S_STATE] === ESTABLISHED) ns = ESTABLISHED;
        else ns = PARTIAL;
      }
      I[s + S_STATE] = ns;
    } else if (st === SYN_SENT || st === SYN_ACK_SENT) {
      if (flags & F_FIN) I[s + S_STATE] = CLOSED;
      if (flags & F_RST) I[s + S_STATE] = RESET;
    } else if (st === ESTABLISHED || st === PARTIAL) {
      if ((flags & (F_SYN | F_ACK)) === F_SYN && st === PARTIAL && I[peer + S_STATE] === INACTIVE) I[s + S_STATE] = SYN_SENT;
      if ((flags & (F_FIN | F_RST)) === F_FIN) I[s + S_STATE] = CLOSED;
      if (flags & F_RST) I[s + S_STATE] = RESET;
    } else if (st === CLOSED) {
      // after a FIN exchange a RST does not make it a reset connection
      if (flags & F_RST && I[peer + S_STATE] !== CLOSED) I[s + S_STATE] = RESET;
    }
  }

  private closeCheck(s: number, peer: number): boolean {
    const I = this.I;
    const a = I[s + S_STATE];
    const b = I[peer + S_STATE];
    return a === RESET || b === RESET || (a === CLOSED && b === CLOSED);
  }

  private noteSmall(s: number, len: number, end: number): void {
    const I = this.I;
    if (len * 10 < I[s + S_MAXSEG] * 9 || len <= 536) {
      I[s + S_SMALLPENDING]++;
      I[s + S_SMALLPENDINGEND] = end;
    }
  }

  private synTimestamp(p: Scratch, f: number): void {
    // the first SYN of a connection only: retransmitted SYNs repeat a clock already compared
    if (this.I[f * NI + N_SYNN] !== 1) return;
    let inner: Map<number, SrcTs> | undefined;
    let list: Array<{ w: Int32Array; e: SrcTs }> | undefined;
    let e: SrcTs | undefined;
    if (p.ipVersion === 4) {
      inner = this.srcTs4.get(p.src4);
      if (inner === undefined) {
        inner = new Map();
        this.srcTs4.set(p.src4, inner);
      }
      e = inner.get(p.dst4);
    } else {
      const w = p.w6;
      const key = (Math.imul(hash6(w, 0), 31) + hash6(w, 4)) | 0;
      list = this.srcTs6.get(key);
      if (list === undefined) {
        list = [];
        this.srcTs6.set(key, list);
      }
      for (let i = 0; i < list.length; i++) {
        if (same6(list[i].w, 0, w, 0) && same6(list[i].w, 4, w, 4)) {
          e = list[i].e;
          break;
        }
      }
      // the text only for a new pair
      if (e === undefined) p.text6();
    }
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
      else list?.push({ w: p.w6.slice(), e });
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
    const i = this.drainClosed(this.closedQueue, this.closedGen, this.closedHead, closedBefore);
    if (i >= 65536) {
      this.closedQueue = this.closedQueue.slice(i);
      this.closedGen = this.closedGen.slice(i);
      this.closedHead = 0;
    } else this.closedHead = i;
    if (this.ctlHead < this.ctlQueue.length) this.sweepControl(now);
    if (now >= this.nextIdleScan) this.idleScan(now, closedBefore);
  }

  /** finalises the queue's flows closed before `closedBefore`, from `head`; returns the new head */
  private drainClosed(q: number[], gens: number[], head: number, closedBefore: number): number {
    let i = head;
    for (; i < q.length; i++) {
      const f = q[i];
      const b = f * NI;
      if (this.I[b + N_GEN] !== gens[i] || this.I[b + N_LIVE] === 0) continue;
      const d = f * ND;
      if (this.D[d + D_CLOSEDAT] >= closedBefore) break;
      // a flow still busy after its close (retransmitted FINs…) is left to the idle scan
      if (this.D[d + D_LASTTS] < closedBefore) {
        this.unlink(f);
        this.finalize(f);
      }
    }
    return i;
  }

  // the control-only queue's rare paths in their own methods (see ingest on deoptimisation)
  private closeControl(f: number): void {
    this.ctlQueue.push(f);
    this.ctlGen.push(this.I[f * NI + N_GEN]);
  }

  private sweepControl(now: number): void {
    const i = this.drainClosed(this.ctlQueue, this.ctlGen, this.ctlHead, now - CONTROL_CLOSE_GRACE_SEC);
    if (i >= 65536) {
      this.ctlQueue = this.ctlQueue.slice(i);
      this.ctlGen = this.ctlGen.slice(i);
      this.ctlHead = 0;
    } else this.ctlHead = i;
  }

  /** no payload either way and no completed handshake: only SYNs, SYN-ACKs, resets, FINs */
  private controlOnly(f: number): boolean {
    const d = f * ND;
    if (this.D[d + D_O + SD_BYTES] !== 0 || this.D[d + D_R + SD_BYTES] !== 0) return false;
    const b = f * NI;
    return !(this.I[b + N_SYNACKN] > 0 && this.I[b + SIDE_O + S_HASLASTACK] !== 0);
  }

  private idleScan(now: number, closedBefore: number): void {
    this.nextIdleScan = now + Math.max(SWEEP_EVERY_SEC, this.idle / 4);
    const idleBefore = now - this.idle;
    const D = this.D;
    const ctlBefore = now - CONTROL_CLOSE_GRACE_SEC;
    const done = this.allLive().filter(
      (f) => D[f * ND + D_LASTTS] < idleBefore || (D[f * ND + D_CLOSEDAT] >= 0 && D[f * ND + D_LASTTS] < (this.controlOnly(f) ? ctlBefore : closedBefore)),
    );
    for (const f of done) {
      this.unlink(f);
      this.finalize(f);
    }
  }

  private connState(f: number): ConnState {
    const I = this.I;
    const b = f * NI;
    const o = b + SIDE_O;
    const r = b + SIDE_R;
    const os = I[o + S_STATE];
    const rs = I[r + S_STATE];
    if (I[b + N_PROTO] === 17) {
      if (I[o + S_UDPACTIVE] !== 0) return I[r + S_UDPACTIVE] !== 0 ? "SF" : "S0";
      return I[r + S_UDPACTIVE] !== 0 ? "SHR" : "OTH";
    }
    const oInactive = os === INACTIVE || os === PARTIAL;
    const rInactive = rs === INACTIVE || rs === PARTIAL;
    if (rs === RESET) {
      const d = f * ND;
      if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && this.D[d + D_O + SD_BYTES] === 0 && this.D[d + D_R + SD_BYTES] === 0)) return "REJ";
      return oInactive ? "RSTRH" : "RSTR";
    }
    if (os === RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(this.history(f)) ? "RSTOS0" : "OTH";
      return "RSTO";
    }
    if (rs === CLOSED && os === CLOSED) return "SF";
    if (os === CLOSED) return rInactive ? "SH" : "S2";
    if (rs === CLOSED) return oInactive ? "SHR" : "S3";
    if (os === SYN_SENT && rs === INACTIVE) return "S0";
    if (os === ESTABLISHED && rs === ESTABLISHED) return "S1";
    return "OTH";
  }

  private finalize(f: number): void {
    if (!this.summarise(f)) this.freeSlot(f);
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
    const state = this.connState(f);
    this.stateCounts.set(state, (this.stateCounts.get(state) ?? 0) + 1);
    const tcp = I[b + N_PROTO] === 6;
    const anom = I[b + N_ANOM] !== 0;
    if (tcp) s.tcpFlows++;
    else s.udpFlows++;
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
      if (synN > 0 && I[b + N_FLIPPED] === 0) {
        s.handshakes.attempted++;
        if (state === "REJ") s.handshakes.refused++;
        // answered by a SYN-ACK and acknowledged by the originator
        else if (synAckN > 0 && I[o + S_HASLASTACK] !== 0) s.handshakes.completed++;
        else s.handshakes.failed++;
      }
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
    if (tcp && FAILED_STATES.has(state)) score += 1e11;
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
        if (I[side + S_LARGERETRANS] > 0 && I[side + S_SMALLACKED] > 0 && (I[other + S_HASLASTACK] === 0 || ((I[side + S_ACKEDUPTO] - I[side + S_LARGEEND]) | 0) < 0)) {
          if (!blackhole || I[side + S_LARGERETRANS] > blackhole.retransmissions) {
            blackhole = { direction: dir, segmentSize: I[side + S_LARGESIZE], retransmissions: I[side + S_LARGERETRANS], smallSegmentsAcked: I[side + S_SMALLACKED] };
          }
        }
      }
    }
    return blackhole;
  }

  private addrA(f: number): string {
    return this.I[f * NI + N_V6] === 1 ? v6WordsToString(this.W6, f * 8) : v4ToString(this.I[f * NI + N_A4]);
  }

  private addrB(f: number): string {
    return this.I[f * NI + N_V6] === 1 ? v6WordsToString(this.W6, f * 8 + 4) : v4ToString(this.I[f * NI + N_B4]);
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
    const blackhole = this.blackhole(f);
    const synTimes = this.times(D[d + D_SYN0], this.synMore[f], I[b + N_SYNN]);
    const synAckTimes = this.times(D[d + D_SYNACK0], this.synAckMore[f], I[b + N_SYNACKN]);
    const synOffsets: number[] = [];
    for (let i = 1; i < synTimes.length; i++) synOffsets.push(round3(synTimes[i] - synTimes[0]));
    const synAckOffsets: number[] = [];
    for (let i = 1; i < synAckTimes.length; i++) synAckOffsets.push(round3(synAckTimes[i] - synAckTimes[0]));
    const summary: FlowSummary = {
      proto: I[b + N_PROTO] === 6 ? "tcp" : "udp",
      orig: { addr: this.addrA(f), port: I[b + N_PA] } satisfies Endpoint,
      resp: { addr: this.addrB(f), port: I[b + N_PB] },
      firstTs: D[d + D_FIRSTTS],
      lastTs: D[d + D_LASTTS],
      duration: round6(D[d + D_LASTTS] - D[d + D_FIRSTTS]),
      connState: state,
      history: this.history(f),
      origPackets: I[o + S_PACKETS],
      respPackets: I[r + S_PACKETS],
      origBytes: D[d + D_O + SD_BYTES],
      respBytes: D[d + D_R + SD_BYTES],
      synTimes,
      synAckTimes,
      synRetransOffsets: synOffsets,
      synAckRetransOffsets: synAckOffsets,
      maxSegment: { orig: I[o + S_MAXSEG], resp: I[r + S_MAXSEG] },
      retransmissions: { orig: I[o + S_RETRANS], resp: I[r + S_RETRANS] },
      dupAcks: { orig: I[o + S_DUPACKS], resp: I[r + S_DUPACKS] },
      zeroWindows: { orig: I[o + S_ZEROWIN], resp: I[r + S_ZEROWIN] },
      resets: { orig: I[o + S_RESETS], resp: I[r + S_RESETS] },
      icmpMtu: this.icmpNotes[f] ?? [],
      firstIndex: D[d + D_FIRSTINDEX],
    };
    const t = this.tunnels[f];
    if (t) summary.tunnel = t;
    if (D[d + D_HSRTT] >= 0) summary.handshakeRtt = round6(D[d + D_HSRTT]);
    const oo = this.options(o, d + D_OTS);
    const ro = this.options(r, d + D_RTS);
    if (oo) summary.origOptions = oo;
    if (ro) summary.respOptions = ro;
    if (blackhole) summary.mtuBlackhole = blackhole;
    return summary;
  }

  private trimKept(): void {
    this.kept.sort((a, b) => b.score - a.score || a.firstTs - b.firstTs);
    if (this.kept.length >= this.maxKept) {
      for (let i = this.maxKept; i < this.kept.length; i++) this.freeSlot(this.kept[i].f);
      this.kept.length = this.maxKept;
      this.keptThreshold = this.kept[this.kept.length - 1].score;
    }
  }

  finish(): CaptureSummary {
    const all = this.allLive();
    const D = this.D;
    all.sort((a, b) => D[a * ND + D_FIRSTTS] - D[b * ND + D_FIRSTTS]);
    for (const f of all) this.finalize(f);
    this.buckets.fill(NONE);
    this.live = 0;
    this.last = NONE;
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
    if (this.nCut > 0) s.framesCutShort = this.nCut;
    s.flows = this.kept.map((k) => this.build(k.f));
    for (const [k, v] of this.stateCounts) s.flowsByState[k] = v;
    s.mssSeen = [...this.mss].sort((a, b) => a - b);
    const allTs: SrcTs[] = [];
    for (const l of this.srcTs6.values()) for (const x of l) allTs.push(x.e);
    for (const m of this.srcTs4.values()) allTs.push(...m.values());
    s.tsBackwards = allTs
      .filter((e) => e.backwardSteps > 0 && e.example)
      .sort((a, b) => b.backwardSteps - a.backwardSteps)
      .slice(0, MAX_LIST)
      .map((e) => ({ addr: e.addr, peer: e.peer, connections: e.connections, backwardSteps: e.backwardSteps, clocks: e.clocks, example: e.example! }));
    return s;
  }

  /**
   * After finish(): drops the flow table's storage but keeps the object, so that a caller can hold on to
   * it (see summarizeCapture) at little cost. Only typed arrays of the same types and emptied arrays are
   * assigned: the object's shape (hidden class) must not change.
   */
  releaseStorage(): void {
    this.I = new Int32Array(0);
    this.D = new Float64Array(0);
    this.H = new Uint8Array(0);
    this.buckets = new Int32Array(0);
    this.cap = 0;
    this.used = 0;
    this.W6 = new Int32Array(0);
    this.tunnels.length = 0;
    this.icmpNotes.length = 0;
    this.synMore.length = 0;
    this.synAckMore.length = 0;
    this.freeSlots.length = 0;
    this.freeHead = 0;
    this.kept.length = 0;
    this.closedQueue.length = 0;
    this.closedGen.length = 0;
    this.ctlQueue.length = 0;
    this.ctlGen.length = 0;
    this.srcTs6.clear();
    this.srcTs4.clear();
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
