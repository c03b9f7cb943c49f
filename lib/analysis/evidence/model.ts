/**
 * HostEvidence: everything read from one host's files, each fact citing its file and line.
 * Shared contract between the evidence parsers, the bundle reader, the diagnosis rules and the API.
 */
import { z } from "zod";

export const Cite = z.object({
  file: z.string(),
  /** 1-based line; absent for binary files or whole-file facts */
  line: z.number().int().positive().optional(),
});
export type Cite = z.infer<typeof Cite>;

export const EvidenceKind = z.enum([
  "sysctl", // sysctl -a, or a /proc/sys tree flattened by the bundle reader
  "proc-netstat", // /proc/net/netstat
  "proc-snmp", // /proc/net/snmp
  "proc-snmp6", // /proc/net/snmp6
  "sockstat", // /proc/net/sockstat(6)
  "nstat", // nstat -a / -z (text)
  "nstat-json", // nstat -j
  "netstat-s", // netstat -s
  "ss-listen", // ss -ltn(p)
  "ss-sockets", // ss -tan(pie), ss -a
  "ss-summary", // ss -s
  "proc-net-tcp", // /proc/net/tcp(6)
  "netstat-sockets", // netstat -ant / -lnp / -aeep
  "ip-link", // ip -d link
  "ip-link-json", // ip -j -d link
  "ip-addr",
  "ip-addr-json",
  "ip-route",
  "ip-route-get",
  "ip-route-cache",
  "ip-neigh",
  "conntrack-stats", // conntrack -S
  "proc-nf-conntrack", // /proc/net/stat/nf_conntrack
  "conntrack-count", // nf_conntrack_count / nf_conntrack_max files
  "uname",
  "nft-ruleset",
  "iptables-save",
  "iptables-list", // iptables -nvL
  "nginx-error-log",
  "nginx-access-log",
  "ingress-nginx-access-log",
  "kernel-log", // dmesg / journalctl -k
  "tcpdump-text",
  "pcap",
  "pcapng",
  "timing", // curl -w timings, `time` output, a latency list
  "kubernetes", // kubectl version / get svc / kube-proxy config facts
  "proc-net-dev",
  "softnet-stat",
  "other-text", // recognised as a known but unused output (ethtool, ping, traceroute…)
  "envoy-access-log", // Envoy default-format access log (also Ambassador/Istio, JSON-wrapped lines)
  "haproxy-log", // HAProxy httplog / tcplog lines (syslog-prefixed or bare) and its alerts
  "json-access-log", // JSON access logs: ingress-nginx/nginx escape=json formats, Traefik, others
  "client-log", // what clients print when a connection fails: curl (-v and its error lines), applications' errno texts
  "conntrack-list", // conntrack -L / -E: the tracked connections, both directions
  "ping", // ping / ping6 (and tracepath): the path MTU a probe learned, its losses
]);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const FileInfo = z.object({
  path: z.string(),
  kind: EvidenceKind,
  bytes: z.number().int().nonnegative(),
  /** lines the parser did not understand, kept rather than dropped */
  warnings: z.array(z.object({ line: z.number().int().optional(), message: z.string() })),
});
export type FileInfo = z.infer<typeof FileInfo>;

export const Fact = <T extends z.ZodTypeAny>(value: T) => z.object({ value, cite: Cite });

export const InterfaceKind = z.enum([
  "loopback", "device", "veth", "bridge", "vxlan", "ipip", "gre", "geneve", "wireguard", "tun", "dummy",
  "bond", "vlan", "macvlan", "ipvlan", "other",
]);

export const Interface = z.object({
  name: z.string(),
  index: z.number().int().optional(),
  kind: InterfaceKind,
  mtu: z.number().int(),
  state: z.string().optional(), // UP / DOWN / UNKNOWN / LOWER_UP…
  master: z.string().optional(),
  /** veth peer / vlan parent, as printed after '@' */
  link: z.string().optional(),
  mac: z.string().optional(),
  vxlan: z.object({
    id: z.number().int(),
    dstport: z.number().int().optional(),
    local: z.string().optional(),
    /** the remote tunnel end (or the multicast group), IPv4 or IPv6 */
    remote: z.string().optional(),
    dev: z.string().optional(),
    df: z.string().optional(),
  }).optional(),
  geneve: z.object({ id: z.number().int(), dstport: z.number().int().optional() }).optional(),
  cite: Cite,
});
export type Interface = z.infer<typeof Interface>;

export const Address = z.object({
  ifname: z.string(),
  family: z.enum(["inet", "inet6"]),
  address: z.string(),
  prefixLen: z.number().int(),
  cite: Cite,
});
export type Address = z.infer<typeof Address>;

