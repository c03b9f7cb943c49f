/**
 * The capture engine's per-packet core, in AssemblyScript (`npm run build:wasm` compiles it into
 * ../core-wasm.ts, base64; core-wasm.test.ts fails when that is stale).
 *
 * Why WebAssembly: the same code in JavaScript ran at the same speed once optimised, but a fresh process
 * spent its first ~0.15–0.2 s of every capture in V8's interpreter and optimising compiler (68 compilations,
 * ~20 deoptimisations per pass); WebAssembly is compiled once, ahead of the first packet.
 *
 * What is here: pcap record framing, link → IP → L4 decoding into the scratch packet, the flow table and
 * the TCP/UDP per-packet state (Zeek's endpoint state machine, history letters, retransmissions, duplicate
 * ACKs, zero windows, the MTU black-hole counters), the closing and idle sweeps, TCP timestamp clocks per
 * address pair, and the finalising of plain flows (connState, counts). What is not: whatever makes strings
 * or objects. Finalising the other flows, SYN time lists, tunnels and ICMP notes are calls into the
 * TypeScript around it (flows.ts), rare per packet. The logic is a port of session 2's flows.ts and
 * decode.ts (scripts/check/vs-revision.ts 79f1d3f: equal on every capture) and must stay equal to what
 * tshark and the tests say (streams.test.ts). Offsets shared with TypeScript are in ../layout.ts.
 */
import {
  D_CLOSEDAT, D_FIRSTINDEX, D_FIRSTTS, D_HSRTT, D_LASTTS, D_O, D_OTS, D_R, D_RTS, D_SYN0, D_SYNACK0, D_SYNLAST,
  MAX_HISTORY, MAX_TIMES, N_A4, N_ANOM, N_B4, N_FLIPPED, N_GEN, N_HIST, N_KEY, N_LIVE, N_NEXT, N_PA, N_PB, N_PROTO,
  N_SYNACKN, N_SYNN, N_V6, N_VNI, ND, NI, P_ACK, P_DF, P_DPORT, P_DST4, P_FLAGS, P_FRAGID, P_FRAGMORE, P_FRAGOFF,
  P_HASOPTS, P_HASQUOTED, P_ICMPCODE, P_ICMPMTU, P_ICMPTYPE, P_INDEX, P_IPLEN, P_IPVER, P_ISFRAG, P_L4, P_MSS,
  P_ORIGLEN, P_OUTERDF, P_OUTERDPORT, P_OUTERDST4, P_OUTERLEN, P_OUTERSRC4, P_OUTERVER, P_OUTERW6, P_PAYLEN, P_PROTO,
  P_QDPORT, P_QDST4, P_QPROTO, P_QSEQ, P_QSPORT, P_QSRC4, P_QVER, P_QW6, P_SACKPERM, P_SEQ, P_SIZE, P_SPORT, P_SRC4,
  P_TRUNC, P_TS, P_TSECR, P_TSVAL, P_TTL, P_TUNKIND, P_VNI, P_W6, P_WINDOW, P_WSCALE,
  S_DATARETRANS, S_DUPACKS, S_HASLASTACK, S_HASOPTS, S_KEEPALIVE, S_LARGEEND, S_LARGERETRANS, S_LARGESIZE,
  S_LASTACK, S_LASTFINSEQ, S_LASTRSTSEQ, S_LASTSYNSEQ, S_LASTWIN, S_MAXSEG, S_MAXSEQEND, S_ONCE, S_OPTMSS, S_OPTSACK,
  S_OPTWS, S_PACKETS, S_RESETS, S_RETRANS, S_SEQINIT, S_SMALLACKED, S_SMALLPENDING, S_SMALLPENDINGEND, S_STATE,
  S_UDPACTIVE, S_ZEROWIN, SD_BYTES, SD_TSECR, SD_TSVAL, SIDE_O, SIDE_R, SKIP_BAD_IP, SKIP_BAD_L4, SKIP_NONE,
  SKIP_NOT_IP, SKIP_SNAPLEN, SKIP_UNKNOWN_LINK, T_BYTES, T_CUT, T_FIRST, T_FRAG, T_ICMP, T_IPV4, T_IPV6, T_LAST,
  T_MAXIP, T_PACKETS, T_SIZE, T_SKIP, T_TCP, T_TUNNEL, T_UDP, TS_BACKWARD, TS_CLKCAP, TS_CLKPTR, TS_CLOCKS,
  TS_CONNECTIONS, TS_DST, TS_EXFROM, TS_EXTO, TS_EXTS, TS_HASEX, TS_KEY, TS_LASTTS, TS_LASTTSVAL, TS_NCLOCK, TS_NEXT,
  TS_SRC, TS_V6, TSE, F_ACK, F_FIN, F_RST, F_SYN, NO_TS, P_TUNLAYERS, P_ERSPAN, S_ZSTART, S_ZLAST, S_ZACK, S_ZWRAPS,
  S_DELIV, S_FINAT, S_NBLK, S_BLK, MAX_BLOCKS, S_GAPS, S_ZBITS, Z_FIN, D_MISSO, D_MISSR,
  T_MISSED, T_GAPFLOWS, T_UNTRACKEDPKTS, T_UNTRACKEDSINCE, T_BUDGET, T_PEAKLIVE, P_INFRAG,
} from "../layout";

// ---- calls into TypeScript (flows.ts, FlowEngine) ----
/** a flow is done: aggregate it; 1 when the kept list took its slot, 0 to free it */
@external("env", "finalize") declare function jsFinalize(f: i32): i32;
/** a retransmitted SYN (synAck 0) or SYN-ACK (1) at ts: times after the first live in TypeScript */
@external("env", "synTime") declare function jsSynTime(f: i32, synAck: i32, ts: f64): void;
/** flow f was created from a tunnelled packet (the scratch's outer fields) */
@external("env", "tunnelNew") declare function jsTunnelNew(f: i32): void;
/** another tunnelled packet of flow f */
@external("env", "tunnelOuter") declare function jsTunnelOuter(f: i32): void;
/** an ICMP error with a next-hop MTU (the scratch); f: the flow it quotes, or -1 */
@external("env", "icmpMtu") declare function jsIcmpMtu(f: i32): void;
/** decode-only mode: the scratch holds a decoded packet */
@external("env", "packet") declare function jsPacket(): void;

const NONE: i32 = -1;

// ---- static areas ----
const SC: usize = memory.data(P_SIZE, 16);
const ST: usize = memory.data(T_SIZE, 16);
// MSS values seen in SYN options, one bit per value
const MSSBITS: usize = memory.data(8192, 16);
// queue descriptors (pointer, capacity, head, tail): free slots, closed flows, closed control-only flows
const QD: usize = memory.data(48, 16);
const FREEQ: usize = QD;
const CLOSEDQ: usize = QD + 16;
const CTLQ: usize = QD + 32;
// packets of IP protocols the engine does not decode, by protocol number
const PROTOS: usize = memory.data(256 * 4, 16);

// ---- allocation: a bump allocator (the stub runtime); `gen` changes whenever a TypeScript view may be stale ----
let memGen: i32 = 0;

function alloc(size: i32): i32 {
  const before = memory.size();
  const p = <i32>heap.alloc(<usize>size);
  if (memory.size() != before) memGen++;
  return p;
}

// ---- small fixed copies and fills: inline loads and stores (memory.copy / memory.fill of a few bytes
// cost a call each in V8's code; decodeIPv6 spent ~20 ns per packet on its 32-byte copy) ----
// @ts-ignore: decorator
@inline function copy16(to: usize, from: usize): void {
  store<i64>(to, load<i64>(from));
  store<i64>(to + 8, load<i64>(from + 8));
}

// @ts-ignore: decorator
@inline function copy32(to: usize, from: usize): void {
  copy16(to, from);
  copy16(to + 16, from + 16);
}

/** zeroes n bytes at p (n a multiple of 32) */
// @ts-ignore: decorator
@inline function zero(p: usize, n: i32): void {
  for (let o: usize = 0; o < <usize>n; o += 32) {
    store<i64>(p + o, 0);
    store<i64>(p + o + 8, 0);
    store<i64>(p + o + 16, 0);
    store<i64>(p + o + 24, 0);
  }
}

// ---- the scratch packet ----
// @ts-ignore: decorator
@inline function pI(o: i32): i32 { return load<i32>(SC + <usize>o); }
// @ts-ignore: decorator
@inline function setP(o: i32, v: i32): void { store<i32>(SC + <usize>o, v); }
// @ts-ignore: decorator
@inline function pD(o: i32): f64 { return load<f64>(SC + <usize>o); }
// @ts-ignore: decorator
@inline function setPD(o: i32, v: f64): void { store<f64>(SC + <usize>o, v); }

// ---- bytes of the input ----
// @ts-ignore: decorator
@inline function byte(p: i32): i32 { return <i32>load<u8>(<usize>p); }
// @ts-ignore: decorator
@inline function be16(p: i32): i32 { return <i32>bswap<u16>(load<u16>(<usize>p)); }
// @ts-ignore: decorator
@inline function be32(p: i32): i32 { return bswap<i32>(load<i32>(<usize>p)); }
// @ts-ignore: decorator
@inline function beU32(p: i32): f64 { return <f64>bswap<u32>(load<u32>(<usize>p)); }
// @ts-ignore: decorator
@inline function le16(p: i32): i32 { return <i32>load<u16>(<usize>p); }
// @ts-ignore: decorator
@inline function le32(p: i32): u32 { return load<u32>(<usize>p); }


// ---- decoding (decode.ts) ----
const ETH_VLAN: i32 = 0x8100;
const ETH_QINQ: i32 = 0x88a8;
const ETH_QINQ_OLD: i32 = 0x9100;
const ETH_IP4: i32 = 0x0800;
const ETH_IP6: i32 = 0x86dd;
/** transparent Ethernet bridging: an Ethernet frame follows (VXLAN, gretap, ERSPAN) */
const ETH_TEB: i32 = 0x6558;

function resetScratch(): void {
  setP(P_L4, 0);
  setP(P_ISFRAG, 0);
  setP(P_FRAGOFF, 0);
  setP(P_FRAGMORE, 0);
  setP(P_DF, 0);
  setP(P_HASOPTS, 0);
  setP(P_HASQUOTED, 0);
  setP(P_TUNKIND, 0);
  setP(P_TRUNC, 0);
  setPD(P_ICMPMTU, -1);
  setP(P_FLAGS, 0);
  setP(P_PAYLEN, 0);
}

/** decodes one frame at [off, off + caplen) into the scratch; returns a skip code (SKIP_NONE: an IP packet) */
export function decodeFrame(link: i32, off: i32, caplen: i32): i32 {
  resetScratch();
  const end = off + caplen;
  switch (link) {
    case 1:
      return decodeEthernet(off, end, 0);
    case 113:
      if (caplen < 16) return SKIP_SNAPLEN;
      return decodeEtherType(be16(off + 14), off + 16, end, 0);
    case 276:
      if (caplen < 20) return SKIP_SNAPLEN;
      return decodeEtherType(be16(off), off + 20, end, 0);
    case 101:
    case 228:
    case 229:
    case 12:
    case 14: {
      if (caplen < 1) return SKIP_SNAPLEN;
      const v = byte(off) >> 4;
      if (v == 4) return decodeIPv4(off, end, 0);
      if (v == 6) return decodeIPv6(off, end, 0);
      return SKIP_NOT_IP;
    }
    case 0: {
      if (caplen < 4) return SKIP_SNAPLEN;
      // host byte order of the capturing machine: small values tell which one
      let af = le32(off);
      if (af > 0xffff) af = bswap<u32>(af);
      return decodeAf(af, off + 4, end);
    }
    case 108:
      if (caplen < 4) return SKIP_SNAPLEN;
      return decodeAf(bswap<u32>(le32(off)), off + 4, end);
    case 239:
      return decodeNflog(off, end);
    default:
      return SKIP_UNKNOWN_LINK;
  }
}

function decodeAf(af: u32, off: i32, end: i32): i32 {
  if (af == 2) return decodeIPv4(off, end, 0);
  if (af == 24 || af == 28 || af == 30 || af == 10) return decodeIPv6(off, end, 0);
  return SKIP_NOT_IP;
}

function decodeNflog(off: i32, end: i32): i32 {
  if (end - off < 4) return SKIP_SNAPLEN;
  const family = byte(off);
  let o = off + 4;
  while (o + 4 <= end) {
    // TLV length and type are in the capturing host's byte order (little-endian on x86, which wrote this)
    const len = le16(o);
    const type = le16(o + 2) & 0x7fff;
    if (len < 4) return SKIP_BAD_IP;
    if (type == 9) {
      const pend = min(end, o + len);
      if (family == 2) return decodeIPv4(o + 4, pend, 0);
      if (family == 10) return decodeIPv6(o + 4, pend, 0);
      const v = byte(o + 4) >> 4;
      if (v == 4) return decodeIPv4(o + 4, pend, 0);
      if (v == 6) return decodeIPv6(o + 4, pend, 0);
      return SKIP_NOT_IP;
    }
    o += (len + 3) & ~3;
  }
  return SKIP_NOT_IP;
}

function decodeEthernet(off: i32, end: i32, depth: i32): i32 {
  if (end - off < 14) return SKIP_SNAPLEN;
  return decodeEtherType(be16(off + 12), off + 14, end, depth);
}

