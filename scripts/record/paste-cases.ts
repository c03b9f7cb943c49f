/**
 * Shapes real lab recordings into paste-style cases (lib/analysis/diagnosis/testdata/pastes/recorded).
 *
 *   sudo bash scripts/record/paste-cases.sh            # runs the lab scenarios, then this
 *   npx tsx scripts/record/paste-cases.ts LAB_OUT DEST  # this alone, on a lab output (e2e/lab/run.sh)
 *
 * Every output line comes from a command run in the lab's namespaces (e2e/lab/scenarios/*.sh record them);
 * this script only does what people do when they paste: put the command line with a prompt before the
 * output, filter it with grep (a real regular expression over the real lines), join several commands in
 * one paste, write a collect file with section headers, add comments and annotations, save it with CRLF,
 * wrap lines at the terminal's 80 columns, cut the last line short. The shapes follow what public issue
 * threads show (prompts such as `[root@host ~]#` and `user@host:~$`, `netstat -s | egrep …`, `nstat -az |
 * grep`, `==== cmd ====` collect files); no thread's text is copied. It writes cases.json (what each case
 * is, its shapes and the diagnosis it must give) and MANIFEST.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const [labOut, dest] = process.argv.slice(2);
if (!labOut || !dest) {
  console.error("usage: paste-cases.ts LAB_OUT DEST");
  process.exit(2);
}

const read = (scenario: string, host: string, file: string): string => {
  const p = path.join(labOut, scenario, host, file);
  if (!existsSync(p)) throw new Error(`missing recording ${p}`);
  return readFileSync(p, "utf8");
};
/** `date -u -r FILE`: the time the recording was written, as date(1) prints it */
const dateOf = (scenario: string, host: string, file: string) => execFileSync("date", ["-u", "-r", path.join(labOut, scenario, host, file)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }).trim();
const lines = (t: string) => t.replace(/\n$/, "").split("\n");
const grep = (t: string, re: RegExp) => lines(t).filter((l) => re.test(l)).join("\n");
const head = (t: string, n: number) => lines(t).slice(0, n).join("\n");
const tail = (t: string, n: number) => lines(t).slice(-n).join("\n");

/** `user@host:~# cmd` + output */
const prompt = (host: string, cmd: string, out: string, style: "debian" | "rhel" | "dollar" | "hash" | "busybox" = "debian") => {
  const p = style === "debian" ? `root@${host}:~# ` : style === "rhel" ? `[root@${host} ~]# ` : style === "dollar" ? "$ " : style === "hash" ? "# " : "/ # ";
  return `${p}${cmd}\n${out.replace(/\n$/, "")}\n`;
};
/** a collect file's section */
const section = (cmd: string, out: string, style: "eq" | "md" | "dash" = "eq") => {
  const h = style === "eq" ? `==== ${cmd} ====` : style === "md" ? `## ${cmd}` : `----- ${cmd} -----`;
  return `${h}\n${out.replace(/\n$/, "")}\n\n`;
};
const crlf = (t: string) => t.replace(/\r?\n/g, "\r\n");
/** terminal wrap at 80 columns: long lines broken into 80-character rows */
const wrap80 = (t: string) => lines(t).map((l) => (l.length <= 80 ? l : l.match(/.{1,80}/g)!.join("\n"))).join("\n") + "\n";
/** the last line cut in half (a selection that stopped early) */
const cutLast = (t: string) => {
  const ls = lines(t);
  const last = ls.pop() ?? "";
  return [...ls, last.slice(0, Math.max(1, Math.floor(last.length / 2)))].join("\n");
};
/** an annotation after the first line matching re */
const annotate = (t: string, re: RegExp, note: string) => {
  let done = false;
  return lines(t).map((l) => (!done && re.test(l) ? ((done = true), `${l}   <-- ${note}`) : l)).join("\n") + "\n";
};

