/**
 * What the capture engine reports. Shared contract: the diagnosis rules read these fields, the CLI prints them.
 * Times are seconds (fractional). Offsets are relative to the first SYN (or SYN-ACK) of the flow.
 */
import type { TcpOptions } from "./packet";

/** Zeek conn_state values */
export type ConnState =
  | "S0" | "S1" | "SF" | "REJ" | "S2" | "S3" | "RSTO" | "RSTR" | "RSTOS0" | "RSTRH" | "SH" | "SHR" | "OTH";

export type Endpoint = { addr: string; port: number };

export type FlowSummary = {
  proto: "tcp" | "udp";
  /** the side that sent the first SYN (or the first packet seen when no SYN was seen) */
  orig: Endpoint;
  resp: Endpoint;
  /**
   * set when the flow was seen inside a tunnel: the innermost one's kind and endpoints (Zeek's
   * tunnel_parents); ipip is IP in IP (protocol 4 or 41: Calico's IPIP, sit, ip6tnl), gre includes gretap,
   * NVGRE, PPTP and ERSPAN
   */
  tunnel?: {
    kind: "vxlan" | "geneve" | "gre" | "ipip";
    /** VXLAN/Geneve VNI, GRE key (0 without one), ERSPAN session ID; 0 for IP in IP */
    vni: number;
    outerSrc: string;
    outerDst: string;
    /** largest outermost IP packet of the flow, all tunnel headers included (compare with the underlay MTU) */
    maxOuterLength?: number;
    /** some outermost packet of the flow had DF set */
    outerDontFragment?: boolean;
    /** tunnels nested around the flow (GRE in GRE: 2); absent when 1 */
    layers?: number;
    /**
     * the flow was mirrored through ERSPAN (a span session), not carried by the tunnel: the outer sizes
     * say nothing about the flow's own path MTU
     */
    erspan?: true;
  };
  firstTs: number;
  lastTs: number;
  duration: number;
  connState: ConnState;
  /** Zeek history letters: S h A D F R (upper = orig, lower = resp), T/t retransmission, W/w zero window, G/g content gap … */
  history: string;
  origPackets: number;
  respPackets: number;
  /**
   * bytes each way, as Zeek's orig_bytes/resp_bytes: TCP: the sequence space the side covered (from its
   * first sequence number to the highest one it sent or the peer acknowledged, SYN and FIN octets not
   * counted), so data the capture missed counts (see missedBytes) and retransmissions do not; UDP: the
   * datagrams' payload (their own length field, so a first fragment counts its whole datagram)
   */
  origBytes: number;
  respBytes: number;
  /** TCP/UDP payload carried by the packets of the capture, retransmissions included (tshark's tcp.len summed) */
  payloadBytes: { orig: number; resp: number };
  /**
   * TCP data the receiver acknowledged but no packet of the capture carried (or carried only cut by the
   * snapshot length): the capture, not the network, lost it. Zeek's missed_bytes, per side; history has
   * G/g at the 1st, 10th, 100th … gap. Only counted while both ends are established. Absent when none.
   */
  missedBytes?: { orig: number; resp: number };
  /** SYN -> SYN-ACK time (first SYN-ACK after the last SYN it answers), seconds */
  handshakeRtt?: number;
  /** absolute times of every SYN (orig) and SYN-ACK (resp) seen */
  synTimes: number[];
  synAckTimes: number[];
  /** offsets of SYN retransmissions from the first SYN, e.g. [1, 3, 7] */
  synRetransOffsets: number[];
  synAckRetransOffsets: number[];
  origOptions?: TcpOptions;
  respOptions?: TcpOptions;
  /** largest TCP payload seen each way */
  maxSegment: { orig: number; resp: number };
  retransmissions: { orig: number; resp: number };
  dupAcks: { orig: number; resp: number };
  zeroWindows: { orig: number; resp: number };
  resets: { orig: number; resp: number };
  /** full-size segments (>= 0.9 * the flow's largest segment, and > 536) retransmitted and never acknowledged while smaller ones got through */
  mtuBlackhole?: {
    direction: "orig" | "resp";
    segmentSize: number;
    retransmissions: number;
    smallSegmentsAcked: number;
  };
  /** ICMP frag-needed / packet-too-big messages quoting this flow */
  icmpMtu: Array<{ ts: number; from: string; mtu: number }>;
  /** frame/line index of the first packet, for citations */
  firstIndex: number;
};