function decodeEtherType(etherType: i32, off: i32, end: i32, depth: i32): i32 {
  let et = etherType;
  let o = off;
  // 802.1Q / 802.1ad stacks (QinQ, QinQinQ): bounded so garbage cannot loop
  for (let tags = 0; (et == ETH_VLAN || et == ETH_QINQ || et == ETH_QINQ_OLD) && tags < 8; tags++) {
    if (end - o < 4) return SKIP_SNAPLEN;
    et = be16(o + 2);
    o += 4;
  }
  if (et == ETH_IP4) return decodeIPv4(o, end, depth);
  if (et == ETH_IP6) return decodeIPv6(o, end, depth);
  return SKIP_NOT_IP;
}

function decodeIPv4(off: i32, end: i32, depth: i32): i32 {
  if (end - off < 20) return SKIP_SNAPLEN;
  const vihl = byte(off);
  if (vihl >> 4 != 4) return SKIP_BAD_IP;
  const ihl = (vihl & 15) * 4;
  if (ihl < 20) return SKIP_BAD_IP;
  let total = be16(off + 2);
  const avail = end - off;
  // TSO/GSO segments captured before segmentation carry total length 0: the frame is the truth
  if (total == 0) total = avail;
  else if (total < ihl) return SKIP_BAD_IP;
  const fragField = be16(off + 6);
  const fragOffset = (fragField & 0x1fff) * 8;
  const more = (fragField & 0x2000) != 0;
  setP(P_IPVER, 4);
  setP(P_SRC4, be32(off + 12));
  setP(P_DST4, be32(off + 16));
  setP(P_IPLEN, total);
  setP(P_TTL, byte(off + 8));
  if (depth == 0) setP(P_DF, (fragField & 0x4000) != 0 ? 1 : 0);
  const proto = byte(off + 9);
  setP(P_PROTO, proto);
  if (fragOffset != 0 || more) {
    setP(P_ISFRAG, 1);
    setP(P_FRAGOFF, fragOffset);
    setP(P_FRAGMORE, more ? 1 : 0);
    setPD(P_FRAGID, <f64>be16(off + 4));
    if (fragOffset != 0) return SKIP_NONE;
  }
  if (avail < ihl) return SKIP_SNAPLEN;
  const l4end = total < avail ? off + total : end;
  if (total > avail) setP(P_TRUNC, 1);
  return decodeL4(proto, off + ihl, l4end, total - ihl, depth);
}

// jumbo payload lengths are uint32; kept below 2^31 (a capture cannot hold more anyway)
const MAX_LEN: f64 = 2147483000;

function decodeIPv6(off: i32, end: i32, depth: i32): i32 {
  if (end - off < 40) return SKIP_SNAPLEN;
  if (byte(off) >> 4 != 6) return SKIP_BAD_IP;
  let payloadLen = be16(off + 4);
  let nh = byte(off + 6);
  setP(P_IPVER, 6);
  setP(P_TTL, byte(off + 7));
  copy32(SC + <usize>P_W6, <usize>(off + 8));
  let o = off + 40;
  let extLen = 0;
  for (let hops = 0; hops < 16; hops++) {
    if (nh == 0 || nh == 43 || nh == 60 || nh == 51) {
      if (end - o < 8) return SKIP_SNAPLEN;
      const hlen = nh == 51 ? (byte(o + 1) + 2) * 4 : (byte(o + 1) + 1) * 8;
      if (nh == 0 && payloadLen == 0) {
        // hop-by-hop jumbo payload option (RFC 2675; BIG TCP uses it)
        let q = o + 2;
        const hend = min(o + hlen, end);
        while (q + 2 <= hend) {
          const t = byte(q);
          if (t == 0) {
            q++;
            continue;
          }
          const l = byte(q + 1);
          if (t == 0xc2 && l == 4 && q + 6 <= hend) payloadLen = <i32>min(beU32(q + 2), MAX_LEN);
          q += 2 + l;
        }
      }
      nh = byte(o);
      o += hlen;
      extLen += hlen;
      continue;
    }
    if (nh == 44) {
      if (end - o < 8) return SKIP_SNAPLEN;
      const fo = be16(o + 2);
      setP(P_ISFRAG, 1);
      setP(P_FRAGOFF, fo & 0xfff8);
      setP(P_FRAGMORE, fo & 1);
      setPD(P_FRAGID, beU32(o + 4));
      nh = byte(o);
      o += 8;
      extLen += 8;
      // atomic fragments (offset 0, no more) still carry the whole L4 header
      if ((fo & 0xfff8) != 0) {
        setP(P_PROTO, nh);
        setP(P_IPLEN, payloadLen + 40);
        return SKIP_NONE;
      }
      continue;
    }
    break;
  }
  if (payloadLen == 0) payloadLen = end - off - 40;
  setP(P_IPLEN, payloadLen + 40);
  setP(P_PROTO, nh);
  if (o > end) return SKIP_SNAPLEN;
  const total = 40 + payloadLen;
  // total may be a jumbo length near 2^31: compared with what is left, never added to off first
  if (total > end - off) setP(P_TRUNC, 1);
  const l4end = total < end - off ? off + total : end;
  return decodeL4(nh, o, l4end, payloadLen - extLen, depth);
}

function decodeL4(proto: i32, off: i32, end: i32, l4len: i32, depth: i32): i32 {
  if (proto == 6) {
    if (end - off < 20) return pI(P_TRUNC) != 0 ? SKIP_SNAPLEN : SKIP_BAD_L4;
    setP(P_SPORT, be16(off));
    setP(P_DPORT, be16(off + 2));
    setP(P_SEQ, be32(off + 4));
    setP(P_ACK, be32(off + 8));
    const doff = (byte(off + 12) >> 4) * 4;
    if (doff < 20) return SKIP_BAD_L4;
    const flags = byte(off + 13);
    setP(P_FLAGS, flags);
    setP(P_WINDOW, be16(off + 14));
    const pl = l4len - doff;
    setP(P_PAYLEN, pl > 0 ? pl : 0);
    setP(P_L4, 6);
    if (flags & F_SYN) parseTcpOptions(off + 20, min(off + doff, end));
    return SKIP_NONE;
  }
  if (proto == 17) {
    if (end - off < 8) return pI(P_TRUNC) != 0 ? SKIP_SNAPLEN : SKIP_BAD_L4;
    const sport = be16(off);
    const dport = be16(off + 2);
    setP(P_SPORT, sport);
    setP(P_DPORT, dport);
    // the datagram's own length (Zeek's count): a first fragment carries the whole datagram's; 0 (an IPv6
    // jumbogram) or less than a header: the IP length
    const ulen = be16(off + 4);
    const pl = ulen >= 8 ? ulen - 8 : l4len - 8;
    setP(P_PAYLEN, pl > 0 ? pl : 0);
    setP(P_L4, 17);
    if (depth < MAX_TUNNELS && (dport == 4789 || dport == 8472 || dport == 6081)) return decapsulate(dport, off + 8, end, depth);
    // GRE in UDP (RFC 8086)
    if (dport == 4754) return decodeGre(off + 8, end, depth, dport);
    return SKIP_NONE;
  }
  // IP in IP (Calico's default overlay; sit, ip6tnl): the inner packet right after the outer header
  if (proto == 4) return decap(TUN_IPIP, 0, 0, 0, ETH_IP4, off, end, depth, false);
  if (proto == 41) return decap(TUN_IPIP, 0, 0, 0, ETH_IP6, off, end, depth, false);
  if (proto == 47) return decodeGre(off, end, depth, 0);
  if (proto == 1 || proto == 58) {
    if (end - off < 4) return pI(P_TRUNC) != 0 ? SKIP_SNAPLEN : SKIP_BAD_L4;
    setP(P_L4, proto);
    const type = byte(off);
    const code = byte(off + 1);
    setP(P_ICMPTYPE, type);
    setP(P_ICMPCODE, code);
    if (end - off >= 8) {
      if (proto == 1) {
        if (type == 3 && code == 4) setPD(P_ICMPMTU, <f64>be16(off + 6));
        if (type == 3 || type == 11 || type == 12 || type == 4 || type == 5) quoteV4(off + 8, end);
      } else {
        if (type == 2) setPD(P_ICMPMTU, beU32(off + 4));
        if (type >= 1 && type <= 4) quoteV6(off + 8, end);
      }
    }
    return SKIP_NONE;
  }
  return SKIP_NONE;
}

function parseTcpOptions(off: i32, end: i32): void {
  setP(P_HASOPTS, 1);
  setP(P_MSS, -1);
  setP(P_WSCALE, -1);
  setP(P_SACKPERM, 0);
  setPD(P_TSVAL, NO_TS);
  setPD(P_TSECR, NO_TS);
  let o = off;
  while (o < end) {
    const kind = byte(o);
    if (kind == 0) break;
    if (kind == 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = byte(o + 1);
    if (len < 2 || o + len > end) break;
    if (kind == 2 && len == 4) setP(P_MSS, be16(o + 2));
    else if (kind == 3 && len == 3) setP(P_WSCALE, byte(o + 2));
    else if (kind == 4 && len == 2) setP(P_SACKPERM, 1);
    else if (kind == 8 && len == 10) {
      setPD(P_TSVAL, beU32(o + 2));
      setPD(P_TSECR, beU32(o + 6));
    }
    o += len;
  }
}

function quoteL4(proto: i32, o: i32, end: i32): void {
  setP(P_QPROTO, proto);
  setP(P_QSPORT, -1);
  setP(P_QDPORT, -1);
  setPD(P_QSEQ, -1);
  if ((proto == 6 || proto == 17) && end - o >= 4) {
    setP(P_QSPORT, be16(o));
    setP(P_QDPORT, be16(o + 2));
    if (proto == 6 && end - o >= 8) setPD(P_QSEQ, beU32(o + 4));
  }
}

function quoteV4(off: i32, end: i32): void {
  if (end - off < 20 || byte(off) >> 4 != 4) return;
  const ihl = (byte(off) & 15) * 4;
  if (ihl < 20) return;
  setP(P_HASQUOTED, 1);
  setP(P_QVER, 4);
  setP(P_QSRC4, be32(off + 12));
  setP(P_QDST4, be32(off + 16));
  quoteL4(byte(off + 9), off + ihl, end);
}

function quoteV6(off: i32, end: i32): void {
  if (end - off < 40 || byte(off) >> 4 != 6) return;
  setP(P_HASQUOTED, 1);
  setP(P_QVER, 6);
  copy32(SC + <usize>P_QW6, <usize>(off + 8));
  let nh = byte(off + 6);
  let o = off + 40;
  for (let hops = 0; hops < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44); hops++) {
    if (end - o < 8) break;
    const next = byte(o);
    o += nh == 44 ? 8 : (byte(o + 1) + 1) * 8;
    nh = next;
  }
  quoteL4(nh, o, end);
}

// tunnel kinds (P_TUNKIND)
const TUN_VXLAN: i32 = 1;
const TUN_GENEVE: i32 = 2;
const TUN_GRE: i32 = 3;
const TUN_IPIP: i32 = 4;
// tunnels inside tunnels are decoded this deep (GRE in GRE, VXLAN in GRE …); deeper ones count as undecoded
const MAX_TUNNELS: i32 = 4;
// each level's outer IPv6 addresses, kept while the inner headers overwrite the scratch
const TSTACK: usize = memory.data(32 * MAX_TUNNELS, 16);

function decapsulate(dport: i32, off: i32, end: i32, depth: i32): i32 {
  if (end - off < 8) return SKIP_NONE;
  if (dport == 6081) {
    if (byte(off) >> 6 != 0) return SKIP_NONE;
    const optLen = (byte(off) & 0x3f) * 4;
    return decap(TUN_GENEVE, (be32(off + 4) >>> 8) & 0xffffff, dport, 0, be16(off + 2), off + 8 + optLen, end, depth, true);
  }
  // the I flag says the VNI is valid; without it this is not VXLAN (8472 is also other things)
  if ((byte(off) & 0x08) == 0) return SKIP_NONE;
  return decap(TUN_VXLAN, (be32(off + 4) >>> 8) & 0xffffff, dport, 0, ETH_TEB, off + 8, end, depth, true);
}

/**
 * GRE (RFC 2784/2890, and version 1 for PPTP), as Zeek decodes it: IPv4, IPv6, transparent Ethernet
 * bridging (gretap, NVGRE), ERSPAN types I, II and III (Ethernet after their header), PPP in enhanced GRE.
 * Routing present, reserved flags set, another version or another payload: not decoded (counted as "gre";
 * in UDP, dport != 0, the datagram stays a UDP packet).
 */
