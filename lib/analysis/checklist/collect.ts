/**
 * What to run where when an item lacks evidence. Commands are the ones whose output the evidence engine
 * recognises (lib/analysis/evidence), so what comes back fills the item in.
 */
import type { Collect, SendVia } from "./model";

type Recipe = { command: string; why: string; send: SendVia[] };

const TEXT: SendVia[] = ["paste", "upload", "agent"];
const FILE: SendVia[] = ["upload"];

export const RECIPES = {
  uname: { command: "uname -r", why: "the kernel version decides the SYN retry schedule and which sysctls exist", send: TEXT },
  sysctls: { command: "sysctl -a 2>/dev/null", why: "every kernel setting the rules compare (somaxconn, port range, rp_filter, tw_recycle, bridge-nf-call-iptables…)", send: TEXT },
  synSysctls: {
    command: "uname -r; sysctl net.ipv4.tcp_syn_retries net.ipv4.tcp_synack_retries net.ipv4.tcp_syn_linear_timeouts 2>/dev/null",
    why: "the kernel and its SYN retry settings give the retransmission schedule latencies are compared with",
    send: TEXT,
  },
  listeners: { command: "ss -ltn", why: "Recv-Q against Send-Q (the backlog) of each listener shows a full accept queue", send: TEXT },
  counters: {
    command: "nstat -az; sleep 60; nstat -az",
    why: "two readings a minute apart turn counters (ListenOverflows, TCPTimeouts, IPReversePathFilter…) into what happened during the incident",
    send: TEXT,
  },
  listenCounters: {
    command: "nstat -az TcpExtListenOverflows TcpExtListenDrops; sleep 60; nstat -az TcpExtListenOverflows TcpExtListenDrops",
    why: "ListenOverflows rising between two readings is an accept queue overflowing now, not since boot",
    send: TEXT,
  },
  conntrack: {
    command: "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max; conntrack -S",
    why: "the table's fill and its drop / insert_failed statistics",
    send: TEXT,
  },
  sockets: { command: "sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse; ss -s", why: "the source-port range against sockets in TIME-WAIT", send: TEXT },
  portRange: {
    command: "sysctl net.ipv4.ip_local_port_range net.ipv4.ip_local_reserved_ports",
    why: "a local port range overlapping the NodePort range (30000-32767 by default) lets outgoing connections take NodePorts",
    send: TEXT,
  },
  errorLog: {
    command: "tail -n 5000 /var/log/nginx/error.log   # ingress-nginx: kubectl -n ingress-nginx logs deploy/ingress-nginx-controller --since=2h",
    why: "upstream timed out / prematurely closed / 104 resets say which hop failed and when",
    send: ["upload", "paste"],
  },
  accessLog: {
    command: "tail -n 20000 /var/log/nginx/access.log",
    why: "status codes and request/upstream times over time (5xx rate, slow requests)",
    send: ["upload", "paste"],
  },
  kernelLog: {
    command: "dmesg -T | tail -n 2000   # or: journalctl -k --since '-2h'",
    why: "'nf_conntrack: table full', 'possible SYN flooding', martian sources, neighbour table overflow",
    send: TEXT,
  },
  capture: {
    command: "timeout 60 tcpdump -i any -nn -s 0 -w /tmp/netmortem.pcap 'tcp or icmp'",
    why: "flows by state, unanswered SYNs and their retransmission offsets, full-size segments that never arrive, resets",
    send: FILE,
  },
  links: { command: "ip -d link; ip route", why: "interface kinds and MTUs (overlay vs underlay) and route MTUs along the path", send: TEXT },
  latency: {
    command: "for i in $(seq 20); do curl -so /dev/null -w '%{http_code} %{time_connect} %{time_starttransfer} %{time_total}\\n' https://SERVICE/; done",
    why: "latencies land on the kernel's SYN retry schedule (1, 3, 7… s) or on a configured timeout",
    send: TEXT,
  },
} satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;

export function collect(name: RecipeName, hosts: string[]): Collect[] {
  const r = RECIPES[name];
  const where = hosts.length > 0 ? hosts : ["each node"];
  return where.map((host) => ({ host, command: r.command, why: r.why, send: [...r.send] }));
}