type Case = { id: string; expect: string; scenario: string; shapes: string[]; shows: string; files: Record<string, string> };
const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- accept_queue_overflow: server somaxconn 16, a listener that never accepts, 200 connects
{
  const s = "accept_queue_overflow";
  add({ id: "aq-prompt-ss-nstat-grep", expect: s, scenario: s, shapes: ["prompt", "grep", "several commands"], shows: "ss -ltn with Recv-Q 17 over Send-Q 16, nstat listen counters filtered with grep",
    files: { "paste.txt": prompt("server", "ss -ltn", read(s, "server", "ss-ltn.txt")) + prompt("server", "nstat -az | grep -i listen", grep(read(s, "server", "nstat-after.txt"), /listen/i)) } });
  add({ id: "aq-netstat-twice", expect: s, scenario: s, shapes: ["dollar prompt", "grep", "two readings in one paste"], shows: "netstat -s | egrep listen twice, before and after the burst: ListenOverflows 0 → 1281",
    files: { "netstat.txt": prompt("server", "netstat -s | egrep -i 'listen|overflow'", grep(read(s, "server", "netstat-s-before.txt"), /listen|overflow/i), "dollar") + prompt("server", "netstat -s | egrep -i 'listen|overflow'", grep(read(s, "server", "netstat-s-after.txt"), /listen|overflow/i), "dollar") } });
  add({ id: "aq-collect-crlf", expect: s, scenario: s, shapes: ["collect file", "CRLF", "annotation"], shows: "a collect file with section headers saved with CRLF; an arrow annotation on the full listener",
    files: { "server-collect.txt": crlf(section("uname -r", read(s, "server", "uname-r.txt")) + section("ss -ltn", annotate(read(s, "server", "ss-ltn.txt"), /LISTEN/, "queue full?")) + section("sysctl net.core.somaxconn", grep(read(s, "server", "sysctl-a.txt"), /^net\.core\.somaxconn /))) } });
  add({ id: "aq-proc-netstat-dated", expect: s, scenario: s, shapes: ["cat /proc/net/netstat", "date lines", "two readings"], shows: "cat /proc/net/netstat before and after, each after a date line",
    files: { "proc.txt": prompt("server", "date -u -r proc-net-netstat-before.txt", dateOf(s, "server", "proc-net-netstat-before.txt"), "rhel") + prompt("server", "cat /proc/net/netstat", read(s, "server", "proc-net-netstat-before.txt"), "rhel") + prompt("server", "date -u -r proc-net-netstat-after.txt", dateOf(s, "server", "proc-net-netstat-after.txt"), "rhel") + prompt("server", "cat /proc/net/netstat", read(s, "server", "proc-net-netstat-after.txt"), "rhel") } });
}