function decodeGre(off: i32, end: i32, depth: i32, dport: i32): i32 {
  // (returning SKIP_NONE before decap: a bare GRE packet has no L4 and is counted as "gre"; in UDP the
  // scratch still holds the datagram)
  if (end - off < 4) return SKIP_NONE;
  const fv = be16(off);
  const pt = be16(off + 2);
  const ver = fv & 7;
  if (ver > 1 || (fv & 0x4000) != 0 || (fv & 0x0078) != 0) return SKIP_NONE;
  let hl = 4;
  if (fv & 0x8000) hl += 4; // checksum
  let key = 0;
  if (fv & 0x2000) {
    if (end - off >= hl + 4) key = be32(off + hl);
    hl += 4;
  }
  if (fv & 0x1000) hl += 4; // sequence number
  if (fv & 0x0080) hl += 4; // acknowledgement (version 1)
  let inner = off + hl;
  let what = 0;
  let erspan = 0;
  if (ver == 1) {
    // enhanced GRE carries PPP: address, control, then the PPP protocol; its key field is the payload
    // length and the call ID, which names the session
    key &= 0xffff;
    if (pt != 0x880b || end - inner < 4) return SKIP_NONE;
    const pp = be16(inner + 2);
    if (pp == 0x0021) what = ETH_IP4;
    else if (pp == 0x0057) what = ETH_IP6;
    else return SKIP_NONE;
    inner += 4;
  } else if (pt == ETH_IP4 || pt == ETH_IP6) what = pt;
  else if (pt == ETH_TEB) what = ETH_TEB;
  else if (pt == 0x88be) {
    // ERSPAN type II has a sequence number and an 8-byte header (its session ID is the key here); type I neither
    erspan = 1;
    what = ETH_TEB;
    if (fv & 0x1000) {
      if (end - inner < 8) return SKIP_NONE;
      key = be16(inner + 2) & 0x3ff;
      inner += 8;
    }
  } else if (pt == 0x22eb) {
    // ERSPAN type III: a 12-byte header, and 8 more when its last bit says a platform subheader follows
    if (end - inner < 12) return SKIP_NONE;
    erspan = 1;
    what = ETH_TEB;
    key = be16(inner + 2) & 0x3ff;
    inner += (byte(inner + 11) & 1) != 0 ? 20 : 12;
  } else return SKIP_NONE;
  return decap(TUN_GRE, key, dport, erspan, what, inner, end, depth, dport != 0);
}

/**
 * Decodes the inner packet of a tunnel (kind, key: VNI, GRE key or ERSPAN session; what: ETH_TEB for an
 * Ethernet frame, else an EtherType) at [inner, end). On success the scratch holds the inner packet and the
 * tunnel fields: the innermost tunnel's kind and endpoints (as Zeek's tunnel_parents), the outermost
 * packet's length and DF (what the underlay carries). When the inner packet cannot be used the outer one is
 * restored: a UDP tunnel stays its outer UDP datagram, GRE and IP-in-IP become an IP packet of their protocol
 * (counted among the undecoded protocols).
 */
function decap(kind: i32, key: i32, dport: i32, erspan: i32, what: i32, inner: i32, end: i32, depth: i32, udp: bool): i32 {
  if (inner >= end) return SKIP_NONE;
  // the tunnel-only scratch fields (read only when P_TUNKIND is set) start afresh at the outermost tunnel
  if (depth == 0) {
    setP(P_TUNLAYERS, 0);
    setP(P_ERSPAN, 0);
    setP(P_INFRAG, 0);
  }
  if (depth >= MAX_TUNNELS) {
    if (!udp) setP(P_L4, 0);
    return SKIP_NONE;
  }
  // the outer view, before the inner headers overwrite the scratch
  const oVer = pI(P_IPVER);
  const oS4 = pI(P_SRC4);
  const oD4 = pI(P_DST4);
  const w = TSTACK + (<usize>depth << 5);
  copy32(w, SC + <usize>P_W6);
  const oLen = pI(P_IPLEN);
  const oDf = pI(P_DF);
  const oTrunc = pI(P_TRUNC);
  const oProto = pI(P_PROTO);
  const oTtl = pI(P_TTL);
  const oSport = pI(P_SPORT);
  const oPayload = pI(P_PAYLEN);
  const oIsFrag = pI(P_ISFRAG);
  const oFragMore = pI(P_FRAGMORE);
  const oFragId = pD(P_FRAGID);
  const r = what == ETH_TEB ? decodeEthernet(inner, end, depth + 1) : decodeEtherType(what, inner, end, depth + 1);
  if (r != SKIP_NONE) {
    // the inner packet is unusable: report the outer one instead
    setP(P_IPVER, oVer);
    setP(P_SRC4, oS4);
    setP(P_DST4, oD4);
    copy32(SC + <usize>P_W6, w);
    setP(P_IPLEN, oLen);
    setP(P_TTL, oTtl);
    setP(P_PROTO, oProto);
    setP(P_ISFRAG, oIsFrag);
    setP(P_FRAGOFF, 0);
    setP(P_FRAGMORE, oFragMore);
    setPD(P_FRAGID, oFragId);
    setP(P_TRUNC, oTrunc);
    setP(P_FLAGS, 0);
    setP(P_HASQUOTED, 0);
    setP(P_HASOPTS, 0);
    setPD(P_ICMPMTU, -1);
    setP(P_TUNKIND, 0);
    setP(P_TUNLAYERS, 0);
    setP(P_ERSPAN, 0);
    if (udp) {
      setP(P_L4, 17);
      setP(P_SPORT, oSport);
      setP(P_DPORT, dport);
      setP(P_PAYLEN, oPayload);
    } else {
      setP(P_L4, 0);
      setP(P_PAYLEN, 0);
    }
    return SKIP_NONE;
  }
  if (pI(P_TUNKIND) == 0) {
    // the innermost tunnel names the flow's tunnel
    setP(P_TUNKIND, kind);
    setP(P_VNI, key);
    setP(P_OUTERVER, oVer);
    setP(P_OUTERSRC4, oS4);
    setP(P_OUTERDST4, oD4);
    copy32(SC + <usize>P_OUTERW6, w);
    setP(P_OUTERDPORT, dport);
  }
  if (erspan != 0) setP(P_ERSPAN, 1);
  // a first fragment carried this inner packet: what it lacks is in the next fragments
  if (oIsFrag != 0 && oFragMore != 0) setP(P_INFRAG, 1);
  setP(P_TUNLAYERS, pI(P_TUNLAYERS) + 1);
  // the outermost level runs last: its length and DF are what the underlay carries
  setP(P_OUTERLEN, oLen);
  setP(P_OUTERDF, oDf);
  if (oTrunc != 0) setP(P_TRUNC, 1);
  return SKIP_NONE;
}

// ---- the record loop (reader.ts) ----
let frameIndex: i32 = 0;
let nPackets: i32 = 0;
let nCut: i32 = 0;
let nBytes: f64 = 0;
let tFirst: f64 = NaN;
let tLast: f64 = NaN;
let stopCaplen: f64 = -1;

/** every captured record, decodable or not; mode 0 feeds the flow table, 1 only decodes (jsPacket) */
export function frame(link: i32, off: i32, caplen: i32, origLen: f64, ts: f64, mode: i32): void {
  frameIndex++;
  countFrame(ts, origLen, <f64>caplen);
  const r = decodeFrame(link, off, caplen);
  if (r != SKIP_NONE) {
    const k = ST + T_SKIP + (<usize>r << 2);
    store<i32>(k, load<i32>(k) + 1);
    return;
  }
  setPD(P_TS, ts);
  setP(P_INDEX, frameIndex);
  setP(P_ORIGLEN, <i32>min(origLen, MAX_LEN));
  if (mode == 0) ingest();
  else jsPacket();
}

export function countFrame(ts: f64, origLen: f64, caplen: f64): void {
  nPackets++;
  if (caplen < origLen) nCut++;
  nBytes += origLen;
  if (isNaN(tFirst)) tFirst = ts;
  if (!(ts <= tLast)) tLast = ts;
}

// the largest record the core frames, whatever maxCap says (the pcapng reader's block limit): a length is
// a uint32 and must never reach i32 arithmetic unchecked (issue 10: 0xFFFFFFF0 became -16, the position
// stopped moving and the loop spun forever; other values wrapped and framed garbage as packets)
const MAX_RECORD_LEN: u32 = 64 * 1024 * 1024;

/**
 * pcap records in [start, n): returns the offset of the first unconsumed byte. A record claiming more than
 * maxCap bytes (or MAX_RECORD_LEN) stops the loop there, with stopCaplen() its claim.
 */
export function pcapRecords(start: i32, n: i32, le: i32, div: f64, link: i32, maxCap: f64, mode: i32): i32 {
  let pos = start;
  stopCaplen = -1;
  while (pos + 16 <= n) {
    const capU = le ? le32(pos + 8) : bswap<u32>(le32(pos + 8));
    if (<f64>capU > maxCap || capU > MAX_RECORD_LEN) {
      stopCaplen = <f64>capU;
      return pos;
    }
    // compared as unsigned against what is left: no sum that can wrap
    if (capU > <u32>(n - pos - 16)) break;
    const caplen = <i32>capU;
    const origLen = <f64>(le ? le32(pos + 12) : bswap<u32>(le32(pos + 12)));
    const sec = <f64>(le ? le32(pos) : bswap<u32>(le32(pos)));
    const frac = <f64>(le ? le32(pos + 4) : bswap<u32>(le32(pos + 4)));
    frame(link, pos + 16, caplen, origLen, sec + frac / div, mode);
    pos += 16 + caplen;
  }
  return pos;
}

export function stopClaim(): f64 {
  return stopCaplen;
}

// ---- the flow table (flows.ts) ----
const INACTIVE: i32 = 0;
const SYN_SENT: i32 = 1;
const SYN_ACK_SENT: i32 = 2;
const PARTIAL: i32 = 3;
const ESTABLISHED: i32 = 4;
const CLOSED: i32 = 5;
const RESET: i32 = 6;
const ONCE_A: i32 = 1;
const ONCE_D: i32 = 2;
const ONCE_Q: i32 = 4;
const ONCE_I: i32 = 8;
const CLOSE_GRACE_SEC: f64 = 1;
const CONTROL_CLOSE_GRACE_SEC: f64 = 5;
const SWEEP_EVERY_SEC: f64 = 0.5;
const INITIAL_BUCKETS: i32 = 1 << 14;
const INITIAL_SLOTS: i32 = 256;

let Ip: i32 = 0;
let Dp: i32 = 0;
let Hp: i32 = 0;
let Wp: i32 = 0;
let Bp: i32 = 0;
let cap: i32 = 0;
let used: i32 = 0;
let nBuckets: i32 = 0;
let mask: i32 = 0;
let live: i32 = 0;
let last: i32 = NONE;
let fromOrig: bool = true;
let now: f64 = -Infinity;
let nextSweep: f64 = -Infinity;
let nextIdleScan: f64 = -Infinity;
let idle: f64 = 300;
let tmpP: i32 = 0;
let tmpCap: i32 = 0;
let nIpv4: i32 = 0;
let nIpv6: i32 = 0;
let nTcp: i32 = 0;
let nUdp: i32 = 0;
let nIcmp: i32 = 0;
let nTunnel: i32 = 0;
let nFrag: i32 = 0;
let maxIp: i32 = 0;

// @ts-ignore: decorator
@inline function gi(i: i32): i32 { return load<i32>(<usize>(Ip + (i << 2))); }
// @ts-ignore: decorator
@inline function si(i: i32, v: i32): void { store<i32>(<usize>(Ip + (i << 2)), v); }
// @ts-ignore: decorator
@inline function gd(i: i32): f64 { return load<f64>(<usize>(Dp + (i << 3))); }
// @ts-ignore: decorator
@inline function sd(i: i32, v: f64): void { store<f64>(<usize>(Dp + (i << 3)), v); }
// @ts-ignore: decorator
@inline function bucket(i: i32): i32 { return load<i32>(<usize>(Bp + (i << 2))); }
// @ts-ignore: decorator
@inline function setBucket(i: i32, v: i32): void { store<i32>(<usize>(Bp + (i << 2)), v); }

/**
 * A fresh engine for the next capture. An instance is reused from capture to capture (flows.ts keeps a few),
 * so this resets everything: the heap (its memory is reused; every area is written before it is read), the
 * static areas, and every global below (a global missed here would leak one capture into the next:
 * pool.test.ts summarises the captures one after another on one instance and compares with fresh ones).
 */
export function init(idleTimeoutSec: f64): void {
  __reset();
  memory.fill(SC, 0, <usize>P_SIZE);
  memory.fill(ST, 0, <usize>T_SIZE);
  memory.fill(MSSBITS, 0, 8192);
  memory.fill(QD, 0, 48);
  memory.fill(AGG, 0, 4 * 20);
  memory.fill(PROTOS, 0, 256 * 4);
  memory.fill(HLL, 0, 1 << HLL_BITS);
  budget = DEFAULT_BUDGET;
  slotLimit = 0x7fffffff;
  nextFullScan = -Infinity;
  peakLive = 0;
  untrackedPkts = 0;
  untrackedSince = NaN;
  memory.fill(TSTACK, 0, 32 * MAX_TUNNELS);
  aggMissed = 0;
  aggGapFlows = 0;
  frameIndex = 0;
  nPackets = 0;
  nCut = 0;
  nBytes = 0;
  tFirst = NaN;
  tLast = NaN;
  stopCaplen = -1;
  used = 0;
  live = 0;
  last = NONE;
  fromOrig = true;
  now = -Infinity;
  nextSweep = -Infinity;
  nextIdleScan = -Infinity;
  tmpP = 0;
  tmpCap = 0;
  nIpv4 = 0;
  nIpv6 = 0;
  nTcp = 0;
  nUdp = 0;
  nIcmp = 0;
  nTunnel = 0;
  nFrag = 0;
  maxIp = 0;
  inP = 0;
  inCap = 0;
  keptFloor = -0.5;
  npLo = 30000;
  npHi = 32767;
  tsP = 0;
  tsCap = 0;
  tsN = 0;
  tsB = 0;
  tsNB = 0;
  idle = idleTimeoutSec;
  Ip = alloc(INITIAL_SLOTS * NI * 4);
  Dp = alloc(INITIAL_SLOTS * ND * 8);
  Hp = alloc(INITIAL_SLOTS * MAX_HISTORY);
  Wp = alloc(INITIAL_SLOTS * 32);
  cap = INITIAL_SLOTS;
  nBuckets = INITIAL_BUCKETS;
  Bp = alloc(nBuckets * 4);
  memory.fill(<usize>Bp, 0xff, <usize>(nBuckets * 4));
  mask = nBuckets - 1;
  setPD(P_TSVAL, NO_TS);
  setPD(P_TSECR, NO_TS);
  memGen++;
}