export const Route = z.object({
  /** "default", "10.0.0.0/24", or a host address for `ip route get` */
  dst: z.string(),
  via: z.string().optional(),
  dev: z.string().optional(),
  src: z.string().optional(),
  mtu: z.number().int().optional(),
  /** `mtu lock N`: path-MTU discovery may not lower this route's MTU */
  mtuLock: z.boolean().optional(),
  proto: z.string().optional(),
  scope: z.string().optional(),
  table: z.string().optional(),
  type: z.string().optional(), // unicast / local / broadcast / blackhole…
  linkdown: z.boolean().optional(),
  /** from `ip route get` (the kernel's decision for one destination) or the route cache */
  source: z.enum(["table", "get", "cache"]),
  cacheExpires: z.number().optional(),
  cite: Cite,
});
export type Route = z.infer<typeof Route>;

export const Listener = z.object({
  proto: z.enum(["tcp", "udp"]),
  local: z.string(),
  port: z.number().int(),
  /** for LISTEN sockets: current accept-queue length */
  recvQ: z.number().int(),
  /** for LISTEN sockets: the backlog, min(backlog, somaxconn) */
  sendQ: z.number().int(),
  /**
   * false when sendQ is NOT the backlog: /proc/net/tcp (and netstat, which reads it) print
   * write_seq - snd_una for a listener, normally 0. Only ss (inet_diag) reports the backlog. Absent = known.
   */
  backlogKnown: z.boolean().optional(),
  process: z.string().optional(),
  cite: Cite,
});
export type Listener = z.infer<typeof Listener>;

export const Socket = z.object({
  proto: z.enum(["tcp", "udp"]),
  state: z.string(), // ESTAB, TIME-WAIT, SYN-SENT… normalised to ss spelling
  local: z.string(),
  localPort: z.number().int(),
  peer: z.string(),
  peerPort: z.number().int(),
  recvQ: z.number().int(),
  sendQ: z.number().int(),
  cite: Cite,
});
export type Socket = z.infer<typeof Socket>;

export const LogEventKind = z.enum([
  "upstream_timed_out", // (110: Connection timed out) while connecting to / reading from upstream
  "connection_reset", // recv() failed (104: Connection reset by peer)
  "upstream_prematurely_closed",
  "no_live_upstreams",
  "connection_refused", // connect() failed (111: Connection refused)
  "cannot_assign_address", // (99: Cannot assign requested address)
  "conntrack_table_full", // nf_conntrack: table full, dropping packet
  "syn_flooding", // Possible SYN flooding on port …
  "martian_source",
  "neighbour_table_overflow",
  "connect_timeout", // a client's connect timed out: the handshake never completed (curl 'Connection timed out', Go 'i/o timeout')
  "transfer_stalled", // connected, then no (or only part of the) response before the client's deadline (curl 'Operation timed out … with N out of M bytes')
  "no_route_to_host", // EHOSTUNREACH / ENETUNREACH from connect()
  "other_error",
]);
export type LogEventKind = z.infer<typeof LogEventKind>;

export const LogEvent = z.object({
  kind: LogEventKind,
  /** ISO time when the line carries one */
  time: z.string().optional(),
  /** e.g. "while connecting to upstream" */
  phase: z.string().optional(),
  upstream: z.string().optional(),
  client: z.string().optional(),
  port: z.number().int().optional(),
  message: z.string(),
  cite: Cite,
});
export type LogEvent = z.infer<typeof LogEvent>;