// ---- overlay_mtu_mismatch: flannel.1 vxlan MTU 1500 (df set) over a 1500 underlay; pods at 1500
{
  const s = "overlay_mtu_mismatch";
  add({ id: "ov-two-hosts-prompts", expect: s, scenario: s, shapes: ["prompts of two hosts in one paste", "several commands"], shows: "ip -d link on node-a (flannel.1 vxlan mtu 1500 over eth0 1500), nstat FragFails before/after, pod-a's tcpdump of the stalled upload",
    files: { "paste.txt": prompt("node-a", "ip -d link", read(s, "node-a", "ip-d-link.txt")) + prompt("node-a", "nstat -az IpFragFails", grep(read(s, "node-a", "nstat-before.txt"), /^#kernel|IpFragFails/)) + prompt("node-a", "nstat -az IpFragFails", grep(read(s, "node-a", "nstat-after.txt"), /^#kernel|IpFragFails/)) + prompt("pod-a", "ip link", read(s, "pod-a", "ip-d-link.txt"), "debian") } });
  add({ id: "ov-wrapped-80", expect: s, scenario: s, shapes: ["terminal wrap at 80 columns", "grep"], shows: "ip -d link wrapped at 80 columns (vxlan details on continuation rows), netstat -s | grep -i frag before/after",
    files: { "node-a.txt": wrap80(prompt("node-a", "ip -d link", read(s, "node-a", "ip-d-link.txt"))) + prompt("node-a", "netstat -s | grep -i fragment", grep(read(s, "node-a", "netstat-s-before.txt"), /fragment/i)) + prompt("node-a", "netstat -s | grep -i fragment", grep(read(s, "node-a", "netstat-s-after.txt"), /fragment/i)) } });
  add({ id: "ov-collect-host-headers", expect: s, scenario: s, shapes: ["collect file", "host headers", "markdown headers"], shows: "one collect file with a host header per node and pod and ## sections: links, routes, tcpdump of pod-a",
    files: { "collect.txt": "##### node-a #####\n" + section("ip -d link", read(s, "node-a", "ip-d-link.txt"), "md") + section("ip route", read(s, "node-a", "ip-route.txt"), "md") + "##### pod-a #####\n" + section("ip -d link", read(s, "pod-a", "ip-d-link.txt"), "md") + section("tcpdump -nn -r pod-a-eth0.pcap", read(s, "pod-a", "tcpdump-eth0.txt"), "md") } });
}

// ---- port_range_nodeport_collision: node-1 ip_local_port_range 1024 65000; a connection from source port 30080 (a NodePort)
{
  const s = "port_range_nodeport_collision";
  add({ id: "pr-prompt-sysctl-tcpdump", expect: s, scenario: s, shapes: ["prompt", "grep", "several commands"], shows: "sysctl -a | grep port_range, iptables-save | grep NODEPORTS, the tcpdump of the failing handshake from source port 30080",
    files: { "paste.txt": prompt("node-1", "sysctl -a 2>/dev/null | grep port_range", grep(read(s, "node-1", "sysctl-a.txt"), /port_range/)) + prompt("node-1", "iptables-save | grep -i nodeport", grep(read(s, "node-1", "iptables-save.txt"), /nodeport/i)) + prompt("node-1", "tcpdump -nn -r node-1-eth0.pcap", read(s, "node-1", "tcpdump-eth0.txt")) } });
  add({ id: "pr-truncated-tcpdump", expect: s, scenario: s, shapes: ["two pasted files", "truncated last line", "rhel prompt"], shows: "the sysctl and the iptables NodePort rule in one file, the capture text in another whose last line is cut",
    files: { "sysctl.txt": prompt("node-1", "sysctl net.ipv4.ip_local_port_range net.ipv4.ip_local_reserved_ports", grep(read(s, "node-1", "sysctl-a.txt"), /ip_local_(port_range|reserved_ports) /), "rhel") + prompt("node-1", "iptables-save -t nat | grep KUBE-NODEPORTS", grep(read(s, "node-1", "iptables-save.txt"), /KUBE-NODEPORTS/), "rhel"),
      "capture.txt": prompt("node-1", "tcpdump -nn -r node-1-eth0.pcap 'port 30080'", cutLast(grep(read(s, "node-1", "tcpdump-eth0.txt"), /\.30080[ :]/)), "rhel") } });
  add({ id: "pr-collect-dash", expect: s, scenario: s, shapes: ["collect file", "dash headers", "comments"], shows: "a collect file with ----- headers and a comment line: sysctl, nft ruleset, conntrack -L, tcpdump",
    files: { "node-1.txt": "# collected on node-1 while curl --local-port 30080 hung\n" + section("sysctl -a | grep ip_local", grep(read(s, "node-1", "sysctl-a.txt"), /ip_local/), "dash") + section("iptables-save", read(s, "node-1", "iptables-save.txt"), "dash") + section("conntrack -L", read(s, "node-1", "conntrack-L.txt"), "dash") + section("tcpdump -nn -r node-1-eth0.pcap", read(s, "node-1", "tcpdump-eth0.txt"), "dash") } });
}

// ---- rp_filter_asymmetric_route: node conf.all.rp_filter=1, asymmetric route; replies to 10.213.1.2 dropped
{
  const s = "rp_filter_asymmetric_route";
  add({ id: "rp-prompt-grep", expect: s, scenario: s, shapes: ["prompt", "grep", "two readings"], shows: "sysctl -a | grep rp_filter, nstat | grep ReversePath before/after, dmesg | grep martian",
    files: { "paste.txt": prompt("node", "sysctl -a | grep '\\.rp_filter'", grep(read(s, "node", "sysctl-a.txt"), /\.rp_filter /)) + prompt("node", "nstat -az | grep -i reversepath", grep(read(s, "node", "nstat-before.txt"), /ReversePath/)) + prompt("node", "nstat -az | grep -i reversepath", grep(read(s, "node", "nstat-after.txt"), /ReversePath/)) + prompt("node", "dmesg | grep -i martian", grep(read(s, "node", "dmesg-martian.txt"), /martian/)) } });
  add({ id: "rp-crlf-comments", expect: s, scenario: s, shapes: ["CRLF", "comments", "busybox prompt"], shows: "the same counters and log lines pasted from a Windows terminal, with comment lines",
    files: { "rp.txt": crlf("# the node drops replies from 10.213.1.2\n" + prompt("node", "sysctl net.ipv4.conf.all.rp_filter net.ipv4.conf.eth0.rp_filter net.ipv4.conf.eth1.rp_filter", grep(read(s, "node", "sysctl-a.txt"), /^net\.ipv4\.conf\.(all|eth0|eth1)\.rp_filter /), "busybox") + "# after the test:\n" + prompt("node", "dmesg | grep martian | head -3", head(grep(read(s, "node", "dmesg-martian.txt"), /martian/), 3), "busybox")) } });
  add({ id: "rp-netstat-raw-counter", expect: s, scenario: s, shapes: ["netstat -s grep of a raw counter", "two pasted files"], shows: "netstat -s | grep -i filter (the raw IPReversePathFilter line) before and after, and the martian lines",
    files: { "netstat.txt": prompt("node", "netstat -s | grep -i filter", grep(read(s, "node", "netstat-s-before.txt"), /filter/i) || "", "hash") + prompt("node", "netstat -s | grep -i filter", grep(read(s, "node", "netstat-s-after.txt"), /filter/i), "hash"),
      "dmesg.txt": prompt("node", "dmesg -T | grep martian", grep(read(s, "node", "dmesg-martian.txt"), /martian/), "hash") } });
}

// ---- pmtu_blackhole: client ─1500─ r1 ─1400─ r2 ─1500─ server; r2's firewall drops ICMP frag-needed
{
  const s = "pmtu_blackhole";
  add({ id: "pmtu-two-hosts", expect: s, scenario: s, shapes: ["prompts of two hosts"], shows: "the server's tcpdump of the stalled 200 KB response and r2's nft ruleset with the ICMP drop, FragFails before/after",
    files: { "paste.txt": prompt("server", "tcpdump -nn -r server-eth0.pcap", read(s, "server", "tcpdump-eth0.txt")) + prompt("r2", "nft list ruleset", read(s, "r2", "nft-list-ruleset.txt")) + prompt("r2", "nstat -az IpFragFails", grep(read(s, "r2", "nstat-before.txt"), /^#kernel|IpFragFails/)) + prompt("r2", "nstat -az IpFragFails", grep(read(s, "r2", "nstat-after.txt"), /^#kernel|IpFragFails/)) } });
  add({ id: "pmtu-collect-server", expect: s, scenario: s, shapes: ["collect file", "==> file <== headers"], shows: "the server's capture text and its links in a collect file; head -n of two files as ==> <== sections",
    files: { "server.txt": section("ip -d link", read(s, "server", "ip-d-link.txt")) + section("tcpdump -nn -r server-eth0.pcap", read(s, "server", "tcpdump-eth0.txt")) + `==> /proc/net/snmp <==\n${read(s, "server", "proc-net-snmp-after.txt")}\n` } });
  add({ id: "pmtu-wrapped-capture", expect: s, scenario: s, shapes: ["terminal wrap at 80 columns"], shows: "the server's tcpdump text wrapped at 80 columns",
    files: { "tcpdump.txt": wrap80(prompt("server", "tcpdump -nn -r server-eth0.pcap", read(s, "server", "tcpdump-eth0.txt"), "dollar")) } });
}

// ---- ephemeral_port_exhaustion: proxy ip_local_port_range 40000 40049, no upstream keepalive
{
  const s = "ephemeral_port_exhaustion";
  add({ id: "eph-tail-error-log", expect: s, scenario: s, shapes: ["prompt", "tail of a log", "several commands"], shows: "tail of nginx's error log (99: Cannot assign requested address) and the port range",
    files: { "paste.txt": prompt("proxy", "tail -n 20 /var/log/nginx/error.log", tail(read(s, "proxy", "nginx-error.log"), 20)) + prompt("proxy", "sysctl net.ipv4.ip_local_port_range", grep(read(s, "proxy", "sysctl-a.txt"), /ip_local_port_range /)) } });
  add({ id: "eph-grep-timewait", expect: s, scenario: s, shapes: ["grep", "ss filtered without its header"], shows: "grep 'Cannot assign' of the error log and ss -tan | grep TIME-WAIT (rows without the header)",
    files: { "errors.txt": prompt("proxy", "grep 'Cannot assign' /var/log/nginx/error.log | tail -5", tail(grep(read(s, "proxy", "nginx-error.log"), /Cannot assign/), 5), "rhel"),
      "ss.txt": prompt("proxy", "ss -tan | grep TIME-WAIT", grep(read(s, "proxy", "ss-tanpie.txt"), /TIME-WAIT/), "rhel") } });
  add({ id: "eph-truncated-log", expect: s, scenario: s, shapes: ["truncated last line", "access and error log"], shows: "the access log's 502s and the error log, the last error line cut",
    files: { "logs.txt": prompt("proxy", "tail -n 8 /var/log/nginx/access.log", tail(read(s, "proxy", "nginx-access.log"), 8)) + prompt("proxy", "tail -n 6 /var/log/nginx/error.log", cutLast(tail(grep(read(s, "proxy", "nginx-error.log"), /\[(error|crit)\]/), 6))) } });
}

// ---- bridge_subnet_collision: docker0 172.17.0.0/16 on a host whose LAN database is 172.17.5.10
{
  const s = "bridge_subnet_collision";
  add({ id: "br-prompt-route-get", expect: s, scenario: s, shapes: ["prompt", "several commands"], shows: "ip route, ip route get 172.17.5.10 → dev docker0, nginx's No route to host",
    files: { "paste.txt": prompt("docker-host", "ip route", read(s, "docker-host", "ip-route.txt")) + prompt("docker-host", "ip route get 172.17.5.10", read(s, "docker-host", "ip-route-get-172.17.5.10.txt")) + prompt("docker-host", "tail -n 3 /var/log/nginx/error.log", tail(grep(read(s, "docker-host", "nginx-error.log"), /\[error\]/), 3)) } });
  add({ id: "br-collect-crlf", expect: s, scenario: s, shapes: ["collect file", "CRLF"], shows: "a CRLF collect file: addresses, routes, the route lookup and the error log",
    files: { "docker-host.txt": crlf(section("ip addr", read(s, "docker-host", "ip-addr.txt")) + section("ip route", read(s, "docker-host", "ip-route.txt")) + section("ip route get 172.17.5.10", read(s, "docker-host", "ip-route-get-172.17.5.10.txt")) + section("cat /var/log/nginx/error.log", grep(read(s, "docker-host", "nginx-error.log"), /\[error\]/))) } });
}

// ---- keepalive_timeout_mismatch: nginx keepalive 60 s to an upstream that closes idle connections after 1 s
{
  const s = "keepalive_timeout_mismatch";
  add({ id: "ka-grep-error-log", expect: s, scenario: s, shapes: ["grep", "access log tail"], shows: "grep 'reset by peer' of the error log and the access log with the 502s answered in 0.000 s upstream connect time",
    files: { "paste.txt": prompt("proxy", "grep -E 'prematurely|reset by peer' /var/log/nginx/error.log", grep(read(s, "proxy", "nginx-error.log"), /prematurely|reset by peer/)) + prompt("proxy", "tail -n 12 /var/log/nginx/access.log", tail(read(s, "proxy", "nginx-access.log"), 12)) } });
  add({ id: "ka-collect-capture", expect: s, scenario: s, shapes: ["collect file", "capture text"], shows: "the proxy's capture of the request written into the idle connection and the RST, with the error log",
    files: { "proxy.txt": section("tcpdump -nn -r proxy-eth1.pcap", read(s, "proxy", "tcpdump-eth1.txt")) + section("grep error /var/log/nginx/error.log", grep(read(s, "proxy", "nginx-error.log"), /\[error\]/)) } });
}

// ---- bridge_nf_call_iptables_disabled: bridge-nf-call-iptables=0 on the node, a ClusterIP DNAT to a same-bridge pod
{
  const s = "bridge_nf_call_iptables_disabled";
  add({ id: "bnf-prompt", expect: s, scenario: s, shapes: ["prompt", "several commands"], shows: "sysctl bridge-nf-call-iptables = 0, ip -d link (veths on cni0), iptables-save -t nat, tcpdump on cni0 with the un-NATed SYN-ACK",
    files: { "paste.txt": prompt("node", "sysctl net.bridge.bridge-nf-call-iptables", grep(read(s, "node", "sysctl-a.txt"), /bridge-nf-call-iptables /)) + prompt("node", "ip -d link", read(s, "node", "ip-d-link.txt")) + prompt("node", "iptables-save -t nat", read(s, "node", "iptables-save.txt")) + prompt("node", "tcpdump -nn -i cni0 -r cni0.pcap", read(s, "node", "tcpdump-cni0.txt")) } });
  add({ id: "bnf-collect-md", expect: s, scenario: s, shapes: ["collect file", "markdown headers", "annotation"], shows: "the same in a ## collect file with an annotation on the sysctl",
    files: { "node.txt": section("sysctl -a | grep bridge-nf", annotate(grep(read(s, "node", "sysctl-a.txt"), /bridge-nf/), /call-iptables = 0/, "should be 1"), "md") + section("ip -d link", read(s, "node", "ip-d-link.txt"), "md") + section("iptables-save", read(s, "node", "iptables-save.txt"), "md") + section("tcpdump -nn -r cni0.pcap", read(s, "node", "tcpdump-cni0.txt"), "md") } });
}

// ---- healthy: client ─ server (nginx), 23 requests all 200
{
  const s = "healthy";
  add({ id: "healthy-prompt", expect: "none", scenario: s, shapes: ["prompt", "grep", "several commands"], shows: "a quiet listener (Recv-Q 0), nstat grep of listen/retrans counters, curl timings all 200 in ms",
    files: { "paste.txt": prompt("server", "ss -ltn", read(s, "server", "ss-ltn.txt")) + prompt("server", "nstat -az | grep -iE 'listen|retrans'", grep(read(s, "server", "nstat-after.txt"), /listen|retrans/i)) + prompt("client", "for i in $(seq 23); do curl -s -o /dev/null -w 'http_code: %{http_code} time_connect: %{time_connect} time_total: %{time_total}\\n' http://10.211.0.1/; done", read(s, "client", "curl-timings.txt")) } });
  add({ id: "healthy-collect", expect: "none", scenario: s, shapes: ["collect file", "two readings"], shows: "the server's collect file: somaxconn, ss -s, netstat -s before and after (no counter of interest moves)",
    files: { "server.txt": section("sysctl -a | grep -E 'somaxconn|port_range|rp_filter'", grep(read(s, "server", "sysctl-a.txt"), /somaxconn|port_range|rp_filter/)) + section("ss -s", read(s, "server", "ss-s.txt")) + section("netstat -s", read(s, "server", "netstat-s-before.txt")) + section("netstat -s", read(s, "server", "netstat-s-after.txt")) } });
  add({ id: "healthy-capture-logs", expect: "none", scenario: s, shapes: ["capture text", "access log", "wrapped at 80"], shows: "the server's capture of the 23 exchanges and its access log, wrapped at 80 columns",
    files: { "server.txt": wrap80(prompt("server", "tcpdump -nn -r server-eth0.pcap | head -60", head(read(s, "server", "tcpdump-eth0.txt"), 60)) + prompt("server", "tail /var/log/nginx/access.log", tail(read(s, "server", "nginx-access.log"), 10))) } });
  // healthy systems that look risky (outputs of these reproductions on hosts where nothing failed)
  add({ id: "healthy-risky-overlay-fits", expect: "none", scenario: "overlay_mtu_mismatch", shapes: ["prompt", "healthy host that looks risky"], shows: "node-b's flat fragmentation and listen counters and its quiet listeners: nothing failed on node-b itself",
    files: { "node-b.txt": prompt("node-b", "nstat -az | grep -iE 'frag|listen'", grep(read("overlay_mtu_mismatch", "node-b", "nstat-after.txt"), /frag|listen/i)) + prompt("node-b", "ss -ltn", read("overlay_mtu_mismatch", "node-b", "ss-ltn.txt")) } });
  add({ id: "healthy-risky-port-range-quiet", expect: "none", scenario: "port_range_nodeport_collision", shapes: ["prompt", "healthy host that looks risky"], shows: "the app host (ip_local_port_range at the default) and its flat counters; nothing failed there",
    files: { "app.txt": prompt("app", "sysctl -a | grep -E 'port_range|somaxconn'", grep(read("port_range_nodeport_collision", "app", "sysctl-a.txt"), /port_range|somaxconn/)) + prompt("app", "netstat -s | grep -iE 'listen|overflow|fail'", grep(read("port_range_nodeport_collision", "app", "netstat-s-after.txt"), /listen|overflow|fail/i)) } });
  add({ id: "unrelated-client-only", expect: "none", scenario: "accept_queue_overflow", shapes: ["prompt", "unrelated outputs"], shows: "the accept-queue client's own routes and links and its quiet listen counters: nothing about the server",
    files: { "client.txt": prompt("client", "ip route", read("accept_queue_overflow", "client", "ip-route.txt")) + prompt("client", "ip addr", read("accept_queue_overflow", "client", "ip-addr.txt")) + prompt("client", "nstat -az | grep -i listen", grep(read("accept_queue_overflow", "client", "nstat-after.txt"), /listen/i)) } });
}

// ---- proxies (scripts/record/proxy-logs.sh): HAProxy and nginx with a JSON access log in front of a backend
// whose accept loop is stalled (somaxconn 8); HAProxy with a 4-port source range for a slow backend
{
  const s = "proxy";
  const rd = (f: string) => readFileSync(path.join(labOut, s, f), "utf8");
  const rb = (f: string) => read(s, "backend", f);
  add({ id: "px-haproxy-sC-backend-ss", expect: "accept_queue_overflow", scenario: s, shapes: ["prompts of two hosts", "HAProxy log (sC--)", "ss filtered by port"], shows: "HAProxy's 503s with termination state sC-- (connect timed out, Tc -1) and the backend's ss -ltn 'sport = :8080' with Recv-Q 9 over Send-Q 8",
    files: { "paste.txt": prompt("lb", "journalctl -u haproxy --no-pager | tail -4", head(rd("haproxy-stdout.log"), 4)) + prompt("backend", "ss -ltn 'sport = :8080'", grep(rb("ss-ltn.txt"), /State|:8080 /)) } });
  add({ id: "px-json-log-backend-netstat", expect: "accept_queue_overflow", scenario: s, shapes: ["ingress-nginx-style JSON access log", "two pasted files", "grep twice"], shows: "the JSON access log's 504s after 3 s (upstream_connect_time \"-\") and the backend's netstat -s | grep -i listen before and after",
    files: { "access.json.log": rd("nginx-json-access.log"), "backend.txt": prompt("backend", "netstat -s | grep -i listen", grep(rb("netstat-s-before.txt"), /listen/i), "dollar") + prompt("backend", "netstat -s | grep -i listen", grep(rb("netstat-s-after.txt"), /listen/i), "dollar") } });
  add({ id: "px-haproxy-no-free-ports", expect: "ephemeral_port_exhaustion", scenario: s, shapes: ["HAProxy log with alerts", "prompt"], shows: "HAProxy: 'Cannot bind to source address before connect()' alerts and SC-- 503s while four connections hold the backend's 4-port source range",
    files: { "haproxy.txt": prompt("lb", "tail -n 12 /var/log/haproxy.log", tail(rd("haproxy-stdout.log"), 12)) } });
}

rmSync(dest, { recursive: true, force: true });
for (const c of cases) {
  const d = path.join(dest, c.id);
  mkdirSync(d, { recursive: true });
  for (const [f, t] of Object.entries(c.files)) writeFileSync(path.join(d, f), t);
}
writeFileSync(path.join(dest, "cases.json"), JSON.stringify(cases.map(({ files, ...rest }) => ({ ...rest, files: Object.keys(files) })), null, 2) + "\n");
const md = [
  "# Recorded paste-style cases",
  "",
  "Recorded on this machine by `scripts/record/paste-cases.sh` (the e2e/lab reproductions, real commands in network",
  "namespaces, kernel " + (readFileSync(path.join(labOut, "healthy", "server", "uname-r.txt"), "utf8").trim()) + "), then shaped the way people paste by",
  "`scripts/record/paste-cases.ts` (prompts, grep filters, several commands in one paste, collect files with section",
  "headers, comments, CRLF, 80-column wraps, cut last lines). The output lines are the recorded ones. `cases.json` is",
  "the machine-readable manifest; `recorded.test.ts` (lib/analysis/diagnosis) reads every case in place.",
  "",
  "| case | expected | shapes | what it shows |",
  "|---|---|---|---|",
  ...cases.map((c) => `| \`${c.id}\` | ${c.expect} | ${c.shapes.join(", ")} | ${c.shows} |`),
  "",
].join("\n");
writeFileSync(path.join(dest, "MANIFEST.md"), md);
console.log(`paste-cases: ${cases.length} cases → ${dest}`);