// what TypeScript reads from memory
export function scratch(): i32 { return <i32>SC; }
export function gen(): i32 { return memGen; }
export function iBase(): i32 { return Ip; }
export function dBase(): i32 { return Dp; }
export function hBase(): i32 { return Hp; }
export function wBase(): i32 { return Wp; }
export function bBase(): i32 { return Bp; }
export function slots(): i32 { return cap; }
export function bucketCount(): i32 { return nBuckets; }
export function mssBits(): i32 { return <i32>MSSBITS; }
export function protoCounts(): i32 { return <i32>PROTOS; }
export function liveFlows(): i32 { return live; }

/** the per-capture counters, written into the statistics block */
export function stats(): i32 {
  store<f64>(ST + T_BYTES, nBytes);
  store<f64>(ST + T_FIRST, tFirst);
  store<f64>(ST + T_LAST, tLast);
  store<i32>(ST + T_PACKETS, nPackets);
  store<i32>(ST + T_CUT, nCut);
  store<i32>(ST + T_IPV4, nIpv4);
  store<i32>(ST + T_IPV6, nIpv6);
  store<i32>(ST + T_TCP, nTcp);
  store<i32>(ST + T_UDP, nUdp);
  store<i32>(ST + T_ICMP, nIcmp);
  store<i32>(ST + T_TUNNEL, nTunnel);
  store<i32>(ST + T_FRAG, nFrag);
  store<i32>(ST + T_MAXIP, maxIp);
  store<f64>(ST + T_MISSED, aggMissed);
  store<i32>(ST + T_GAPFLOWS, aggGapFlows);
  store<f64>(ST + T_UNTRACKEDPKTS, untrackedPkts);
  store<f64>(ST + T_UNTRACKEDSINCE, untrackedSince);
  store<i32>(ST + T_BUDGET, budget);
  store<i32>(ST + T_PEAKLIVE, peakLive);
  return <i32>ST;
}

let inP: i32 = 0;
let inCap: i32 = 0;

/** the input area, at least `size` bytes (a new one when it must grow; the old one stays readable) */
export function inputArea(size: i32): i32 {
  if (size > inCap) {
    inP = alloc(max(size, inCap * 2));
    inCap = max(size, inCap * 2);
  }
  return inP;
}

/** an area of `size` bytes that never moves (the file reader's double buffers) */
export function fixedArea(size: i32): i32 {
  return alloc(size);
}

/** a decoded IP packet in the scratch */
export function ingest(): void {
  const ts = pD(P_TS);
  if (ts > now) {
    now = ts;
    if (ts >= nextSweep) {
      if (nextSweep != -Infinity) sweep(ts);
      nextSweep = ts + SWEEP_EVERY_SEC;
    }
  }
  if (pI(P_TUNKIND) != 0) {
    nTunnel++;
    if (pI(P_OUTERVER) == 4) nIpv4++;
    else nIpv6++;
    if (pI(P_OUTERLEN) > maxIp) maxIp = pI(P_OUTERLEN);
  } else {
    if (pI(P_IPVER) == 4) nIpv4++;
    else nIpv6++;
    if (pI(P_IPLEN) > maxIp) maxIp = pI(P_IPLEN);
  }
  const nonFirst = pI(P_ISFRAG) != 0 && pI(P_FRAGOFF) != 0;
  if (nonFirst) nFrag++;
  const l4 = pI(P_L4);
  if (l4 == 6) {
    nTcp++;
    let f = expired(lookup(6, pI(P_IPVER) == 6, pI(P_SRC4), pI(P_DST4), SC + <usize>P_W6, pI(P_SPORT), pI(P_DPORT), -1), ts);
    const flags = pI(P_FLAGS);
    if (f == NONE) {
      f = create((flags & (F_SYN | F_ACK)) == (F_SYN | F_ACK));
      if (f == NONE) return;
    } else if ((flags & (F_SYN | F_ACK)) == F_SYN) f = reused(f);
    tcp(f, fromOrig);
    if (pI(P_TUNKIND) != 0) jsTunnelOuter(f);
  } else if (l4 == 17) udp(ts);
  else if (l4 == 1 || l4 == 58) {
    nIcmp++;
    if (pD(P_ICMPMTU) >= 0) icmpMtu();
  } else if (!nonFirst) {
    // a protocol the engine does not decode (ESP, SCTP, IGMP, OSPF …; GRE or IP-in-IP whose inner packet
    // could not be used): no flow has it, so it is counted by protocol
    const k = PROTOS + (<usize>(pI(P_PROTO) & 0xff) << 2);
    store<i32>(k, load<i32>(k) + 1);
  }
}

/**
 * The flow found for a packet at ts, or NONE when that flow is over by now: idle for idleTimeoutSec or more
 * (inclusive, as Zeek's inactivity timer), or closed and then quiet for longer than its close grace. The
 * sweeps finalise such flows too, but only every SWEEP_EVERY_SEC (and the idle scan every idle / 4): here
 * the outcome no longer depends on when the sweep last ran, i.e. on the other flows of the capture.
 */
// @ts-ignore: decorator
@inline function expired(f: i32, ts: f64): i32 {
  if (f == NONE) return NONE;
  const d = f * ND;
  const lastTs = gd(d + D_LASTTS);
  const closedAt = gd(d + D_CLOSEDAT);
  if (lastTs + idle <= ts || (closedAt >= 0 && lastTs < ts - (controlOnly(f) ? CONTROL_CLOSE_GRACE_SEC : CLOSE_GRACE_SEC))) {
    unlink(f);
    finalize(f);
    return NONE;
  }
  return f;
}

/** a fresh SYN with another ISN on a known 4-tuple: the port was reused, a new connection starts */
function reused(f: i32): i32 {
  const side = f * NI + (fromOrig ? SIDE_O : SIDE_R);
  const lastSyn = gi(side + S_LASTSYNSEQ);
  if (lastSyn != -1 && lastSyn != pI(P_SEQ) && (gd(f * ND + D_CLOSEDAT) >= 0 || gi(side + S_STATE) == SYN_SENT)) {
    unlink(f);
    finalize(f);
    return create(false);
  }
  return f;
}

function udp(ts: f64): void {
  nUdp++;
  let f = expired(lookup(17, pI(P_IPVER) == 6, pI(P_SRC4), pI(P_DST4), SC + <usize>P_W6, pI(P_SPORT), pI(P_DPORT), -1), ts);
  if (f == NONE) {
    f = create(false);
    if (f == NONE) return;
  }
  if (pI(P_TUNKIND) != 0) jsTunnelOuter(f);
  const s = f * NI + (fromOrig ? SIDE_O : SIDE_R);
  const d = f * ND;
  si(s + S_PACKETS, gi(s + S_PACKETS) + 1);
  const bi = d + (fromOrig ? D_O : D_R) + SD_BYTES;
  sd(bi, gd(bi) + <f64>pI(P_PAYLEN));
  si(s + S_UDPACTIVE, 1);
  if (gd(d + D_LASTTS) < pD(P_TS)) sd(d + D_LASTTS, pD(P_TS));
  if (pI(P_PAYLEN) > 0 && (gi(s + S_ONCE) & ONCE_D) == 0) {
    si(s + S_ONCE, gi(s + S_ONCE) | ONCE_D);
    add(f, fromOrig ? 68 : 100); // D/d
  }
}

function icmpMtu(): void {
  let f = NONE;
  if (pI(P_HASQUOTED) != 0 && pI(P_QSPORT) >= 0) {
    const qp = pI(P_QPROTO);
    if (qp == 6 || qp == 17) {
      f = lookup(qp, pI(P_QVER) == 6, pI(P_QSRC4), pI(P_QDST4), SC + <usize>P_QW6, pI(P_QSPORT), pI(P_QDPORT), -1);
      if (f != NONE) si(f * NI + N_ANOM, 1);
    }
  }
  jsIcmpMtu(f);
}

// @ts-ignore: decorator
@inline function hash6(w: usize): i32 {
  // the addresses are stored as their 16 bytes; hashed as big-endian words (as session 2's engine did, so
  // that the table's order, and with it the order of equal-time flows in a summary, stayed the same)
  let h = (bswap<i32>(load<i32>(w)) ^ <i32>0x811c9dc5) * 0x01000193;
  h = (h ^ bswap<i32>(load<i32>(w + 4))) * 0x01000193;
  h = (h ^ bswap<i32>(load<i32>(w + 8))) * 0x01000193;
  return (h ^ bswap<i32>(load<i32>(w + 12))) * 0x01000193;
}

// @ts-ignore: decorator
@inline function same6(a: usize, b: usize): bool {
  return load<i64>(a) == load<i64>(b) && load<i64>(a + 8) == load<i64>(b + 8);
}

// @ts-ignore: decorator
@inline function mix(a: i32, port: i32): i32 {
  let h = (a ^ ((port + 0x9e37) * <i32>0x85ebca6b)) * <i32>0xc2b2ae35;
  h ^= h >>> 15;
  return h * 0x27d4eb2d;
}

// @ts-ignore: decorator
@inline function key4(proto: i32, s4: i32, d4: i32, sp: i32, dp: i32, vni: i32): i32 {
  return (mix(s4, sp) + mix(d4, dp) + proto * 0x3243f6a9 + vni * 0x2545f491) & 0x3fffffff;
}

// @ts-ignore: decorator
@inline function key6(proto: i32, s: usize, d: usize, sp: i32, dp: i32, vni: i32): i32 {
  return (mix(hash6(s), sp) + mix(hash6(d), dp) + proto * 0x3243f6a9 + vni * 0x2545f491) & 0x3fffffff;
}

/** w6: the packet's IPv6 words (source 0–3, destination 4–7), read when v6 */
function lookup(proto: i32, v6: bool, s4: i32, d4: i32, w6: usize, sp: i32, dp: i32, vni: i32): i32 {
  // consecutive packets mostly belong to the same flow (bulk transfers): try it before hashing
  const c = last;
  if (c != NONE && (v6 ? match6(c, proto, w6, sp, dp, vni) : match4(c, proto, s4, d4, sp, dp, vni))) return c;
  let f: i32;
  if (v6) {
    f = bucket(key6(proto, w6, w6 + 16, sp, dp, vni) & mask);
    while (f != NONE && !match6(f, proto, w6, sp, dp, vni)) f = gi(f * NI + N_NEXT);
  } else {
    f = bucket(key4(proto, s4, d4, sp, dp, vni) & mask);
    while (f != NONE && !match4(f, proto, s4, d4, sp, dp, vni)) f = gi(f * NI + N_NEXT);
  }
  if (f != NONE) last = f;
  return f;
}

/** is flow f this IPv4 packet's, either way? (sets fromOrig) */
function match4(f: i32, proto: i32, s4: i32, d4: i32, sp: i32, dp: i32, vni: i32): bool {
  const b = f * NI;
  if (gi(b + N_PROTO) != proto || gi(b + N_VNI) != vni || gi(b + N_V6) != 0) return false;
  if (gi(b + N_PA) == sp && gi(b + N_PB) == dp && gi(b + N_A4) == s4 && gi(b + N_B4) == d4) {
    fromOrig = true;
    return true;
  }
  if (gi(b + N_PA) == dp && gi(b + N_PB) == sp && gi(b + N_A4) == d4 && gi(b + N_B4) == s4) {
    fromOrig = false;
    return true;
  }
  return false;
}

/** is flow f this IPv6 packet's (words w: source 0–3, destination 4–7), either way? (sets fromOrig) */
function match6(f: i32, proto: i32, w: usize, sp: i32, dp: i32, vni: i32): bool {
  const b = f * NI;
  if (gi(b + N_PROTO) != proto || gi(b + N_VNI) != vni || gi(b + N_V6) != 1) return false;
  const a = <usize>(Wp + f * 32);
  if (gi(b + N_PA) == sp && gi(b + N_PB) == dp && same6(a, w) && same6(a + 16, w + 16)) {
    fromOrig = true;
    return true;
  }
  if (gi(b + N_PA) == dp && gi(b + N_PB) == sp && same6(a, w + 16) && same6(a + 16, w)) {
    fromOrig = false;
    return true;
  }
  return false;
}

// ---- int queues (ring buffers of (slot, generation) pairs) ----
// @ts-ignore: decorator
@inline function qLen(q: usize): i32 { return load<i32>(q + 12) - load<i32>(q + 8); }