export const AccessLogEntry = z.object({
  time: z.string().optional(),
  status: z.number().int(),
  method: z.string().optional(),
  path: z.string().optional(),
  requestLength: z.number().int().optional(),
  bodyBytes: z.number().int().optional(),
  requestTime: z.number().optional(),
  upstreamAddr: z.array(z.string()),
  upstreamStatus: z.array(z.number().int().nullable()),
  upstreamResponseTime: z.array(z.number().nullable()),
  /** $remote_addr / Envoy downstream address, when the format has one */
  client: z.string().optional(),
  /** ingress-nginx [$proxy_upstream_name] */
  upstreamName: z.string().optional(),
  /** Envoy %RESPONSE_FLAGS% split on ',' (UF, URX, NR, UC, UT…); absent when the format has none or it was '-' */
  responseFlags: z.array(z.string()).optional(),
  cite: Cite,
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

export const Latency = z.object({
  seconds: z.number().nonnegative(),
  source: z.enum(["access-log", "timing", "capture", "input"]),
  what: z.string().optional(), // "time_connect", "request_time"…
  cite: Cite,
});
export type Latency = z.infer<typeof Latency>;

export const CounterDelta = z.object({
  name: z.string(),
  from: z.number(),
  to: z.number(),
  delta: z.number(),
  /** seconds between the readings, when known */
  seconds: z.number().optional(),
  ratePerSecond: z.number().optional(),
  fromCite: Cite,
  toCite: Cite,
});
export type CounterDelta = z.infer<typeof CounterDelta>;

export const NatRule = z.object({
  table: z.string(), // nat / filter / …
  chain: z.string(),
  /** what the rule is about, for the rules that matter to diagnosis */
  kind: z.enum(["nodeport", "dnat", "snat", "masquerade", "icmp-drop", "drop", "other"]),
  proto: z.string().optional(),
  dport: z.number().int().optional(),
  dportRange: z.tuple([z.number().int(), z.number().int()]).optional(),
  target: z.string().optional(),
  text: z.string(),
  cite: Cite,
});
export type NatRule = z.infer<typeof NatRule>;

/** one tracked connection of `conntrack -L` (or an event of `conntrack -E`), both directions as the kernel keeps them */
export const ConntrackEntry = z.object({
  proto: z.string(),
  /** TCP state (SYN_SENT, ESTABLISHED, TIME_WAIT…); absent for UDP/ICMP */
  state: z.string().optional(),
  orig: z.object({ src: z.string(), dst: z.string(), sport: z.number().int().optional(), dport: z.number().int().optional() }),
  reply: z.object({ src: z.string(), dst: z.string(), sport: z.number().int().optional(), dport: z.number().int().optional() }),
  /** no packet of the reply direction was seen (`[UNREPLIED]`) */
  unreplied: z.boolean(),
  assured: z.boolean(),
  cite: Cite,
});
export type ConntrackEntry = z.infer<typeof ConntrackEntry>;

export const HostEvidence = z.object({
  host: z.string(),
  files: z.array(FileInfo),
  unrecognized: z.array(z.object({ path: z.string(), bytes: z.number().int(), reason: z.string() })),
  kernel: Fact(z.string()).optional(),
  /** "net.ipv4.tcp_tw_recycle" -> "1" (values as printed, whitespace collapsed) */
  sysctls: z.record(z.string(), Fact(z.string())),
  /** latest reading per counter: "TcpExt.ListenOverflows", "Tcp.RetransSegs", "Ip6.InReceives", "Sockstat.TCP.tw"… */
  counters: z.record(z.string(), Fact(z.number())),
  /** counters that changed between two readings of this host */
  deltas: z.array(CounterDelta),
  /**
   * counters read at two or more moments (name → number of moments), changed or not: a counter listed
   * here and absent from `deltas` did not move. Several formats read at one moment are one reading.
   */
  readings: z.record(z.string(), z.number().int()).optional(),
  interfaces: z.array(Interface),
  addresses: z.array(Address),
  routes: z.array(Route),
  listeners: z.array(Listener),
  sockets: z.array(Socket),
  /** counts by state (from ss -s, ss -tan, netstat -ant or sockstat) */
  socketStates: z.record(z.string(), z.number().int()),
  conntrack: z.object({
    count: Fact(z.number()).optional(),
    max: Fact(z.number()).optional(),
    /** summed over CPUs: found, invalid, insert, insert_failed, drop, early_drop, error, search_restart, clash_resolve… */
    stats: z.record(z.string(), Fact(z.number())),
  }),
  rules: z.array(NatRule),
  /** connections conntrack tracks (conntrack -L), when listed */
  conntrackEntries: z.array(ConntrackEntry).optional(),
  logEvents: z.array(LogEvent),
  accessLog: z.array(AccessLogEntry),
  latencies: z.array(Latency),
  /** Kubernetes facts: version, nodePort range, allocated nodePorts, kube-proxy mode */
  kubernetes: z.object({
    version: Fact(z.string()).optional(),
    nodePortRange: Fact(z.tuple([z.number().int(), z.number().int()])).optional(),
    nodePorts: z.array(Fact(z.number().int())),
    proxyMode: Fact(z.string()).optional(),
  }),
  /** files holding captures (pcap, pcapng, tcpdump text) to hand to the capture engine */
  captures: z.array(z.object({ path: z.string(), kind: z.enum(["pcap", "pcapng", "tcpdump-text"]) })),
});
export type HostEvidence = z.infer<typeof HostEvidence>;

export function emptyHost(host: string): HostEvidence {
  return {
    host, files: [], unrecognized: [], sysctls: {}, counters: {}, deltas: [], interfaces: [], addresses: [],
    routes: [], listeners: [], sockets: [], socketStates: {}, conntrack: { stats: {} }, rules: [], logEvents: [],
    accessLog: [], latencies: [], kubernetes: { nodePorts: [] }, captures: [],
  };
}

/** Result union: parsers never throw on bad input. */
export type ParseResult<T> =
  | { status: "success"; data: T; warnings: Array<{ line?: number; message: string }> }
  | { status: "failed"; error: string };