export type SkipReason =
  | "truncated-record"
  | "bad-record-length"
  | "unknown-link-type"
  | "snaplen-truncated"
  | "not-ip"
  | "bad-ip-header"
  | "bad-l4-header"
  | "garbage";

export type CaptureSummary = {
  format: "pcap" | "pcapng" | "tcpdump-text";
  /** link types seen, by their LINKTYPE_ name, e.g. ["ETHERNET"], ["LINUX_SLL2"] */
  linkTypes: string[];
  packets: number;
  bytes: number;
  firstTs?: number;
  lastTs?: number;
  ipv4: number;
  ipv6: number;
  tcpPackets: number;
  udpPackets: number;
  icmpPackets: number;
  tunnelPackets: number;
  flowsByState: Partial<Record<ConnState, number>>;
  tcpFlows: number;
  udpFlows: number;
  handshakes: { attempted: number; completed: number; failed: number; refused: number };
  /** histogram of SYN / SYN-ACK retransmission offsets, rounded to 0.1 s: { "1": 12, "3": 10, ... } */
  synRetransHistogram: Record<string, number>;
  synAckRetransHistogram: Record<string, number>;
  /** per source address: TCP timestamps going backwards across connections (several hosts behind one NAT) */
  tsBackwards: Array<{
    addr: string;
    /** the destination the SYNs went to: Linux (>= 4.13) offsets TSvals per address pair, so clocks are compared per pair */
    peer?: string;
    connections: number;
    backwardSteps: number;
    /**
     * distinct TSval clocks among those connections (a SYN continues a clock when its TSval advanced by
     * 50..1100 ticks per second since that clock's last SYN). clocks ≈ connections: per-connection random
     * offsets (Linux >= 4.10 default), backward steps are harmless; few clocks for many connections with
     * backward steps: several hosts behind one address (NAT), the tcp_tw_recycle/PAWS hazard.
     */
    clocks?: number;
    example: { fromTsval: number; toTsval: number; ts: number };
  }>;
  /** client source ports seen inside the given NodePort range */
  nodePortSourcePorts: Array<{ addr: string; port: number; dst: Endpoint; connState: ConnState }>;
  mssSeen: number[];
  icmpMtu: Array<{ ts: number; from: string; to: string; mtu: number; quoted?: { src: string; dst: string; srcPort?: number; dstPort?: number } }>;
  maxIpLength: number;
  /** IP fragments other than the first (they carry no L4 header, so no flow sees them) */
  nonFirstFragments?: number;
  /**
   * frames captured shorter than they were on the wire (cut by the snapshot length): their headers were
   * decoded and sizes come from them, but payloads are incomplete
   */
  framesCutShort?: number;
  /** the snapshot length the file states (pcap header; pcapng: the largest non-zero interface snaplen) */
  snaplen?: number;
  retransmissions: number;
  mtuBlackholeFlows: number;
  skipped: Partial<Record<SkipReason, number>>;
  /**
   * the capture is incomplete: TCP data acknowledged by its receiver that no packet of the capture carried
   * (dropped by the capturing host, a filter, asymmetric routing, or cut by the snapshot length: see
   * framesCutShort), summed over flows (FlowSummary.missedBytes). Absent when nothing is missing. "Capture
   * incomplete: N bytes never seen" — the network delivered them; not a sign of network loss.
   */
  captureGaps?: { missedBytes: number; flows: number };
  /**
   * IP packets of protocols the engine does not decode, by protocol (IANA keyword: esp, sctp, igmp, ospf,
   * pim, vrrp …, else the number); "gre", "ipip" and "ipv6" count tunnel packets whose inner packet could not
   * be used (an unknown GRE payload, a tunnel nested too deep). None of these are in a flow. Absent when none.
   */
  undecodedProtocols?: Record<string, number>;
  /**
   * the flow table was at its budget (SummaryOptions.flowBudget flows alive at once, e.g. a SYN flood from
   * spoofed addresses): from `since` (capture time) on, new flows were not tracked until finalised flows made
   * room: about `flows` of them (a HyperLogLog estimate, ±1 %) with `packets` packets are in no flow, state
   * count or handshake figure (packet counters include them). Absent when every flow was tracked.
   */
  untrackedFlows?: { flows: number; packets: number; since: number; budget: number };
  /** set when reading stopped early: what happened and where */
  error?: { message: string; offset: number };
  /** all flows, worst first */
  flows: FlowSummary[];
};