function qPush(q: usize, a: i32, b: i32): void {
  let ptr = load<i32>(q);
  let qcap = load<i32>(q + 4);
  let head = load<i32>(q + 8);
  let tail = load<i32>(q + 12);
  if (tail - head == qcap) {
    const ncap = qcap == 0 ? 1024 : qcap * 2;
    const np = alloc(ncap * 8);
    for (let i = head; i < tail; i++) store<i64>(<usize>(np + ((i - head) << 3)), load<i64>(<usize>(ptr + ((i & (qcap - 1)) << 3))));
    tail -= head;
    head = 0;
    ptr = np;
    qcap = ncap;
    store<i32>(q, ptr);
    store<i32>(q + 4, qcap);
    store<i32>(q + 8, head);
  }
  const e = <usize>(ptr + ((tail & (qcap - 1)) << 3));
  store<i32>(e, a);
  store<i32>(e + 4, b);
  store<i32>(q + 12, tail + 1);
}

/** address of the queue's head entry (qLen > 0) */
// @ts-ignore: decorator
@inline function qHead(q: usize): usize {
  return <usize>(load<i32>(q) + ((load<i32>(q + 8) & (load<i32>(q + 4) - 1)) << 3));
}

// @ts-ignore: decorator
@inline function qPop(q: usize): void { store<i32>(q + 8, load<i32>(q + 8) + 1); }

/**
 * a free slot, initialised. A slot never used before starts at generation 0: its record is not read before
 * this writes it (growSlots leaves the new slots' memory untouched, so pages no flow reaches stay out of RSS)
 */
function allocSlot(): i32 {
  let f: i32;
  let g: i32 = 0;
  if (qLen(FREEQ) > 0) {
    f = load<i32>(qHead(FREEQ));
    qPop(FREEQ);
    g = gi(f * NI + N_GEN);
  } else {
    if (used == cap) growSlots();
    f = used++;
  }
  const b = f * NI;
  zero(<usize>(Ip + (b << 2)), NI * 4);
  si(b + N_GEN, g);
  for (let side = b + SIDE_O; side <= b + SIDE_R; side++) {
    si(side + S_LASTWIN, -1);
    si(side + S_LASTSYNSEQ, -1);
    si(side + S_LASTFINSEQ, -1);
    si(side + S_LASTRSTSEQ, -1);
    si(side + S_OPTMSS, -1);
    si(side + S_OPTWS, -1);
    // Zeek's reassembler starts at relative 1 (after the SYN): raw 1 while the start is 0 (zInit moves it)
    si(side + S_DELIV, 1);
  }
  const d = f * ND;
  zero(<usize>(Dp + (d << 3)), ND * 8);
  sd(d + D_HSRTT, -0.5);
  sd(d + D_CLOSEDAT, -0.5);
  sd(d + D_OTS + SD_TSVAL, NO_TS);
  sd(d + D_OTS + SD_TSECR, NO_TS);
  sd(d + D_RTS + SD_TSVAL, NO_TS);
  sd(d + D_RTS + SD_TSECR, NO_TS);
  return f;
}

/**
 * doubles the slot areas (TypeScript re-reads their bases when gen() changes), but not past what the budget
 * can use (live flows plus the kept list's slots): the old areas stay allocated, so a table that doubled
 * once too often would hold twice its memory for nothing. Only the used slots are copied and nothing is
 * written to the new ones (allocSlot initialises a slot when it is first taken): the pages of slots no flow
 * reaches are never touched, so they cost address space, not RSS. Zeroing them cost the bench capture
 * 6.6 MB of peak RSS (15 963 of 32 768 slots never used, 416 bytes each; 5.1 MB at 5185ddd's 320).
 */
function growSlots(): void {
  const ncap = cap * 2 > slotLimit && slotLimit > cap ? slotLimit : cap * 2;
  const nI = alloc(ncap * NI * 4);
  memory.copy(<usize>nI, <usize>Ip, <usize>(cap * NI * 4));
  const nD = alloc(ncap * ND * 8);
  memory.copy(<usize>nD, <usize>Dp, <usize>(cap * ND * 8));
  const nH = alloc(ncap * MAX_HISTORY);
  memory.copy(<usize>nH, <usize>Hp, <usize>(cap * MAX_HISTORY));
  const nW = alloc(ncap * 32);
  memory.copy(<usize>nW, <usize>Wp, <usize>(cap * 32));
  Ip = nI;
  Dp = nD;
  Hp = nH;
  Wp = nW;
  cap = ncap;
  memGen++;
}

/** frees a slot that is out of the hash table (finalised, or dropped from the kept list) */
export function freeSlot(f: i32): void {
  const b = f * NI;
  si(b + N_GEN, gi(b + N_GEN) + 1);
  si(b + N_LIVE, 0);
  qPush(FREEQ, f, 0);
}

/**
 * A new flow for the packet in the scratch, or NONE when the table is at its budget: then the packet is
 * counted as untracked (and its flow in a HyperLogLog sketch, to say how many flows were not tracked).
 */
function create(flip: bool): i32 {
  if (live >= budget) {
    // full: finalise what is over (idle, closed) now rather than at the next idle scan (up to idle / 4
    // later), at most every SWEEP_EVERY_SEC of capture time
    const ts = pD(P_TS);
    if (ts >= nextFullScan) {
      nextFullScan = ts + SWEEP_EVERY_SEC;
      idleScan(ts, ts - CLOSE_GRACE_SEC);
    }
    if (live >= budget) {
      untracked();
      return NONE;
    }
  }
  const f = allocSlot();
  const b = f * NI;
  const v6 = pI(P_IPVER) == 6;
  si(b + N_PROTO, pI(P_L4));
  si(b + N_V6, v6 ? 1 : 0);
  const w = <usize>(Wp + f * 32);
  // Zeek flips a connection whose first packet is a SYN-ACK: the SYN-ACK sender is the responder
  if (flip) {
    si(b + N_A4, pI(P_DST4));
    si(b + N_B4, pI(P_SRC4));
    if (v6) {
      copy16(w, SC + <usize>P_W6 + 16);
      copy16(w + 16, SC + <usize>P_W6);
    }
    si(b + N_PA, pI(P_DPORT));
    si(b + N_PB, pI(P_SPORT));
    add(f, 94); // ^
    si(b + N_FLIPPED, 1);
    fromOrig = false;
  } else {
    si(b + N_A4, pI(P_SRC4));
    si(b + N_B4, pI(P_DST4));
    if (v6) copy32(w, SC + <usize>P_W6);
    si(b + N_PA, pI(P_SPORT));
    si(b + N_PB, pI(P_DPORT));
    fromOrig = true;
  }
  si(b + N_VNI, -1);
  if (pI(P_TUNKIND) != 0) {
    // its tunnel lives in TypeScript: finalised there (N_ANOM alone adds nothing to a flow's score)
    si(b + N_ANOM, 1);
    jsTunnelNew(f);
  }
  const d = f * ND;
  sd(d + D_FIRSTTS, pD(P_TS));
  sd(d + D_LASTTS, pD(P_TS));
  sd(d + D_FIRSTINDEX, <f64>pI(P_INDEX));
  const key = v6
    ? key6(gi(b + N_PROTO), w, w + 16, gi(b + N_PA), gi(b + N_PB), -1)
    : key4(gi(b + N_PROTO), gi(b + N_A4), gi(b + N_B4), gi(b + N_PA), gi(b + N_PB), -1);
  si(b + N_KEY, key);
  const i = key & mask;
  si(b + N_NEXT, bucket(i));
  setBucket(i, f);
  last = f;
  si(b + N_LIVE, 1);
  if (++live > nBuckets) grow();
  if (live > peakLive) peakLive = live;
  return f;
}

// ---- the flow budget: flows alive at once. Memory is bounded by it (a SYN flood from spoofed addresses keeps
// every flow alive for the idle timeout); beyond it new flows are not tracked, only counted ----
const DEFAULT_BUDGET: i32 = 131072;
const HLL_BITS: i32 = 14;
const HLL: usize = memory.data(1 << HLL_BITS, 16);
let budget: i32 = DEFAULT_BUDGET;
let slotLimit: i32 = 0x7fffffff;
let nextFullScan: f64 = -Infinity;
let peakLive: i32 = 0;
let untrackedPkts: f64 = 0;
let untrackedSince: f64 = NaN;

/** n flows alive at once; reserve: slots the kept list may hold besides them (flows.ts: its trim point) */
export function setFlowBudget(n: i32, reserve: i32): void {
  budget = n;
  slotLimit = n + reserve;
}

export function hll(): i32 { return <i32>HLL; }

function untracked(): void {
  untrackedPkts++;
  if (isNaN(untrackedSince)) untrackedSince = pD(P_TS);
  // the flow's key, the same either way round (a sum), then a finaliser (murmur3's fmix32)
  let h: i32;
  const sp = pI(P_SPORT);
  const dp = pI(P_DPORT);
  if (pI(P_IPVER) == 6) h = mix(hash6(SC + <usize>P_W6), sp) + mix(hash6(SC + <usize>P_W6 + 16), dp);
  else h = mix(pI(P_SRC4), sp) + mix(pI(P_DST4), dp);
  h += pI(P_L4) * 0x3243f6a9;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  const r = <u8>(clz<u32>((<u32>h << HLL_BITS) | (1 << (HLL_BITS - 1))) + 1);
  const at = HLL + <usize>(<u32>h >>> (32 - HLL_BITS));
  if (r > load<u8>(at)) store<u8>(at, r);
}

function unlink(f: i32): void {
  if (last == f) last = NONE;
  const b = f * NI;
  si(b + N_LIVE, 0);
  const i = gi(b + N_KEY) & mask;
  const head = bucket(i);
  if (head == f) setBucket(i, gi(b + N_NEXT));
  else {
    let x = head;
    while (x != NONE && gi(x * NI + N_NEXT) != f) x = gi(x * NI + N_NEXT);
    if (x != NONE) si(x * NI + N_NEXT, gi(b + N_NEXT));
  }
  si(b + N_NEXT, NONE);
  live--;
}

/** doubles the bucket array when the flows outnumber the buckets */
function grow(): void {
  const n = nBuckets * 2;
  const nb = alloc(n * 4);
  memory.fill(<usize>nb, 0xff, <usize>(n * 4));
  const nmask = n - 1;
  for (let i = 0; i < nBuckets; i++) {
    for (let f = bucket(i); f != NONE; ) {
      const next = gi(f * NI + N_NEXT);
      const j = gi(f * NI + N_KEY) & nmask;
      si(f * NI + N_NEXT, load<i32>(<usize>(nb + (j << 2))));
      store<i32>(<usize>(nb + (j << 2)), f);
      f = next;
    }
  }
  Bp = nb;
  nBuckets = n;
  mask = nmask;
  memGen++;
}

/** after the last packet: TypeScript has finalised the live flows (in first-packet order) */
export function clearTable(): void {
  memory.fill(<usize>Bp, 0xff, <usize>(nBuckets * 4));
  live = 0;
  last = NONE;
}

function add(f: i32, code: i32): void {
  const b = f * NI;
  const n = gi(b + N_HIST);
  if (n < MAX_HISTORY) {
    store<u8>(<usize>(Hp + f * MAX_HISTORY + n), <u8>code);
    si(b + N_HIST, n + 1);
  }
}

// @ts-ignore: decorator
@inline function isLogStep(n: i32): bool {
  return n == 1 || n == 10 || n == 100 || n == 1000 || n == 10000 || n == 100000;
}

