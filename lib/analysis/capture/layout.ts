/**
 * Memory layout shared by the WebAssembly core (core/engine.ts, AssemblyScript) and the TypeScript around
 * it: byte offsets of the decoded packet ("scratch") and of the statistics block, the flow record's field
 * indexes, TCP flag bits. This file is compiled by both compilers, so it holds numeric constants only.
 */

// ---- the decoded packet (scratch), byte offsets; f64 fields first, then i32 ----
export const P_TS = 0;
/** TCP timestamp option of a SYN; -0.5 when absent */
export const P_TSVAL = 8;
export const P_TSECR = 16;
/** ICMP next-hop MTU; -1 when none */
export const P_ICMPMTU = 24;
/** sequence number quoted by an ICMP error; -1 when none */
export const P_QSEQ = 32;
export const P_FRAGID = 40;
export const P_INDEX = 48;
export const P_ORIGLEN = 52;
export const P_IPVER = 56;
export const P_SRC4 = 60;
export const P_DST4 = 64;
/** IPv6 source (16 bytes) then destination (16 bytes), as on the wire; P_QW6 and P_OUTERW6 alike */
export const P_W6 = 68;
export const P_IPLEN = 100;
export const P_TTL = 104;
export const P_DF = 108;
export const P_ISFRAG = 112;
export const P_FRAGOFF = 116;
export const P_FRAGMORE = 120;
export const P_PROTO = 124;
/** 6, 17, 1, 58 when that L4 header was decoded, else 0 */
export const P_L4 = 128;
export const P_SPORT = 132;
export const P_DPORT = 136;
export const P_SEQ = 140;
export const P_ACK = 144;
export const P_FLAGS = 148;
export const P_WINDOW = 152;
export const P_PAYLEN = 156;
/** options were parsed (SYN segments only) */
export const P_HASOPTS = 160;
export const P_MSS = 164;
export const P_WSCALE = 168;
export const P_SACKPERM = 172;
export const P_ICMPTYPE = 176;
export const P_ICMPCODE = 180;
export const P_HASQUOTED = 184;
export const P_QVER = 188;
export const P_QSRC4 = 192;
export const P_QDST4 = 196;
export const P_QW6 = 200;
export const P_QPROTO = 232;
export const P_QSPORT = 236;
export const P_QDPORT = 240;
/** 0 none, 1 vxlan, 2 geneve, 3 gre, 4 ipip (IP-in-IP, protocols 4 and 41): the innermost tunnel */
export const P_TUNKIND = 244;
export const P_VNI = 248;
export const P_OUTERVER = 252;
export const P_OUTERSRC4 = 256;
export const P_OUTERDST4 = 260;
export const P_OUTERW6 = 264;
export const P_OUTERDPORT = 296;
export const P_OUTERLEN = 300;
export const P_OUTERDF = 304;
export const P_TRUNC = 308;
/**
 * tunnels the packet was inside (GRE in GRE: 2); the outer length and DF are the outermost's. This field,
 * P_ERSPAN and P_INFRAG are valid only when P_TUNKIND is set
 */
export const P_TUNLAYERS = 312;
/** the GRE payload was ERSPAN (a mirrored frame: its outer size says nothing about the inner flow's path) */
export const P_ERSPAN = 316;
/**
 * an enclosing (tunnel) packet is a first IP fragment: an inner packet it cuts short (P_TRUNC) continues in
 * the next fragments, which the capture holds (not reassembled here); else P_TRUNC means the bytes are not in
 * the capture (the snapshot length, a truncating mirror)
 */
export const P_INFRAG = 320;
export const P_SIZE = 336;

// ---- statistics block (stats()), byte offsets ----
export const T_BYTES = 0;
export const T_FIRST = 8;
export const T_LAST = 16;
export const T_PACKETS = 24;
export const T_CUT = 28;
export const T_IPV4 = 32;
export const T_IPV6 = 36;
export const T_TCP = 40;
export const T_UDP = 44;
export const T_ICMP = 48;
export const T_TUNNEL = 52;
export const T_FRAG = 56;
export const T_MAXIP = 60;
/** skip counters by decoder code (Skip), 8 int32 */
export const T_SKIP = 64;
/** TCP sequence space acknowledged but never captured (Zeek's missed_bytes), over all finalised flows */
export const T_MISSED = 96;
/** finalised flows with missed bytes */
export const T_GAPFLOWS = 104;
/** packets of flows not tracked because the flow table was at its budget (f64), and the first one's time */
export const T_UNTRACKEDPKTS = 112;
export const T_UNTRACKEDSINCE = 120;
/** the budget (flows alive at once), and the most flows alive at once */
export const T_BUDGET = 128;
export const T_PEAKLIVE = 132;
export const T_SIZE = 144;

// ---- TCP flags; "no TCP timestamp" (negative: a TSval is 0..2^32-1) ----
export const F_FIN = 0x01;
export const F_SYN = 0x02;
export const F_RST = 0x04;
export const F_PSH = 0x08;
export const F_ACK = 0x10;
export const F_URG = 0x20;
export const F_ECE = 0x40;
export const F_CWR = 0x80;
export const NO_TS = -0.5;

// ---- decoder results ----
export const SKIP_NONE = 0;
export const SKIP_UNKNOWN_LINK = 1;
export const SKIP_NOT_IP = 2;
export const SKIP_BAD_IP = 3;
export const SKIP_BAD_L4 = 4;
export const SKIP_SNAPLEN = 5;

