/**
 * The packet model shared by the pcap reader and the tcpdump-text parser (lib/analysis/evidence):
 * whatever a packet came from, the flow analysis sees this shape.
 * Addresses are strings in their usual text form ("10.0.0.1", "fe80::1").
 */

export type TcpFlags = {
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
};

export type TcpOptions = {
  mss?: number;
  wscale?: number;
  sackPermitted?: boolean;
  /** SACK blocks as [left, right) pairs of absolute (or, from tcpdump text, as printed) sequence numbers */
  sack?: Array<[number, number]>;
  tsval?: number;
  tsecr?: number;
};

export type TcpInfo = {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: TcpFlags;
  window: number;
  options: TcpOptions;
  /** TCP payload length in bytes (as on the wire, even if the capture cut it short) */
  payloadLength: number;
};

export type UdpInfo = { srcPort: number; dstPort: number; payloadLength: number };

export type IcmpInfo = {
  /** 4 or 6 */
  version: 4 | 6;
  type: number;
  code: number;
  /** ICMPv4 3/4 next-hop MTU, ICMPv6 2 MTU */
  mtu?: number;
  /** the packet the ICMP error quotes, when it carries one */
  quoted?: {
    src: string;
    dst: string;
    protocol: number;
    srcPort?: number;
    dstPort?: number;
    seq?: number;
  };
};

export type TunnelInfo = {
  kind: "vxlan" | "geneve" | "gre" | "ipip";
  vni: number;
  outerSrc: string;
  outerDst: string;
  outerDstPort: number;
  /** outer IP total length, to see overlay packets bigger than the underlay */
  outerLength: number;
  outerDontFragment: boolean;
};

export type Packet = {
  /** seconds since the epoch, fractional (or seconds since capture start when only relative times are known) */
  ts: number;
  /** 1-based index in its source: frame number in a capture, line number in a text file */
  index: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** IP total length (v4) or payload length + 40 (v6) as on the wire */
  ipLength: number;
  ttl?: number;
  dontFragment?: boolean;
  /** IPv4/IPv6 fragment: offset in bytes and more-fragments flag (non-first fragments have no L4 info) */
  fragment?: { offset: number; more: boolean; id: number };
  protocol: number;
  tcp?: TcpInfo;
  udp?: UdpInfo;
  icmp?: IcmpInfo;
  /** set when the packet was found inside a VXLAN/Geneve tunnel */
  tunnel?: TunnelInfo;
  /** captured length was smaller than the packet: L4 fields may be partial */
  truncated?: boolean;
};