function tcp(f: i32, fromOrig: bool): void {
  const b = f * NI;
  const d = f * ND;
  const s = b + (fromOrig ? SIDE_O : SIDE_R);
  const peer = b + (fromOrig ? SIDE_R : SIDE_O);
  const flags = pI(P_FLAGS);
  const len = pI(P_PAYLEN);
  const seq = pI(P_SEQ);
  const ts = pD(P_TS);
  const window = pI(P_WINDOW);
  si(s + S_PACKETS, gi(s + S_PACKETS) + 1);
  const bi = d + (fromOrig ? D_O : D_R) + SD_BYTES;
  sd(bi, gd(bi) + <f64>len);
  if (ts > gd(d + D_LASTTS)) sd(d + D_LASTTS, ts);

  // history letters in Zeek's order (TCPSessionAdapter::Process): this packet's flags (update_history), a
  // zero window (update_window), a retransmission (update_last_seq), then a content gap its ACK reveals
  const fsr = flags & (F_SYN | F_FIN | F_RST);
  if (fsr != 0 && (fsr & (fsr - 1)) != 0) {
    // more than one of SYN, FIN, RST
    if ((flags & (F_FIN | F_RST)) == (F_FIN | F_RST)) once(f, s, ONCE_I, fromOrig ? 73 : 105); // I/i
    else once(f, s, ONCE_Q, fromOrig ? 81 : 113); // Q/q
  } else if (fsr == F_FIN) {
    // a FIN's sequence number is where its data ends
    const at = seq + len;
    if (at != gi(s + S_LASTFINSEQ)) add(f, fromOrig ? 70 : 102); // F/f
    si(s + S_LASTFINSEQ, at);
  } else if (fsr == F_RST) {
    if (seq != gi(s + S_LASTRSTSEQ)) add(f, fromOrig ? 82 : 114); // R/r
    si(s + S_LASTRSTSEQ, seq);
  } else if (fsr == 0) {
    if (len > 0) once(f, s, ONCE_D, fromOrig ? 68 : 100); // D/d
    else if (flags & F_ACK) once(f, s, ONCE_A, fromOrig ? 65 : 97); // A/a
  }
  // S/H letters, SYN times and options
  if (flags & F_SYN) syn(f, s, fromOrig, fsr == F_SYN);
  if (flags & F_RST) {
    si(s + S_RESETS, gi(s + S_RESETS) + 1);
    si(b + N_ANOM, 1);
  }

  // duplicate ACK, zero window (Wireshark's definitions), before this segment updates the state
  if ((flags & (F_SYN | F_FIN | F_RST)) == 0) {
    // the answer to a keep-alive repeats the last ACK but is no duplicate ACK (Wireshark agrees)
    if (
      len == 0 &&
      (flags & F_ACK) != 0 &&
      gi(s + S_HASLASTACK) != 0 &&
      pI(P_ACK) == gi(s + S_LASTACK) &&
      window == gi(s + S_LASTWIN) &&
      window != 0 &&
      seq == gi(s + S_MAXSEQEND) &&
      gi(peer + S_KEEPALIVE) == 0
    ) {
      si(s + S_DUPACKS, gi(s + S_DUPACKS) + 1);
      si(b + N_ANOM, 1);
    }
    if (window == 0) {
      const n = gi(s + S_ZEROWIN) + 1;
      si(s + S_ZEROWIN, n);
      si(b + N_ANOM, 1);
      if (isLogStep(n)) add(f, fromOrig ? 87 : 119); // W/w
    }
  }

  // retransmission: sequence space already sent (keep-alives excepted)
  const seqLen = len + (flags & F_SYN ? 1 : 0) + (flags & F_FIN ? 1 : 0);
  const seqInit = gi(s + S_SEQINIT) != 0;
  // keep-alive: one byte (or none) just below the next expected sequence number
  const keepalive = seqInit && len <= 1 && (flags & (F_SYN | F_FIN | F_RST)) == 0 && gi(s + S_MAXSEQEND) - seq == 1;
  si(s + S_KEEPALIVE, keepalive ? 1 : 0);
  if (!seqInit) {
    si(s + S_SEQINIT, 1);
    const end = seq + seqLen;
    si(s + S_MAXSEQEND, end);
    if (len > 0) noteSmall(s, len, end);
  } else if (seqLen > 0) {
    const end = seq + seqLen;
    if (seq - gi(s + S_MAXSEQEND) < 0 && !keepalive) retransmitted(s, f, fromOrig, len, end);
    else if (len > 0) noteSmall(s, len, end);
    if (end - gi(s + S_MAXSEQEND) > 0) si(s + S_MAXSEQEND, end);
  }
  if (len > gi(s + S_MAXSEG)) si(s + S_MAXSEG, len);

  // Zeek's sequence bookkeeping: this endpoint's start/last, the peer's acknowledged point (before the state
  // machine runs, as in Zeek), then the state, then the content gap the ACK reveals, then this data
  const st0 = gi(s + S_STATE);
  const zlen = (flags & F_RST) != 0 ? seqLen - len : seqLen;
  const zend = seq + zlen;
  if (st0 == INACTIVE || (flags & F_SYN) != 0) zInitEndpoint(s, st0, flags, seq, zend);
  if (flags & F_FIN) {
    si(s + S_ZBITS, gi(s + S_ZBITS) | Z_FIN);
    si(s + S_FINAT, zend);
  }
  const ack = pI(P_ACK);
  if (flags & F_ACK) {
    if (gi(peer + S_STATE) == INACTIVE) {
      // the peer has sent nothing: its numbering starts as if its SYN had been seen (Zeek's init_peer)
      zInit(peer, ack - 1, ack - 1);
    } else if ((flags & F_RST) == 0) {
      // Zeek's ack_seq (RSTs' ACKs are not trusted); also what the black-hole check compares with
      const last = gi(peer + S_ZACK);
      const delta = ack - last;
      if (delta > 0 && !(ack == 0 && delta > TOO_LARGE_SEQ_DELTA)) {
        if (<u32>ack < <u32>last) si(peer + S_ZWRAPS, gi(peer + S_ZWRAPS) + 0x10000);
        si(peer + S_ZACK, ack);
      }
    }
    if (gi(peer + S_SMALLPENDING) > 0 && ack - gi(peer + S_SMALLPENDINGEND) >= 0) {
      si(peer + S_SMALLACKED, gi(peer + S_SMALLACKED) + gi(peer + S_SMALLPENDING));
      si(peer + S_SMALLPENDING, 0);
    }
    si(s + S_LASTACK, ack);
    si(s + S_HASLASTACK, 1);
  }
  // Zeek's update_last_seq: the common case here, the others in zUpdateLast
  if (fsr == 0) {
    const zlast = gi(s + S_ZLAST);
    if (st0 != RESET && zend - zlast > 0) {
      if (<u32>zend < <u32>zlast) si(s + S_ZWRAPS, gi(s + S_ZWRAPS) + 1);
      si(s + S_ZLAST, zend);
    }
  } else zUpdateLast(s, st0, flags, zend);
  si(s + S_LASTWIN, window);

  // established ends only change state on SYN, FIN or RST: skip the state machine for the rest
  if (fsr != 0 || st0 != ESTABLISHED) updateState(s, peer, fromOrig, b + SIDE_O, flags, len);
  // an ACK beyond what the capture holds of the peer's data: the capture missed it (Zeek's content gap);
  // not an ACK below the peer's start before any wrap (Zeek's ack underflow), not the peer's init above
  if ((flags & F_ACK) != 0 && ack - gi(peer + S_DELIV) > 0 && (ack - gi(peer + S_ZSTART) >= 0 || (gi(peer + S_ZWRAPS) >>> 16) != 0)) {
    ackReceived(f, peer, s, ack, !fromOrig);
  }
  // this packet's data, unless the snapshot length cut it (its bytes were not captured: Zeek does not
  // deliver them either, so they become a gap once acknowledged), or it rides on a RST. A segment cut short
  // by the fragmentation of a tunnel's outer packet is in the capture, in the later fragments: Zeek
  // reassembles them, here it counts as seen
  if (len > 0 && (pI(P_TRUNC) == 0 || (pI(P_TUNKIND) != 0 && pI(P_INFRAG) != 0)) && (flags & F_RST) == 0) {
    const lo = (flags & F_SYN) != 0 ? seq + 1 : seq;
    // in order, nothing held: delivered
    if (lo == gi(s + S_DELIV) && gi(s + S_NBLK) == 0) si(s + S_DELIV, lo + len);
    // (not before the endpoint's start: Zeek's seq underflow)
    else if (seq - gi(s + S_ZSTART) >= 0 || (gi(s + S_ZWRAPS) & 0xffff) != 0) dataSent(s, lo, len);
  }

  if ((flags & (F_FIN | F_RST)) != 0 && gd(d + D_CLOSEDAT) < 0 && closeCheck(s, peer)) {
    sd(d + D_CLOSEDAT, ts);
    qPush(controlOnly(f) ? CTLQ : CLOSEDQ, f, gi(b + N_GEN));
  }
}

// @ts-ignore: decorator
@inline function once(f: i32, s: i32, bit: i32, code: i32): void {
  const o = gi(s + S_ONCE);
  if ((o & bit) == 0) {
    si(s + S_ONCE, o | bit);
    add(f, code);
  }
}

// ---- Zeek's sequence bookkeeping per endpoint (TCP_Endpoint, TCP_Reassembler), for orig/resp bytes and
// content gaps. Zeek counts relative sequence numbers in 64 bits; here relative values are int32 differences
// from S_ZSTART (valid while an endpoint has less than 2 GB outstanding), wraps are counted for the sizes ----
const TOO_LARGE_SEQ_DELTA: i32 = 1048576;

/**
 * (Re)starts an endpoint's numbering at start. Zeek's reassembler counts relative to the start, so its
 * delivery point, held blocks and FIN position (kept raw here) move with it
 */
function zInit(s: i32, start: i32, last: i32): void {
  const shift = start - gi(s + S_ZSTART);
  if (shift != 0) {
    si(s + S_DELIV, gi(s + S_DELIV) + shift);
    si(s + S_FINAT, gi(s + S_FINAT) + shift);
    for (let i = 0; i < gi(s + S_NBLK); i++) {
      si(s + S_BLK + 4 * i, gi(s + S_BLK + 4 * i) + shift);
      si(s + S_BLK + 4 * i + 2, gi(s + S_BLK + 4 * i + 2) + shift);
    }
  }
  si(s + S_ZSTART, start);
  si(s + S_ZACK, start);
  si(s + S_ZLAST, last);
  si(s + S_ZWRAPS, 0);
}

/** Zeek's init_endpoint: (re)starts an endpoint's numbering at its first packet, or at a SYN that moves it */
function zInitEndpoint(s: i32, st: i32, flags: i32, seq: i32, end: i32): void {
  const syn = (flags & F_SYN) != 0;
  if (st == INACTIVE) {
    // a partial connection numbers as if it had seen a SYN
    if (syn) zInit(s, seq, end);
    else zInit(s, seq - 1, seq);
  } else if (st == SYN_SENT || st == SYN_ACK_SENT) {
    if (syn && seq != gi(s + S_ZSTART)) zInit(s, seq, end);
  } else if (st == ESTABLISHED || st == PARTIAL) {
    if (syn) zInit(s, seq, end);
  } else if (st == RESET) {
    if (syn && prevState(s) == INACTIVE) zInit(s, seq, end);
  }
}

// @ts-ignore: decorator
@inline function prevState(s: i32): i32 {
  return (gi(s + S_ZBITS) >>> 8) & 0xff;
}

/** Zeek's update_last_seq (tcp() does the common case) */
function zUpdateLast(s: i32, st: i32, flags: i32, end: i32): void {
  const last = gi(s + S_ZLAST);
  const delta = end - last;
  if ((flags & (F_SYN | F_RST)) != 0 && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) return;
  // a FIN right after the SYN (a > 2 GB connection seen only at its ends) moves last_seq even backwards
  if (((flags & F_FIN) != 0 && last == gi(s + S_ZSTART) + 1) || (st != RESET && delta > 0)) {
    if (<u32>end < <u32>last) si(s + S_ZWRAPS, gi(s + S_ZWRAPS) + 1);
    si(s + S_ZLAST, end);
  }
}

/** Zeek's is_clean: established, or closed after being established */
// @ts-ignore: decorator
@inline function clean(s: i32): bool {
  const st = gi(s + S_STATE);
  return st == ESTABLISHED || (st == CLOSED && prevState(s) == ESTABLISHED);
}

/**
 * The peer acknowledged side p's data up to ack beyond what was delivered: content the capture never held up
 * to there is a gap (TCP_Reassembler::AckReceived, Undelivered, Gap). Zeek's trim point never passes the
 * delivery point here, so the delivery point alone decides.
 */
function ackReceived(f: i32, p: i32, other: i32, ack: i32, pIsOrig: bool): void {
  let a = ack;
  // acknowledging a FIN acknowledges no data beyond it
  if ((gi(p + S_ZBITS) & Z_FIN) != 0 && a - gi(p + S_FINAT) >= 0) a = gi(p + S_FINAT) - 1;
  let deliv = gi(p + S_DELIV);
  if (a - deliv <= 0) return;
  // held blocks below the acknowledged point are delivered, the holes before them are gaps
  let n = gi(p + S_NBLK);
  while (n > 0 && gi(p + S_BLK) - a < 0) {
    gap(f, p, other, gi(p + S_BLK) - deliv, pIsOrig);
    deliv = gi(p + S_BLK + 2);
    n = popBlock(p, n);
    while (n > 0 && gi(p + S_BLK) - deliv <= 0) {
      if (gi(p + S_BLK + 2) - deliv > 0) deliv = gi(p + S_BLK + 2);
      n = popBlock(p, n);
    }
  }
  if (a - deliv > 0) {
    gap(f, p, other, a - deliv, pIsOrig);
    deliv = a;
  }
  // a held block that starts at the new delivery point is delivered now (Zeek's Trim, then BlockInserted)
  while (n > 0 && gi(p + S_BLK) - deliv <= 0) {
    if (gi(p + S_BLK + 2) - deliv > 0) deliv = gi(p + S_BLK + 2);
    n = popBlock(p, n);
  }
  si(p + S_DELIV, deliv);
}

function gap(f: i32, p: i32, other: i32, len: i32, pIsOrig: bool): void {
  // Zeek reports gaps only while both ends are established or closing cleanly (else sequence numbers lie)
  if (!clean(p) || !clean(other)) return;
  const n = gi(p + S_GAPS) + 1;
  si(p + S_GAPS, n);
  if (isLogStep(n)) add(f, pIsOrig ? 71 : 103); // G/g
  const m = f * ND + (pIsOrig ? D_MISSO : D_MISSR);
  sd(m, gd(m) + <f64>(<u32>len));
  si(f * NI + N_ANOM, 1);
}

/** removes the lowest held block; returns the new count */
function popBlock(p: i32, n: i32): i32 {
  for (let i = 1; i < n; i++) {
    si(p + S_BLK + 4 * (i - 1), gi(p + S_BLK + 4 * i));
    si(p + S_BLK + 4 * (i - 1) + 2, gi(p + S_BLK + 4 * i + 2));
  }
  si(p + S_NBLK, n - 1);
  return n - 1;
}

/**
 * Side s's data [lo, lo + len) (raw sequence numbers) was captured: delivered when it continues what was delivered,
 * held as a block above a hole otherwise (TCP_Reassembler::DataSent, Reassembler::NewBlock). At most
 * MAX_BLOCKS are held: beyond that the two closest merge, i.e. a small hole is taken as seen (a gap
 * under-counted rather than one invented).
 */