// ---- a flow record: NI int32 (header, then the two sides interleaved field by field) and ND float64 ----
export const N_NEXT = 0;
export const N_PROTO = 1;
export const N_V6 = 2;
export const N_A4 = 3;
export const N_B4 = 4;
export const N_PA = 5;
export const N_PB = 6;
export const N_VNI = 7;
export const SIDE_O = 8;
export const SIDE_R = 9;
// per-side fields: index = flow base + SIDE_O (or SIDE_R) + S_*. Ordered by heat: what every packet touches
// first (the first three 64-byte lines of the record), the rest after
export const S_STATE = 0;
export const S_PACKETS = 2;
export const S_SEQINIT = 4;
export const S_ONCE = 6;
export const S_MAXSEQEND = 8;
// Zeek's sequence bookkeeping per endpoint (TCP_Endpoint, TCP_Reassembler), raw 32-bit sequence numbers:
// start, last (highest sent), ack (highest acknowledged by the peer: also the black-hole check's)
export const S_ZSTART = 10;
export const S_ZACK = 12;
export const S_LASTACK = 14;
export const S_HASLASTACK = 16;
export const S_LASTWIN = 18;
export const S_MAXSEG = 20;
export const S_KEEPALIVE = 22;
export const S_SMALLPENDING = 24;
export const S_SMALLPENDINGEND = 26;
export const S_ZLAST = 28;
/** content delivered (seen, or given up as a gap) up to here; moves with S_ZSTART (Zeek counts relative) */
export const S_DELIV = 30;
/** content seen above a hole, not delivered yet: S_NBLK [start, end) pairs at S_BLK (ascending) */
export const S_NBLK = 32;
export const S_SMALLACKED = 34;
export const S_FREE36 = 36;
export const S_FREE38 = 38;
export const S_LASTFINSEQ = 40;
export const S_LASTSYNSEQ = 42;
export const S_RETRANS = 44;
export const S_LASTRSTSEQ = 46;
export const S_LARGERETRANS = 48;
export const S_LARGESIZE = 50;
export const S_LARGEEND = 52;
export const S_DATARETRANS = 54;
export const S_ZEROWIN = 56;
export const S_RESETS = 58;
export const S_UDPACTIVE = 60;
export const S_DUPACKS = 62;
// (indexes 72-79 are the header fields N_KEY..N_FLIPPED: the second group of side fields starts at S 72)
export const S_HASOPTS = 72;
export const S_OPTMSS = 74;
export const S_OPTWS = 76;
export const S_OPTSACK = 78;
/** one past the FIN (Zeek's FIN_seq); valid when Z_FIN is set */
export const S_FINAT = 80;
/** wraps of S_ZLAST (low 16 bits) and of S_ZACK (high 16 bits) */
export const S_ZWRAPS = 82;
/** Z_FIN, and the state before the current one (Zeek's prev_state) at bits 8-15 */
export const S_ZBITS = 84;
/** content gaps (Zeek's Gap calls that count: G/g at the 1st, 10th, 100th …) */
export const S_GAPS = 86;
export const S_BLK = 88;
export const MAX_BLOCKS = 2;
export const Z_FIN = 1;
export const N_KEY = 72;
/** history length (letters in the H area, MAX_HISTORY per slot) */
export const N_HIST = 73;
export const N_SYNN = 74;
export const N_SYNACKN = 75;
/** bumped when the slot is freed: tells stale closed-queue entries apart */
export const N_GEN = 76;
export const N_LIVE = 77;
/** set by anything that can make a flow score above zero */
export const N_ANOM = 78;
/** the first packet was a SYN-ACK and the flow was flipped (history starts with ^) */
export const N_FLIPPED = 79;
export const NI = 104;
export const D_FIRSTTS = 0;
export const D_LASTTS = 1;
/** negative: not closed */
export const D_CLOSEDAT = 2;
export const D_O = 3;
export const D_R = 4;
export const SD_BYTES = 0;
export const D_SYN0 = 5;
export const D_SYNLAST = 6;
export const D_SYNACK0 = 7;
/** negative: none yet */
export const D_HSRTT = 8;
export const D_FIRSTINDEX = 9;
export const D_OTS = 10;
export const D_RTS = 12;
export const SD_TSVAL = 0;
export const SD_TSECR = 1;
/** missed bytes (content gaps acknowledged) of the originator's and the responder's data */
export const D_MISSO = 14;
export const D_MISSR = 15;
export const ND = 16;
export const MAX_HISTORY = 48;
export const MAX_TIMES = 32;

// ---- TCP timestamp clock entries (tsBase(), tsCount() of them, in creation order), byte offsets ----
/** next entry in the same hash bucket, -1 at the end */
export const TS_NEXT = 0;
export const TS_V6 = 4;
export const TS_KEY = 8;
export const TS_CONNECTIONS = 12;
export const TS_BACKWARD = 16;
export const TS_CLOCKS = 20;
/** clock pairs (time, TSval) stored at TS_CLKPTR, at most MAX_CLOCKS */
export const TS_NCLOCK = 24;
export const TS_CLKCAP = 28;
export const TS_CLKPTR = 32;
export const TS_HASEX = 36;
export const TS_LASTTSVAL = 40;
export const TS_LASTTS = 48;
export const TS_EXFROM = 56;
export const TS_EXTO = 64;
export const TS_EXTS = 72;
/** the source address: IPv4 as int32 at +0, IPv6 as 16 bytes */
export const TS_SRC = 80;
export const TS_DST = 96;
export const TSE = 112;