function dataSent(s: i32, lo: i32, len: i32): void {
  const hi = lo + len;
  // (data below the delivery point, acknowledged or delivered, is not looked at again)
  let deliv = gi(s + S_DELIV);
  if (lo - deliv <= 0) {
    if (hi - deliv <= 0) return;
    deliv = hi;
    let n = gi(s + S_NBLK);
    while (n > 0 && gi(s + S_BLK) - deliv <= 0) {
      if (gi(s + S_BLK + 2) - deliv > 0) deliv = gi(s + S_BLK + 2);
      n = popBlock(s, n);
    }
    si(s + S_DELIV, deliv);
    return;
  }
  holdBlock(s, lo, hi);
}

function holdBlock(s: i32, lo0: i32, hi0: i32): void {
  let lo = lo0;
  let hi = hi0;
  let n = gi(s + S_NBLK);
  // merge with every held block it touches, then insert in order
  let i = 0;
  while (i < n) {
    const bs = gi(s + S_BLK + 4 * i);
    const be = gi(s + S_BLK + 4 * i + 2);
    if (bs - hi > 0 || lo - be > 0) {
      i++;
      continue;
    }
    if (bs - lo < 0) lo = bs;
    if (be - hi > 0) hi = be;
    for (let k = i + 1; k < n; k++) {
      si(s + S_BLK + 4 * (k - 1), gi(s + S_BLK + 4 * k));
      si(s + S_BLK + 4 * (k - 1) + 2, gi(s + S_BLK + 4 * k + 2));
    }
    n--;
  }
  if (n == MAX_BLOCKS) {
    // no room: merge the two neighbours (the new block among them) with the smallest hole between them
    let at = 0;
    while (at < n && gi(s + S_BLK + 4 * at) - lo < 0) at++;
    let best = -1;
    let bestHole: i32 = 0x7fffffff;
    // holes between consecutive entries of [blocks before at] + new + [blocks from at]
    for (let k = 0; k < n; k++) {
      const ls = k < at ? gi(s + S_BLK + 4 * k + 2) : k == at ? hi : gi(s + S_BLK + 4 * (k - 1) + 2);
      const rs = k + 1 < at ? gi(s + S_BLK + 4 * (k + 1)) : k + 1 == at ? lo : gi(s + S_BLK + 4 * k);
      const hole = rs - ls;
      if (hole < bestHole) {
        bestHole = hole;
        best = k;
      }
    }
    // the pair (best, best + 1) of that merged sequence becomes one: expressed on the new block's bounds
    if (best == at - 1) lo = gi(s + S_BLK + 4 * (at - 1));
    else if (best == at) hi = gi(s + S_BLK + 4 * at + 2);
    else {
      const k = best < at ? best : best - 1;
      si(s + S_BLK + 4 * k + 2, gi(s + S_BLK + 4 * (k + 1) + 2));
      for (let m = k + 2; m < n; m++) {
        si(s + S_BLK + 4 * (m - 1), gi(s + S_BLK + 4 * m));
        si(s + S_BLK + 4 * (m - 1) + 2, gi(s + S_BLK + 4 * m + 2));
      }
      n--;
      holdInsert(s, lo, hi, n);
      return;
    }
    // the new block swallowed a neighbour: remove that neighbour
    const gone = best == at - 1 ? at - 1 : at;
    for (let m = gone + 1; m < n; m++) {
      si(s + S_BLK + 4 * (m - 1), gi(s + S_BLK + 4 * m));
      si(s + S_BLK + 4 * (m - 1) + 2, gi(s + S_BLK + 4 * m + 2));
    }
    n--;
  }
  holdInsert(s, lo, hi, n);
}

function holdInsert(s: i32, lo: i32, hi: i32, n: i32): void {
  let at = n;
  while (at > 0 && gi(s + S_BLK + 4 * (at - 1)) - lo > 0) {
    si(s + S_BLK + 4 * at, gi(s + S_BLK + 4 * (at - 1)));
    si(s + S_BLK + 4 * at + 2, gi(s + S_BLK + 4 * (at - 1) + 2));
    at--;
  }
  si(s + S_BLK + 4 * at, lo);
  si(s + S_BLK + 4 * at + 2, hi);
  si(s + S_NBLK, n + 1);
}

/** the SYN / SYN-ACK part of tcp(); letter: this SYN is the packet's only one of SYN, FIN, RST */
function syn(f: i32, s: i32, fromOrig: bool, letter: bool): void {
  const b = f * NI;
  const d = f * ND;
  const flags = pI(P_FLAGS);
  const seq = pI(P_SEQ);
  const ts = pD(P_TS);
  if (flags & F_ACK) {
    const n = gi(b + N_SYNACKN);
    if (n < MAX_TIMES) {
      if (n == 0) sd(d + D_SYNACK0, ts);
      else {
        jsSynTime(f, 1, ts);
        si(b + N_ANOM, 1);
      }
      si(b + N_SYNACKN, n + 1);
    }
    if (letter && seq != gi(s + S_LASTSYNSEQ)) add(f, fromOrig ? 72 : 104); // H/h
    if (gd(d + D_HSRTT) < 0 && gi(b + N_SYNN) > 0) sd(d + D_HSRTT, ts - gd(d + D_SYNLAST));
  } else {
    const n = gi(b + N_SYNN);
    if (n < MAX_TIMES) {
      if (n == 0) sd(d + D_SYN0, ts);
      else {
        jsSynTime(f, 0, ts);
        si(b + N_ANOM, 1);
      }
      sd(d + D_SYNLAST, ts);
      si(b + N_SYNN, n + 1);
    }
    if (letter && seq != gi(s + S_LASTSYNSEQ)) add(f, fromOrig ? 83 : 115); // S/s
    // the first SYN of a connection only: retransmitted SYNs repeat a clock already compared
    if (pD(P_TSVAL) >= 0 && gi(b + N_SYNN) == 1) synTimestamp();
  }
  si(s + S_LASTSYNSEQ, seq);
  if (gi(s + S_HASOPTS) == 0 && pI(P_HASOPTS) != 0) {
    si(s + S_HASOPTS, 1);
    const mss = pI(P_MSS);
    si(s + S_OPTMSS, mss);
    si(s + S_OPTWS, pI(P_WSCALE));
    si(s + S_OPTSACK, pI(P_SACKPERM) != 0 ? 1 : 0);
    const ds = d + (fromOrig ? D_OTS : D_RTS);
    sd(ds + SD_TSVAL, pD(P_TSVAL));
    sd(ds + SD_TSECR, pD(P_TSECR));
    if (mss >= 0 && mss < 65536) {
      const w = MSSBITS + (<usize>(mss >>> 5) << 2);
      store<u32>(w, load<u32>(w) | (1 << (mss & 31)));
    }
  }
}

function retransmitted(s: i32, f: i32, fromOrig: bool, len: i32, end: i32): void {
  si(s + S_RETRANS, gi(s + S_RETRANS) + 1);
  si(f * NI + N_ANOM, 1);
  if (len > 0) {
    const n = gi(s + S_DATARETRANS) + 1;
    si(s + S_DATARETRANS, n);
    if (isLogStep(n)) add(f, fromOrig ? 84 : 116); // T/t
    if (len > 536 && len * 10 >= gi(s + S_MAXSEG) * 9) {
      if (gi(s + S_LARGERETRANS) == 0 || end - gi(s + S_LARGEEND) < 0) si(s + S_LARGEEND, end);
      si(s + S_LARGERETRANS, gi(s + S_LARGERETRANS) + 1);
      if (len > gi(s + S_LARGESIZE)) si(s + S_LARGESIZE, len);
    }
  }
}

/** Zeek's endpoint state machine (TCPSessionAdapter::UpdateStateMachine), without the weirds */
function updateState(s: i32, peer: i32, fromOrig: bool, orig: i32, flags: i32, len: i32): void {
  const st = gi(s + S_STATE);
  if (st == INACTIVE) {
    // one step per flag, as Zeek, so that the previous state is Zeek's too
    if (flags & F_SYN) {
      if (fromOrig) setState(s, flags & F_ACK ? SYN_ACK_SENT : SYN_SENT);
      else {
        // the responder's SYN-ACK establishes both ends (Zeek's connection_established)
        if (gi(peer + S_STATE) == SYN_SENT) setState(peer, ESTABLISHED);
        setState(s, ESTABLISHED);
      }
    }
    if (flags & F_FIN) setState(s, CLOSED);
    if (flags & F_RST) setState(s, RESET);
    if (gi(s + S_STATE) == INACTIVE) {
      if (!fromOrig && len == 0 && gi(orig + S_STATE) == SYN_SENT) {
        // an ACK of the SYN before the SYN-ACK: not a partial connection
      } else if ((flags & F_ACK) != 0 && gi(peer + S_STATE) == ESTABLISHED) setState(s, ESTABLISHED);
      else setState(s, PARTIAL);
    }
  } else if (st == SYN_SENT || st == SYN_ACK_SENT) {
    if (flags & F_FIN) setState(s, CLOSED);
    if (flags & F_RST) setState(s, RESET);
  } else if (st == ESTABLISHED || st == PARTIAL) {
    if ((flags & (F_SYN | F_ACK)) == F_SYN && st == PARTIAL && gi(peer + S_STATE) == INACTIVE) setState(s, SYN_SENT);
    if ((flags & (F_FIN | F_RST)) == F_FIN) setState(s, CLOSED);
    if (flags & F_RST) setState(s, RESET);
  } else if (st == CLOSED) {
    // after a FIN exchange a RST does not make it a reset connection
    if ((flags & F_RST) != 0 && gi(peer + S_STATE) != CLOSED) setState(s, RESET);
  }
}

/** an endpoint's state changes; the one before is kept (Zeek's prev_state) */
// @ts-ignore: decorator
@inline function setState(s: i32, v: i32): void {
  const st = gi(s + S_STATE);
  if (st != v) {
    si(s + S_ZBITS, (gi(s + S_ZBITS) & ~0xff00) | (st << 8));
    si(s + S_STATE, v);
  }
}

function closeCheck(s: i32, peer: i32): bool {
  const a = gi(s + S_STATE);
  const b = gi(peer + S_STATE);
  return a == RESET || b == RESET || (a == CLOSED && b == CLOSED);
}

function noteSmall(s: i32, len: i32, end: i32): void {
  if (len * 10 < gi(s + S_MAXSEG) * 9 || len <= 536) {
    si(s + S_SMALLPENDING, gi(s + S_SMALLPENDING) + 1);
    si(s + S_SMALLPENDINGEND, end);
  }
}

/** no payload either way and no completed handshake: only SYNs, SYN-ACKs, resets, FINs */
function controlOnly(f: i32): bool {
  const d = f * ND;
  if (gd(d + D_O + SD_BYTES) != 0 || gd(d + D_R + SD_BYTES) != 0) return false;
  const b = f * NI;
  return !(gi(b + N_SYNACKN) > 0 && gi(b + SIDE_O + S_HASLASTACK) != 0);
}

// ---- finalising (the common case here; the rest in flows.ts summarise) ----
// Zeek conn_state codes; flows.ts STATE_NAMES has their names in this order
const ST_S0: i32 = 0;
const ST_S1: i32 = 1;
const ST_SF: i32 = 2;
const ST_REJ: i32 = 3;
const ST_S2: i32 = 4;
const ST_S3: i32 = 5;
const ST_RSTO: i32 = 6;
const ST_RSTR: i32 = 7;
const ST_RSTOS0: i32 = 8;
const ST_RSTRH: i32 = 9;
const ST_SH: i32 = 10;
const ST_SHR: i32 = 11;
const ST_OTH: i32 = 12;
// aggregates of the flows finalised here: state counts, then tcp, udp, and the four handshake counts
const AGG: usize = memory.data(4 * 20, 16);
const A_TCP: i32 = 13;
const A_UDP: i32 = 14;
const A_ATTEMPTED: i32 = 15;
const A_COMPLETED: i32 = 16;
const A_FAILED: i32 = 17;
const A_REFUSED: i32 = 18;
// missed bytes of the finalised flows, and how many flows had any
let aggMissed: f64 = 0;
let aggGapFlows: i32 = 0;
// a flow scoring at most this is not kept (flows.ts sets it once its kept list is full)
let keptFloor: f64 = -0.5;
let npLo: i32 = 30000;
let npHi: i32 = 32767;

export function setKeptFloor(x: f64): void {
  keptFloor = x;
}

export function setNodePortRange(lo: i32, hi: i32): void {
  npLo = lo;
  npHi = hi;
}

export function aggregates(): i32 {
  return <i32>AGG;
}

// @ts-ignore: decorator
@inline function bumpAgg(k: i32): void {
  const a = AGG + (<usize>k << 2);
  store<i32>(a, load<i32>(a) + 1);
}

/** history matches /^\^?S[^HAFGIQ]*R/ (Zeek's RSTOS0: a SYN, then the originator's reset, nothing answered) */
function synThenReset(f: i32): bool {
  const n = gi(f * NI + N_HIST);
  const h = <usize>(Hp + f * MAX_HISTORY);
  let i = 0;
  if (i < n && load<u8>(h) == 94) i++; // ^
  if (i >= n || load<u8>(h + <usize>i) != 83) return false; // S
  for (i++; i < n; i++) {
    const c = load<u8>(h + <usize>i);
    if (c == 82) return true; // R
    if (c == 72 || c == 65 || c == 70 || c == 71 || c == 73 || c == 81) return false; // H A F G I Q
  }
  return false;
}

/** Zeek's conn_state of flow f (ST_* code) */
export function connState(f: i32): i32 {
  const b = f * NI;
  const os = gi(b + SIDE_O + S_STATE);
  const rs = gi(b + SIDE_R + S_STATE);
  if (gi(b + N_PROTO) == 17) {
    if (gi(b + SIDE_O + S_UDPACTIVE) != 0) return gi(b + SIDE_R + S_UDPACTIVE) != 0 ? ST_SF : ST_S0;
    return gi(b + SIDE_R + S_UDPACTIVE) != 0 ? ST_SHR : ST_OTH;
  }
  const oInactive = os == INACTIVE || os == PARTIAL;
  const rInactive = rs == INACTIVE || rs == PARTIAL;
  if (rs == RESET) {
    const d = f * ND;
    if (os == SYN_SENT || os == SYN_ACK_SENT || (os == RESET && gd(d + D_O + SD_BYTES) == 0 && gd(d + D_R + SD_BYTES) == 0)) return ST_REJ;
    return oInactive ? ST_RSTRH : ST_RSTR;
  }
  if (os == RESET) {
    if (rInactive) return synThenReset(f) ? ST_RSTOS0 : ST_OTH;
    return ST_RSTO;
  }
  if (rs == CLOSED && os == CLOSED) return ST_SF;
  if (os == CLOSED) return rInactive ? ST_SH : ST_S2;
  if (rs == CLOSED) return oInactive ? ST_SHR : ST_S3;
  if (os == SYN_SENT && rs == INACTIVE) return ST_S0;
  if (os == ESTABLISHED && rs == ESTABLISHED) return ST_S1;
  return ST_OTH;
}

/**
 * A flow is done. Most are plain (nothing anomalous, no NodePort source port, no tunnel, no ICMP note)
 * and score too low for the full kept list: counted here and freed. The others go to flows.ts.
 */
function finalize(f: i32): void {
  const b = f * NI;
  if (gi(b + N_ANOM) == 0) {
    const tcp = gi(b + N_PROTO) == 6;
    const pa = gi(b + N_PA);
    if (!(tcp && pa >= npLo && pa <= npHi)) {
      const state = connState(f);
      const score: f64 = tcp && failedState(state) ? 1e11 : 0;
      if (score <= keptFloor) {
        countFlow(f, state);
        freeSlot(f);
        return;
      }
    }
  }
  if (jsFinalize(f) == 0) freeSlot(f);
}

/** a failed connection (S0 REJ RSTOS0 SH RSTRH SHR): ranks high among the worst flows (flows.ts summarise) */
export function failedState(state: i32): bool {
  return state == ST_S0 || state == ST_REJ || state == ST_RSTOS0 || state == ST_SH || state == ST_RSTRH || state == ST_SHR;
}

/**
 * Counts a finalised flow (state ST_* of connState) into the aggregates: its state, TCP or UDP, and for a
 * TCP flow whose originator sent a SYN, the handshake: refused (REJ), completed (a SYN-ACK seen and the
 * originator's ACK), or failed. Every flow is counted here, whichever side finalises it.
 */
export function countFlow(f: i32, state: i32): void {
  const b = f * NI;
  bumpAgg(state);
  const missed = gd(f * ND + D_MISSO) + gd(f * ND + D_MISSR);
  if (missed > 0) {
    aggMissed += missed;
    aggGapFlows++;
  }
  if (gi(b + N_PROTO) != 6) {
    bumpAgg(A_UDP);
    return;
  }
  bumpAgg(A_TCP);
  if (gi(b + N_SYNN) > 0 && gi(b + N_FLIPPED) == 0) {
    bumpAgg(A_ATTEMPTED);
    if (state == ST_REJ) bumpAgg(A_REFUSED);
    else if (gi(b + N_SYNACKN) > 0 && gi(b + SIDE_O + S_HASLASTACK) != 0) bumpAgg(A_COMPLETED);
    else bumpAgg(A_FAILED);
  }
}

function sweep(at: f64): void {
  // closed flows wait in a queue in closing order; a full scan for idle flows is rarer
  const closedBefore = at - CLOSE_GRACE_SEC;
  drainClosed(CLOSEDQ, closedBefore);
  if (qLen(CTLQ) > 0) drainClosed(CTLQ, at - CONTROL_CLOSE_GRACE_SEC);
  if (at >= nextIdleScan) idleScan(at, closedBefore);
}

/** finalises the queue's flows closed before `closedBefore` */
function drainClosed(q: usize, closedBefore: f64): void {
  while (qLen(q) > 0) {
    const e = qHead(q);
    const f = load<i32>(e);
    const b = f * NI;
    if (gi(b + N_GEN) != load<i32>(e + 4) || gi(b + N_LIVE) == 0) {
      qPop(q);
      continue;
    }
    const d = f * ND;
    if (gd(d + D_CLOSEDAT) >= closedBefore) break;
    qPop(q);
    // a flow still busy after its close (retransmitted FINs…) is left to the idle scan
    if (gd(d + D_LASTTS) < closedBefore) {
      unlink(f);
      finalize(f);
    }
  }
}

function idleScan(at: f64, closedBefore: f64): void {
  nextIdleScan = at + max(SWEEP_EVERY_SEC, idle / 4);
  const ctlBefore = at - CONTROL_CLOSE_GRACE_SEC;
  if (tmpCap < live) {
    tmpCap = max(live, tmpCap * 2);
    tmpP = alloc(tmpCap * 4);
  }
  let n = 0;
  for (let i = 0; i < nBuckets; i++) {
    for (let f = bucket(i); f != NONE; f = gi(f * NI + N_NEXT)) {
      const d = f * ND;
      const lastTs = gd(d + D_LASTTS);
      // idle as expired() says (inclusive, the same arithmetic), or closed and quiet past the grace
      if (lastTs + idle <= at || (gd(d + D_CLOSEDAT) >= 0 && lastTs < (controlOnly(f) ? ctlBefore : closedBefore))) {
        store<i32>(<usize>(tmpP + (n << 2)), f);
        n++;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const f = load<i32>(<usize>(tmpP + (i << 2)));
    unlink(f);
    finalize(f);
  }
}

/** records and packets handed to frame() so far */
export function frames(): i32 {
  return frameIndex;
}

// ---- TCP timestamp clocks per (source, destination) address pair ----
// Linux >= 4.13 offsets TSvals per address pair, so the first SYNs of a pair's connections are compared in
// time order: a TSval that goes backwards within TS_WINDOW_SEC, and how many distinct clocks there are (a
// SYN continues a clock when its TSval advanced by 50..1100 ticks per second since that clock's last SYN).
// Entries: layout.ts TS_*.
const MAX_CLOCKS: i32 = 64;
const TS_WINDOW_SEC: f64 = 60;
let tsP: i32 = 0;
let tsCap: i32 = 0;
let tsN: i32 = 0;
let tsB: i32 = 0;
let tsNB: i32 = 0;

export function tsBase(): i32 { return tsP; }
export function tsCount(): i32 { return tsN; }

// @ts-ignore: decorator
@inline function te(e: i32, o: i32): usize { return <usize>(tsP + e * TSE + o); }

/** the packet's (source, destination) matches entry e */
function tsSame(e: i32, v6: bool): bool {
  if ((load<i32>(te(e, TS_V6)) != 0) != v6) return false;
  if (v6) return same6(te(e, TS_SRC), SC + <usize>P_W6) && same6(te(e, TS_DST), SC + <usize>P_W6 + 16);
  return load<i32>(te(e, TS_SRC)) == pI(P_SRC4) && load<i32>(te(e, TS_DST)) == pI(P_DST4);
}

/** TSval difference as the kernel sees it: modulo 2^32, signed */
// @ts-ignore: decorator
@inline function tsDiff(a: f64, b: f64): i32 { return <i32><i64>(a - b); }

function sameClock(cts: f64, cval: f64, ts: f64, tsval: f64): bool {
  const dt = ts - cts;
  const d = <f64>tsDiff(tsval, cval);
  return dt >= 0 && d >= dt * 50 - 20 && d <= dt * 1100 + 20;
}

function tsGrowBuckets(): void {
  const n = tsNB == 0 ? 1024 : tsNB * 2;
  const nb = alloc(n * 4);
  memory.fill(<usize>nb, 0xff, <usize>(n * 4));
  for (let e = 0; e < tsN; e++) {
    const j = load<i32>(te(e, TS_KEY)) & (n - 1);
    store<i32>(te(e, TS_NEXT), load<i32>(<usize>(nb + (j << 2))));
    store<i32>(<usize>(nb + (j << 2)), e);
  }
  tsB = nb;
  tsNB = n;
}

function synTimestamp(): void {
  const v6 = pI(P_IPVER) == 6;
  const ts = pD(P_TS);
  const tsval = pD(P_TSVAL);
  const key = v6 ? (hash6(SC + <usize>P_W6) * 31 + hash6(SC + <usize>P_W6 + 16)) & 0x3fffffff : key4(0, pI(P_SRC4), pI(P_DST4), 0, 0, 0);
  if (tsNB == 0) tsGrowBuckets();
  let e = load<i32>(<usize>(tsB + ((key & (tsNB - 1)) << 2)));
  while (e != NONE && !(load<i32>(te(e, TS_KEY)) == key && tsSame(e, v6))) e = load<i32>(te(e, TS_NEXT));
  if (e == NONE) {
    if (tsN == tsCap) {
      const ncap = tsCap == 0 ? 256 : tsCap * 2;
      const np = alloc(ncap * TSE);
      if (tsN > 0) memory.copy(<usize>np, <usize>tsP, <usize>(tsN * TSE));
      tsP = np;
      tsCap = ncap;
    }
    e = tsN++;
    memory.fill(te(e, 0), 0, <usize>TSE);
    store<i32>(te(e, TS_V6), v6 ? 1 : 0);
    store<i32>(te(e, TS_KEY), key);
    if (v6) copy32(te(e, TS_SRC), SC + <usize>P_W6);
    else {
      store<i32>(te(e, TS_SRC), pI(P_SRC4));
      store<i32>(te(e, TS_DST), pI(P_DST4));
    }
    store<i32>(te(e, TS_CONNECTIONS), 1);
    store<i32>(te(e, TS_CLOCKS), 1);
    const clk = alloc(16);
    store<f64>(<usize>clk, ts);
    store<f64>(<usize>(clk + 8), tsval);
    store<i32>(te(e, TS_CLKPTR), clk);
    store<i32>(te(e, TS_CLKCAP), 1);
    store<i32>(te(e, TS_NCLOCK), 1);
    store<f64>(te(e, TS_LASTTSVAL), tsval);
    store<f64>(te(e, TS_LASTTS), ts);
    if (tsN > tsNB) tsGrowBuckets();
    else {
      const j = key & (tsNB - 1);
      store<i32>(te(e, TS_NEXT), load<i32>(<usize>(tsB + (j << 2))));
      store<i32>(<usize>(tsB + (j << 2)), e);
    }
    return;
  }
  const connections = load<i32>(te(e, TS_CONNECTIONS)) + 1;
  store<i32>(te(e, TS_CONNECTIONS), connections);
  const clocks = load<i32>(te(e, TS_CLOCKS));
  const n = load<i32>(te(e, TS_NCLOCK));
  const clk = load<i32>(te(e, TS_CLKPTR));
  let matched = false;
  // one clock per connection so far (randomised offsets): stop matching, it would only cost time
  const saturated = n >= MAX_CLOCKS && clocks * 10 >= connections * 9;
  for (let i = 0; !saturated && i < n; i++) {
    const c = <usize>(clk + (i << 4));
    if (sameClock(load<f64>(c), load<f64>(c + 8), ts, tsval)) {
      store<f64>(c, ts);
      store<f64>(c + 8, tsval);
      matched = true;
      break;
    }
  }
  if (!matched) {
    store<i32>(te(e, TS_CLOCKS), clocks + 1);
    if (n < MAX_CLOCKS) {
      let cp = clk;
      const ccap = load<i32>(te(e, TS_CLKCAP));
      if (n == ccap) {
        cp = alloc(ccap * 2 * 16);
        memory.copy(<usize>cp, <usize>clk, <usize>(n * 16));
        store<i32>(te(e, TS_CLKPTR), cp);
        store<i32>(te(e, TS_CLKCAP), ccap * 2);
      }
      store<f64>(<usize>(cp + (n << 4)), ts);
      store<f64>(<usize>(cp + (n << 4) + 8), tsval);
      store<i32>(te(e, TS_NCLOCK), n + 1);
    }
  }
  const lastTsval = load<f64>(te(e, TS_LASTTSVAL));
  if (ts - load<f64>(te(e, TS_LASTTS)) <= TS_WINDOW_SEC && tsDiff(tsval, lastTsval) < 0) {
    store<i32>(te(e, TS_BACKWARD), load<i32>(te(e, TS_BACKWARD)) + 1);
    if (load<i32>(te(e, TS_HASEX)) == 0) {
      store<i32>(te(e, TS_HASEX), 1);
      store<f64>(te(e, TS_EXFROM), lastTsval);
      store<f64>(te(e, TS_EXTO), tsval);
      store<f64>(te(e, TS_EXTS), ts);
    }
  }
  store<f64>(te(e, TS_LASTTSVAL), tsval);
  store<f64>(te(e, TS_LASTTS), ts);
}
