/**
 * Shapes the held-out recordings (scripts/record/heldout/scenarios/*.sh, run by record.sh) into evaluation cases:
 * lib/analysis/diagnosis/testdata/heldout/<case>/…, cases.json and MANIFEST.md.
 *
 *   sudo bash scripts/record/heldout/record.sh             # runs the scenarios, then this
 *   npx tsx scripts/record/heldout/shape.ts RAW DEST        # this alone, on a recorder output
 *
 * Every output line comes from a command run in the recorders' namespaces. This script only does what people do
 * when they paste or collect: put a prompt (or nothing) before a command, filter with grep (a real regular
 * expression over the real lines), wrap outputs in a GitHub issue's markdown fences with sentences of their own,
 * interleave two logs by time as `kubectl logs` prints a controller's stdout and stderr, lay files out the way
 * ansible's fetch module or a moment-per-folder collect script does. The shapes were chosen from public threads
 * (MANIFEST.md names them); no thread's text is copied. Shapes already used by testdata/pastes/recorded are avoided.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const [raw, dest] = process.argv.slice(2);
if (!raw || !dest) {
  console.error("usage: shape.ts RAW DEST");
  process.exit(2);
}

const read = (...p: string[]): string => {
  const f = path.join(raw, ...p);
  if (!existsSync(f)) throw new Error(`missing recording ${f}`);
  return readFileSync(f, "utf8");
};
/** `date -u -r FILE` as date(1) prints it: the time a recording was written */
const dateOf = (...p: string[]) => execFileSync("date", ["-u", "-r", path.join(raw, ...p)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } }).trim();
const lines = (t: string) => t.replace(/\n$/, "").split("\n");
const grep = (t: string, re: RegExp) => lines(t).filter((l) => re.test(l)).join("\n");
const tail = (t: string, n: number) => lines(t).slice(-n).join("\n");
const block = (t: string) => `${t.replace(/\n$/, "")}\n`;
/** a command line as typed after a prompt */
const at = (prompt: string, cmd: string, out: string) => `${prompt}${cmd}\n${block(out)}`;
/** a bare command line (no prompt) and its output, as in netdata#6998 */
const bare = (cmd: string, out: string) => `${cmd}\n${block(out)}`;
/** a GitHub issue's fenced block */
const fence = (body: string, lang = "") => "```" + lang + "\n" + block(body) + "```\n";

type Case = {
  id: string;
  expect: string;
  recording: string;
  shapes: string[];
  seen: string;
  fair: string;
  shows: string;
  /** how the case is given to the engine: its files as loose arguments (`netmortem analyze a.txt b.txt`), or its
   * folder as one bundle (an uploaded archive or directory keeps its layout) */
  input: "files" | "folder";
  files: Record<string, string | { copy: string }>;
};
const cases: Case[] = [];
const add = (c: Omit<Case, "input"> & { input?: Case["input"] }) => cases.push({ ...c, input: c.input ?? (Object.keys(c.files).some((f) => f.includes("/")) ? "folder" : "files") });

// ---------------------------------------------------------------- aq6: accept queue over IPv6 (api, lb)
{
  const r = "aq6";
  const api = (f: string) => read(r, "api", f);
  add({
    id: "aq6-script-typescript", expect: "accept_queue_overflow", recording: r,
    shapes: ["script(1) typescript", "bracketed-paste escape sequences", "CRLF", "echoed input line before each prompt"],
    seen: "terminal logs attached to issues as typescript files; escape sequences left in pastes (kubernetes/kubernetes#90854 shows a raw terminal capture)",
    fair: "a file format no case uses: every line ends in CR, each prompt begins with ESC[?2004h, the command is echoed once before the prompt; IPv6 listener, port 9443, somaxconn 32",
    shows: "uptime, ss -ltn 'sport = :9443' with Recv-Q 33 over Send-Q 32, nstat -az | grep listen (ListenOverflows 707), sysctl somaxconn 32",
    files: { "session.log": api("typescript.txt") },
  });
  add({
    id: "aq6-github-issue-fences", expect: "accept_queue_overflow", recording: r,
    shapes: ["GitHub issue markdown", "```console fences", "prose between outputs", "sudo", "ss with Process column", "nstat in its default (increments) mode"],
    seen: "every GitHub issue form (e.g. cilium/cilium#19761 `$ sudo sysctl -a | grep rp_filter` in fences, netdata/netdata#3234)",
    fair: "prose lines sit inside the paste; nstat without -a prints only what changed since its previous run, not counters since boot",
    shows: "a user's issue text around `$ sudo ss -ltnp` (users:((\"python3\",…)) column) and `$ nstat | grep -i listen` run after a quiet `nstat` a minute before",
    files: {
      "issue.md": [
        "### What happened",
        "",
        "Clients behind our load balancer time out when connecting to the orders API (IPv6 only). The pod is",
        "running and the process is alive. On the API host:",
        "",
        fence(at("$ ", "sudo ss -ltnp", api("ss-ltnp.txt")), "console"),
        "I ran nstat once before the load test and once after it:",
        "",
        fence(at("$ ", "nstat | grep -i listen", grep(api("nstat-2.txt"), /listen/i)), "console"),
        "### Environment",
        "",
        fence(at("$ ", "uname -a", api("uname-a.txt"))),
      ].join("\n"),
    },
  });
  add({
    id: "aq6-bare-command-lines", expect: "accept_queue_overflow", recording: r,
    shapes: ["command lines without any prompt", "netstat -s grep of one reading", "cat /proc/sys value"],
    seen: "netdata/netdata#6998 (`uname -r`, `netstat -s | grep -i listen`, `nstat -a | grep -i listen` each on a line of its own, output below)",
    fair: "nothing marks where a command starts but its own words; one reading only (no before/after)",
    shows: "uname -r, cat /proc/sys/net/core/somaxconn (32), netstat -s | grep -i listen (707 overflows) and ss -ltn 'sport = :9443'",
    files: {
      "notes.txt": bare("uname -r", lines(api("uname-a.txt"))[0]!.split(" ")[2]!) + "\n" +
        bare("cat /proc/sys/net/core/somaxconn", grep(api("sysctl-a.txt"), /^net\.core\.somaxconn = /).replace(/^.* = /, "")) + "\n" +
        bare("netstat -s | grep -i listen", grep(api("netstat-s-after.txt"), /listen/i)) + "\n" +
        bare("ss -ltn 'sport = :9443'", api("ss-ltn-sport.txt")),
    },
  });
  add({
    id: "aq6-client-curl-server-any-capture", expect: "accept_queue_overflow", recording: r,
    shapes: ["curl -v of the client", "tcpdump -i any -tttt (interface and direction columns)", "two pasted files", "IPv6"],
    seen: "tcpdump pasted with its 'listening on' banner (kubernetes/kubernetes#90854, Azure/azure-container-networking#344); curl -v timeouts in ingress issues",
    fair: "the server's only evidence is a capture in Linux cooked format with dates and In/Out columns; no counter, no ss",
    shows: "curl: (28) Connection timed out after 5003 milliseconds from lb; api's capture: the first 33 handshakes complete, then SYNs to :9443 retransmitted with no SYN-ACK",
    files: {
      "lb-curl.txt": at("lb:~$ ", "curl -v -g --max-time 5 'http://[fd10:218::1]:9443/v1/orders'", read(r, "lb", "curl-v.txt")),
      "api-tcpdump.txt": at("api-7f9c:~# ", "tcpdump -i any -nn -tttt port 9443",
        "tcpdump: data link type LINUX_SLL2\ntcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n" + api("tcpdump-any-tttt.txt")),
    },
  });
  const sos = readdirSync(path.join(raw, r, "api-sos")).find((f) => f.endsWith(".tar.xz"))!;
  add({
    id: "aq6-sosreport-tar-xz", expect: "accept_queue_overflow", recording: r,
    shapes: ["sosreport archive as sos writes it (.tar.xz)", "a single uploaded archive", "networking plugin only"],
    seen: "sos's default output (sosreport-<host>-<date>-<id>.tar.xz), what support cases attach",
    fair: "xz compression (the bundle reader knew .tar.gz, .tar, .zip), one reading of the counters, proc/<pid>/net copies",
    shows: "the api host's sosreport (netstat -s with 707 listen overflows, ip, /proc/net/netstat)",
    files: { [sos]: { copy: path.join(raw, r, "api-sos", sos) } },
  });
  add({
    id: "aq6-ansible-fetch-ip-folders", expect: "accept_queue_overflow", recording: r,
    shapes: ["ansible fetch layout (<inventory host>/<absolute source path>)", "IP addresses as host folders", ".out files", "numbered readings"],
    seen: "ansible's fetch module output (dest/<inventory_hostname>/tmp/…), a common way to pull diagnostics from several nodes",
    fair: "host folders named by the inventory's management IPv4 addresses, holding tmp/netdiag/ deep below; readings numbered 1 and 2 rather than before/after",
    shows: "api (inventory 10.0.3.17): nstat run twice (the second prints the increments), netstat -s before and after, ss -ltn; lb (10.0.3.18): curl -v",
    files: {
      "fetched/10.0.3.17/tmp/netdiag/nstat.1.out": api("nstat-1.txt"),
      "fetched/10.0.3.17/tmp/netdiag/nstat.2.out": api("nstat-2.txt"),
      "fetched/10.0.3.17/tmp/netdiag/netstat-s.1.out": api("netstat-s-before.txt"),
      "fetched/10.0.3.17/tmp/netdiag/netstat-s.2.out": api("netstat-s-after.txt"),
      "fetched/10.0.3.17/tmp/netdiag/ss-ltnp.out": api("ss-ltnp.txt"),
      "fetched/10.0.3.18/tmp/netdiag/curl.out": read(r, "lb", "curl-v.txt"),
    },
  });
}

// ---------------------------------------------------------------- ovcal: Calico VXLAN 1450 over a 1400 underlay
{
  const r = "ovcal";
  const na = (f: string) => read(r, "node-a", f);
  add({
    id: "ovcal-single-device-shows", expect: "overlay_mtu_mismatch", recording: r,
    shapes: ["ip -d link show <one device>", "ip link show <underlay> without -d", "EC2-style prompt", "nstat -az with counter arguments, twice"],
    seen: "flannel-io/flannel#841 (`core@ip-… ~ $ ip -d link show flannel.1` and `ip -d link show eth0` pasted separately), netdata/netdata#3234 (`nstat -za COUNTER`)",
    fair: "Calico's device name (vxlan.calico), VNI 4096 on 4789, routed pods with cali* veths and no bridge, a 1400 underlay named ens5",
    shows: "vxlan.calico mtu 1450 df set, ens5 mtu 1400, IpFragFails 0 → 16 between two nstat runs, the pod's curl stalls",
    files: {
      "node-a.txt": at("root@ip-10-220-0-11:~# ", "ip -d link show vxlan.calico", na("ip-d-link-vxlan.txt")) +
        at("root@ip-10-220-0-11:~# ", "ip link show ens5", na("ip-link-ens5.txt")) +
        at("root@ip-10-220-0-11:~# ", "nstat -az IpFragFails IpFragOKs", grep(na("nstat-before.txt"), /^#kernel|^IpFrag(Fails|OKs) /)) +
        at("root@ip-10-220-0-11:~# ", "nstat -az IpFragFails IpFragOKs", grep(na("nstat-after.txt"), /^#kernel|^IpFrag(Fails|OKs) /)),
      "pod-a-curl.txt": read(r, "pod-a", "curl-timings.txt") + read(r, "pod-a", "curl-stderr.txt"),
    },
  });
  add({
    id: "ovcal-route-n-ip-s-link", expect: "overlay_mtu_mismatch", recording: r,
    shapes: ["route -n (net-tools)", "ip -s link (statistics)", "ip route with proto bird and a blackhole", "curl -w without labels"],
    seen: "moby/moby#24796 (route -n), projectcalico/calico#8953 (`ip route` with proto bird, tunl0, blackhole)",
    fair: "the MTUs come only from ip -s link; curl timings are bare numbers; the failure shows as TX dropped on vxlan.calico and FragFails in netstat -s",
    shows: "route -n and ip route (proto bird routes via vxlan.calico), ip -s link (ens5 1400, vxlan.calico 1450, TX dropped 9), netstat -s | grep -i frag (16 failed), curl codes/times",
    files: {
      "paste.txt": at("[root@ip-10-220-0-11 ~]# ", "route -n", na("route-n.txt")) +
        at("[root@ip-10-220-0-11 ~]# ", "ip route", na("ip-route.txt")) +
        at("[root@ip-10-220-0-11 ~]# ", "ip -s link", na("ip-s-link.txt")) +
        at("[root@ip-10-220-0-11 ~]# ", "netstat -s | grep -i frag", grep(na("netstat-s-after.txt"), /frag/i)) +
        "\nand from the pod (http_code time_connect time_starttransfer time_total size url):\n" + read(r, "pod-a", "curl-timings.txt"),
    },
  });
  add({
    id: "ovcal-colour-ip-addr", expect: "overlay_mtu_mismatch", recording: r,
    shapes: ["ip -c addr with ANSI colour codes", "kind of the overlay only from its name"],
    seen: "coloured iproute2 output pasted from terminals where `ip` is aliased to `ip -c`",
    fair: "escape sequences inside the lines; `ip addr` says no device kind, so the overlay is known only by Calico's device name",
    shows: "ip -c addr of node-a (vxlan.calico mtu 1450, ens5 mtu 1400, cali* mtu 1450) and the pod's curl results",
    files: {
      "node-a-ip.txt": at("root@ip-10-220-0-11:~# ", "ip -c addr", na("ip-c-addr.txt")),
      "pod-a-curl.txt": read(r, "pod-a", "curl-timings.txt") + read(r, "pod-a", "curl-stderr.txt"),
    },
  });
}

// ---------------------------------------------------------------- pmtu6: IPv6 PMTU black hole (1280 link, PTB dropped)
{
  const r = "pmtu6";
  add({
    id: "pmtu6-core-snmp6-capture", expect: "pmtu_blackhole", recording: r,
    shapes: ["cat /proc/net/snmp6 twice (tab-separated)", "nft ruleset dropping packet-too-big", "tcpdump -tttt", "IPv6"],
    seen: "gardener/gardener-extension-networking-calico#741 (PACKET-TOO-BIG v6 drops), jokeru.ro and serverdevworker DF/PMTU pages",
    fair: "IPv6 (no fragmentation by routers, ICMPv6 type 2), a 1280-byte link, snmp6 counters instead of IpFragFails",
    shows: "core: Ip6InTooBigErrors and Icmp6OutPktTooBigs 0 → 18, its output chain drops icmpv6 packet-too-big; origin: full-size segments to the client retransmitted",
    files: {
      "core.txt": at("root@core:~# ", "cat /proc/net/snmp6 | grep -E 'TooBig|Frag'", grep(read(r, "core", "snmp6-before.txt"), /TooBig|Frag/)) +
        at("root@core:~# ", "nft list ruleset", read(r, "core", "nft-list-ruleset.txt")) +
        at("root@core:~# ", "cat /proc/net/snmp6 | grep -E 'TooBig|Frag'", grep(read(r, "core", "snmp6-after.txt"), /TooBig|Frag/)),
      "origin-tcpdump.txt": at("root@origin:~# ", "tcpdump -nn -tttt -i eth0 'tcp port 8080 or icmp6'", read(r, "origin", "tcpdump-eth0-tttt.txt")),
    },
  });
  add({
    id: "pmtu6-client-ping-curl", expect: "pmtu_blackhole", recording: r,
    shapes: ["ping -6 -M do -s", "curl -v timeout", "ip -6 route", "the origin's capture"],
    seen: "ping -M do probing in PMTU troubleshooting pages (wiki.jokeru.ro df-mtu, how2.sh mtu mismatches), curl -v in ingress issues",
    fair: "ping output ('Packet too big: mtu=1280', 'local error: message too long') is evidence no parser reads; the stall shows in curl and the origin's capture",
    shows: "the client's ping with DF (mtu 1280 on the way there), curl -v of the 120 KB download timing out with 0 bytes, ip -6 route; origin's tcpdump",
    files: {
      "client.txt": at("user@laptop:~$ ", "ping -6 -c 3 -M do -s 1400 fd20:3::2", read(r, "client", "ping-df.txt")) +
        at("user@laptop:~$ ", "curl -v -g -o /dev/null --max-time 6 'http://[fd20:3::2]:8080/report.pdf'", read(r, "client", "curl-v.txt")) +
        at("user@laptop:~$ ", "ip -6 route", read(r, "client", "ip-6-route.txt")),
      "origin.txt": at("root@origin:~# ", "tcpdump -nn -i eth0 'tcp port 8080 or icmp6'", read(r, "origin", "tcpdump-eth0.txt")),
    },
  });
}

// ---------------------------------------------------------------- rpif: strict rp_filter on one interface; loose variant
{
  const r = "rpif";
  const g = (m: string, f: string) => read(r, m, "gw-node", f);
  add({
    id: "rpif-iso-dmesg-sysctl-grep", expect: "rp_filter_asymmetric_route", recording: r,
    shapes: ["dmesg --time-format=iso", "sysctl -a | grep filter (arp_filter lines interleaved)", "strict on one interface, all=0"],
    seen: "cilium/cilium#19761 (`sudo sysctl -a | grep rp_filter` with arp_filter lines), cilium/cilium#13130 (martian lines from the journal)",
    fair: "conf.all.rp_filter=0 with conf.ens4.rp_filter=1 (the effective value is the max), interfaces named ens4/ens5, ISO-dated kernel lines",
    shows: "sysctl -a | grep filter on gw-node, dmesg martian source 10.219.8.1 from 10.219.8.140 on dev ens4, the client's curl (.9 passes, .140 times out)",
    files: {
      "gw-node.txt": at("gw-node:~ # ", "sysctl -a | grep filter", grep(g("strict", "sysctl-a.txt"), /filter/)) +
        at("gw-node:~ # ", "dmesg --time-format=iso | grep martian", read(r, "strict", "gw-node", "dmesg-iso.txt")),
      "client.txt": at("client:~ $ ", "for src in 10.219.8.9 10.219.8.140 10.219.8.9 10.219.8.140; do curl -sS -o /dev/null --max-time 4 --interface $src -w \"$src → %{http_code} in %{time_total}s\\n\" http://10.219.8.1:9100/metrics; done", read(r, "strict", "client", "curl.txt")),
    },
  });
  add({
    id: "rpif-loop-dated-readings", expect: "rp_filter_asymmetric_route", recording: r,
    shapes: ["a for-loop printing date and a counter twice (one part holding two dated readings)", "ip route get … from … iif answering RTNETLINK Invalid argument"],
    seen: "`watch -n1 conntrack -S` / loops of date + counters in kubernetes/kubernetes#56903; `ip route get … from … iif eth0` in cilium/cilium#13130",
    fair: "the two readings are inside one command's output, separated only by date(1) lines; the route check answers with an error",
    shows: "TcpExtIPReversePathFilter 0 then 9 under two date lines, ip route, and the RTNETLINK answer for 10.219.8.140 on ens4",
    files: {
      "paste.txt": at("root@gw-node:~# ", "for i in 1 2; do date; nstat -az TcpExtIPReversePathFilter; sleep 8; done",
        `${dateOf(r, "strict", "gw-node", "nstat-az-before.txt")}\n${grep(g("strict", "nstat-az-before.txt"), /^#kernel|IPReversePathFilter/)}\n${dateOf(r, "strict", "gw-node", "nstat-az-after.txt")}\n${grep(g("strict", "nstat-az-after.txt"), /^#kernel|IPReversePathFilter/)}`) +
        at("root@gw-node:~# ", "ip route", g("strict", "ip-route.txt")) +
        at("root@gw-node:~# ", "ip route get 10.219.8.1 from 10.219.8.140 iif ens4", g("strict", "ip-route-get-from.txt")),
    },
  });
  add({
    id: "ok-rpif-loose", expect: "none", recording: r,
    shapes: ["healthy host that looks risky", "loose rp_filter on the interface of an asymmetric route", "a non-zero counter that does not move"],
    seen: "projectcalico/felix#2082 and cilium/cilium#20072 (systemd's rp_filter=2, loose mode on CNI hosts)",
    fair: "the same asymmetric route, rp_filter=2 on ens4: every request passes; IPReversePathFilter reads 9 (from earlier) before and after",
    shows: "sysctl grep rp_filter (ens4 = 2), nstat IPReversePathFilter 9 → 9, ip route with the /25 via ens5, curl all 200",
    files: {
      "gw-node.txt": at("root@gw-node:~# ", "sysctl -a | grep '\\.rp_filter'", grep(g("loose", "sysctl-a.txt"), /\.rp_filter = /)) +
        at("root@gw-node:~# ", "nstat -az | grep -i reversepath", grep(g("loose", "nstat-az-before.txt"), /ReversePath/)) +
        at("root@gw-node:~# ", "ip route", g("loose", "ip-route.txt")) +
        at("root@gw-node:~# ", "nstat -az | grep -i reversepath", grep(g("loose", "nstat-az-after.txt"), /ReversePath/)),
      "client.txt": read(r, "loose", "client", "curl.txt"),
    },
  });
}

// ---------------------------------------------------------------- ephcli: source ports of an application without pooling
{
  const r = "ephcli";
  const w = (f: string) => read(r, "worker", f);
  add({
    id: "eph-app-log-traceback", expect: "ephemeral_port_exhaustion", recording: r,
    shapes: ["application log (Python logging)", "a traceback", "ss -s", "sysctl -n (tab-separated range)"],
    seen: "varnish/hitch#213 (an application's 'Cannot assign requested address' in syslog), haproxy/haproxy#579",
    fair: "no proxy: the errno text of the application's own log; the range printed by sysctl -n with a tab",
    shows: "orders-worker's errors ([Errno 99] Cannot assign requested address) and traceback, ss -s (timewait 16), the range 45000-45015",
    files: {
      "worker.txt": at("deploy@orders-worker-1:~$ ", "tail -n 12 /var/log/orders-worker.log", tail(w("app.log"), 12)) +
        at("deploy@orders-worker-1:~$ ", "ss -s", w("ss-s.txt")) +
        at("deploy@orders-worker-1:~$ ", "sysctl -n net.ipv4.ip_local_port_range", w("sysctl-n-range.txt")),
    },
  });
  add({
    id: "eph-curl-netstat-timewait", expect: "ephemeral_port_exhaustion", recording: r,
    shapes: ["curl -v 'Immediate connect fail'", "netstat -ant | grep TIME_WAIT (net-tools, no header)", "a count piped to wc -l"],
    seen: "`netstat -an | grep …` counts in TIME_WAIT threads (kubernetes/kubernetes#91216 pastes conntrack TIME_WAIT rows)",
    fair: "net-tools socket rows without their header, a bare number from wc -l, curl's verbose reason",
    shows: "curl -v: Immediate connect fail … Cannot assign requested address; 16 TIME_WAIT rows to 10.221.0.2:5432 and their count",
    files: {
      "paste.txt": at("$ ", "curl -v --max-time 3 http://10.221.0.2:5432/", w("curl-v.txt")) +
        at("$ ", "netstat -ant | grep TIME_WAIT | wc -l", String(grep(w("netstat-an.txt"), /TIME_WAIT/).split("\n").filter(Boolean).length)) +
        at("$ ", "netstat -ant | grep TIME_WAIT", grep(w("netstat-an.txt"), /TIME_WAIT/)),
    },
  });
}

// ---------------------------------------------------------------- brcompose: compose bridge 192.168.0.0/20 vs office LAN
{
  const r = "brcompose";
  const h = (f: string) => read(r, "app-host", f);
  add({
    id: "br-route-n-two-captures", expect: "bridge_subnet_collision", recording: r,
    shapes: ["route -n (net-tools) only, no ip route", "tcpdump of two interfaces", "the laptop's curl -v", "a user-defined bridge br-<id>"],
    seen: "moby/moby#24796 (route -n with br-<id> on a colliding subnet), docker/for-linux#1422 (compose/swarm networks over a routed range)",
    fair: "the bridge is a compose network's br-5c1f0a7e2b9d on 192.168.0.0/20 with a container on it, and the host is the server (its SYN-ACKs are lost), not the client",
    shows: "route -n (192.168.0.0/20 on br-…), tcpdump eth0: SYNs from 192.168.1.50 never answered; tcpdump br-…: ARP who-has 192.168.1.50; laptop: curl timed out",
    files: {
      "app-host.txt": at("root@app-host:~# ", "route -n", h("route-n.txt")) +
        at("root@app-host:~# ", "tcpdump -nn -i eth0 port 8443", h("tcpdump-eth0.txt")) +
        at("root@app-host:~# ", "tcpdump -nn -i br-5c1f0a7e2b9d", h("tcpdump-br.txt")),
      "laptop.txt": at("dev@laptop:~$ ", "curl -v --max-time 5 http://10.222.0.10:8443/health", read(r, "laptop", "curl-v.txt")),
    },
  });
  add({
    id: "br-brief-route-get", expect: "bridge_subnet_collision", recording: r,
    shapes: ["ip -br addr", "ip route get of the client", "a one-line description above"],
    seen: "docker/for-win#1838 and ArchiveTeam/Ubuntu-Warrior#3 (a LAN range inside a Docker bridge's subnet)",
    fair: "two short outputs only; the lookup of the office client's address answers dev br-5c1f0a7e2b9d",
    shows: "ip -br addr (br-5c1f0a7e2b9d 192.168.0.1/20, eth0 10.222.0.10/24), ip route get 192.168.1.50 → dev br-…",
    files: {
      "paste.txt": "office users (192.168.1.0/24) cannot reach the service on app-host since we deployed the compose stack\n\n" +
        at("root@app-host:~# ", "ip -br addr", h("ip-br-addr.txt")) + at("root@app-host:~# ", "ip route get 192.168.1.50", h("ip-route-get.txt")),
    },
  });
}

// ---------------------------------------------------------------- kaingress: ingress-nginx log format, FIN upstream
{
  const r = "kaingress";
  const acc = lines(read(r, "ingress", "access.log"));
  const err = lines(read(r, "ingress", "error.log")).filter((l) => /\[(error|warn)\]/.test(l));
  // kubectl logs: the controller's stdout (access) and stderr (error) as they were written, by time
  const when = (l: string): number => {
    const a = /\[(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d{4})\]/.exec(l);
    if (a) return Date.parse(`${a[2]} ${a[1]} ${a[3]} ${a[4]} GMT${a[5]}`);
    const e = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d)/.exec(l);
    return e ? Date.parse(`${e[1]}-${e[2]}-${e[3]}T${e[4]}Z`) : 0;
  };
  const merged = [...err.map((l) => ({ l, t: when(l), o: 0 })), ...acc.map((l) => ({ l, t: when(l), o: 1 }))].sort((a, b) => a.t - b.t || a.o - b.o).map((x) => x.l);
  add({
    id: "ka-kubectl-logs-interleaved", expect: "keepalive_timeout_mismatch", recording: r,
    shapes: ["kubectl logs of the controller: error and access lines interleaved", "ingress-nginx upstreaminfo log format", "PATCH requests"],
    seen: "kubernetes/ingress-nginx#12285 and #9877 (controller logs with [error] lines between access lines)",
    fair: "'upstream prematurely closed connection' (a FIN) instead of the lab's reset by peer, ingress-nginx's own access format, two logs in one stream",
    shows: "the controller's log: 502s answered after ~0.4 s with upstream_status 502 and the error line before each; 200s in between",
    files: { "controller.log": at("$ ", "kubectl -n ingress-nginx logs deploy/ingress-nginx-controller --since=10m", merged.join("\n")) },
  });
  add({
    id: "ka-error-grep-ss", expect: "keepalive_timeout_mismatch", recording: r,
    shapes: ["grep of the error log", "ss -tan filtered by the upstream port", "the client's status codes"],
    seen: "kubernetes/ingress-nginx#11244 (prematurely closed lines, keepalive_timeout discussion)",
    fair: "no access log: the error lines, the pooled connections to :3000 in ss, and curl's codes",
    shows: "4 'upstream prematurely closed connection while reading response header' lines, ss -tan rows to 10.223.0.7:3000, client codes 200/502",
    files: {
      "ingress.txt": at("bash-5.1$ ", "grep prematurely /var/log/nginx/error.log", grep(read(r, "ingress", "error.log"), /prematurely/)) +
        at("bash-5.1$ ", "ss -tan | grep ':3000'", grep(read(r, "ingress", "ss-tan.txt"), /:3000/)),
      "client.txt": read(r, "client", "curl.txt"),
    },
  });
}

// ---------------------------------------------------------------- bnfkubenet: bridge-nf-call-iptables=0 on cbr0
{
  const r = "bnfkubenet";
  const n = (f: string) => read(r, "node", f);
  add({
    id: "bnf-iptables-list-tcpdump-e", expect: "bridge_nf_call_iptables_disabled", recording: r,
    shapes: ["iptables -t nat -L -n -v (listing with counters, not iptables-save)", "tcpdump -e (MAC addresses)", "bridge link", "kubenet's cbr0"],
    seen: "kubernetes/kubernetes#76699 (iptables -L -n -v listing), kubernetes/kubernetes#122174 (tcpdump -e on cni0 with the un-NATed SYN-ACK)",
    fair: "the Service rules as a -L listing, the bridge called cbr0, the capture in -e format, the ClusterIP on :443 to a pod on :8443",
    shows: "sysctl net.bridge.bridge-nf-call-iptables = 0, iptables -t nat -L -n -v, bridge link (two veths on cbr0), tcpdump -e: SYN to 10.0.171.5.443 and the pod's SYN-ACK from 10.64.2.7.8443",
    files: {
      "node.txt": at("root@ip-10-0-4-21:~# ", "sysctl net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.bridge.bridge-nf-call-arptables net.ipv4.ip_forward", n("sysctl-bridge.txt")) +
        at("root@ip-10-0-4-21:~# ", "iptables -t nat -L -n -v", n("iptables-L-nat.txt")) +
        at("root@ip-10-0-4-21:~# ", "bridge link", n("bridge-link.txt")) +
        at("root@ip-10-0-4-21:~# ", "tcpdump -nn -e -i cbr0 'port 443 or port 8443'", n("tcpdump-e-cbr0.txt")),
    },
  });
  add({
    id: "bnf-curl-conntrack-sysctl-grep", expect: "bridge_nf_call_iptables_disabled", recording: r,
    shapes: ["kubectl exec curl -v from the client pod", "conntrack -L", "sysctl -a | grep bridge", "ip -d link"],
    seen: "projectcalico/felix#1490 and kubernetes/kubernetes#38802 (conntrack output, Service SYN-ACK not un-NATed)",
    fair: "no capture: the client's timeout, conntrack's entry for the Service flow, the sysctl and the bridge members",
    shows: "curl -v to 10.0.171.5:443 timing out (pod IP works), conntrack -L, sysctl -a | grep bridge-nf (0), ip -d link (veths master cbr0)",
    files: {
      "paste.txt": at("$ ", "kubectl exec -it web-5d8f -- curl -v --max-time 4 http://10.0.171.5:443/ready", read(r, "web", "curl-v.txt")) +
        at("$ ", "kubectl exec -it web-5d8f -- curl -sS -o /dev/null -w 'pod ip: %{http_code} %{time_total}\\n' http://10.64.2.7:8443/ready", read(r, "web", "curl-pod.txt")) +
        at("root@ip-10-0-4-21:~# ", "conntrack -L", n("conntrack-L.txt")) +
        at("root@ip-10-0-4-21:~# ", "sysctl -a | grep bridge-nf", grep(n("sysctl-a.txt"), /bridge-nf/)) +
        at("root@ip-10-0-4-21:~# ", "ip -d link", n("ip-d-link.txt")),
    },
  });
}

// ---------------------------------------------------------------- prnft: port range vs NodePort, kube-proxy nftables mode
{
  const r = "prnft";
  const w = (f: string) => read(r, "worker-2", f);
  add({
    id: "prnft-ss-synsent-nft-ruleset", expect: "port_range_nodeport_collision", recording: r,
    shapes: ["ss -tn state syn-sent", "kube-proxy nftables mode ruleset (table ip kube-proxy)", "sysctl of the range"],
    seen: "kubernetes/kops#6342 (10240-65535 range vs NodePorts), awslabs/amazon-eks-ami#1307, kubernetes/kubernetes#111682",
    fair: "kube-proxy's nftables mode (a service-nodeports map, no KUBE-NODEPORTS chain), NodePort 31380, the stuck socket shown by ss rather than a capture",
    shows: "ss -tn state syn-sent: 10.224.0.22:31380 → 10.224.0.40:5000, nft list ruleset (tcp . 31380 in service-nodeports), ip_local_port_range = 10240 65535, curl results",
    files: {
      "worker-2.txt": at("root@worker-2:~# ", "sysctl net.ipv4.ip_local_port_range", grep(w("sysctl-a.txt"), /^net\.ipv4\.ip_local_port_range = /)) +
        at("root@worker-2:~# ", "ss -tn state syn-sent", w("ss-tn-syn-sent.txt")) +
        at("root@worker-2:~# ", "nft list ruleset", w("nft-list-ruleset.txt")) +
        at("root@worker-2:~# ", "cat /tmp/pull.log", w("curl.txt")),
    },
  });
  add({
    id: "prnft-tcpdump-ttt-conntrack", expect: "port_range_nodeport_collision", recording: r,
    shapes: ["tcpdump -ttt (time since the previous packet)", "conntrack -L", "sysctl -a | grep port_range"],
    seen: "cilium/cilium#16826 (SNAT port vs NodePort, tcpdump of the failing handshake)",
    fair: "-ttt deltas instead of clock times, the NodePort only visible as the client's source port, nftables mode",
    shows: "tcpdump -ttt: SYN from 10.224.0.22.31380, a SYN-ACK after each, the SYN resent; conntrack -L SYN_SENT sport=31380 [UNREPLIED]; the sysctl",
    files: {
      "paste.txt": at("root@worker-2:~# ", "sysctl -a 2>/dev/null | grep port_range", grep(w("sysctl-a.txt"), /port_range/)) +
        at("root@worker-2:~# ", "tcpdump -nn -ttt -i ens3 port 5000", w("tcpdump-ttt-ens3.txt")) +
        at("root@worker-2:~# ", "conntrack -L", w("conntrack-L.txt")),
    },
  });
}

// ---------------------------------------------------------------- ov6: IPv6 overlay over IPv6, MTU 1450 (room 1430)
{
  const r = "ov6";
  const na = (f: string) => read(r, "node-a", f);
  add({
    id: "ov6-link-snmp6-curl", expect: "overlay_mtu_mismatch", recording: r,
    shapes: ["flannel-v6.1 (VXLAN over an IPv6 underlay)", "snmp6 with grep", "IPv6 pods"],
    seen: "flannel-io/flannel#1011 and #1736 (MTU of the VXLAN backend, dual-stack devices), confidential-containers/cloud-api-adaptor#67",
    fair: "1450 fits an IPv4 underlay and not an IPv6 one (70 bytes of headers): the arithmetic depends on the underlay's family",
    shows: "ip -d link (flannel-v6.1 mtu 1450 vxlan remote fd30::b local fd30::a, eth0 1500), snmp6 Ip6FragFails and Icmp6OutPktTooBigs 0 → 16, nft dropping packet-too-big, pod-a's curl stalls",
    files: {
      "node-a.txt": at("root@node-a:~# ", "ip -d link", na("ip-d-link.txt")) +
        at("root@node-a:~# ", "grep -E 'Frag|TooBig' /proc/net/snmp6", grep(na("snmp6-before.txt"), /Frag|TooBig/)) +
        at("root@node-a:~# ", "nft list ruleset", na("nft-list-ruleset.txt")) +
        at("root@node-a:~# ", "grep -E 'Frag|TooBig' /proc/net/snmp6", grep(na("snmp6-after.txt"), /Frag|TooBig/)),
      "pod-a.txt": at("~ $ ", "for p in small.txt blob.bin; do curl -sS -g -o /dev/null --max-time 6 -w '%{http_code} %{size_download} %{time_total} %{url_effective}\\n' \"http://[fd40:72::9]:8080/$p\"; done", read(r, "pod-a", "curl.txt")),
    },
  });
  /** the folder name a collect script gives a run: its time, `date -u +%FT%H-%M-%SZ` of the recording */
  const stamp = (...p: string[]) => execFileSync("date", ["-u", "-r", path.join(raw, ...p), "+%FT%H-%M-%SZ"], { encoding: "utf8" }).trim();
  const mA = stamp(r, "node-a", "snmp6-before.txt");
  const mB = stamp(r, "node-a", "snmp6-after.txt");
  add({
    id: "ov6-moment-folders-per-host", expect: "overlay_mtu_mismatch", recording: r,
    shapes: ["a moment folder per reading under each host (timestamped folder names)", "files without extensions", "FQDN host folders"],
    seen: "collect scripts that write one timestamped folder per run (e.g. `$(date -u +%FT%H-%M-%SZ)/`), sos_commands-style extension-less names",
    fair: "the readings' order is only in the folder names; names carry no 'before'/'after'",
    shows: "node-a.k8s.example.net and node-b.k8s.example.net, each with two timestamped snmp6 readings, ip -d link and ip -6 route",
    files: {
      [`node-a.k8s.example.net/${mA}/snmp6`]: na("snmp6-before.txt"),
      [`node-a.k8s.example.net/${mB}/snmp6`]: na("snmp6-after.txt"),
      [`node-a.k8s.example.net/${mB}/ip-d-link`]: na("ip-d-link.txt"),
      [`node-a.k8s.example.net/${mB}/ip-6-route`]: na("ip-6-route.txt"),
      [`node-a.k8s.example.net/${mB}/nft-list-ruleset`]: na("nft-list-ruleset.txt"),
      [`node-b.k8s.example.net/${mA}/snmp6`]: read(r, "node-b", "snmp6-before.txt"),
      [`node-b.k8s.example.net/${mB}/snmp6`]: read(r, "node-b", "snmp6-after.txt"),
      [`node-b.k8s.example.net/${mB}/ip-d-link`]: read(r, "node-b", "ip-d-link.txt"),
    },
  });
}

// ---------------------------------------------------------------- healthy and unrelated
{
  const r = "healthy";
  add({
    id: "ok-jumbo-underlay-flannel-1500", expect: "none", recording: r,
    shapes: ["healthy host that looks risky", "ip -d link show of two devices", "nstat grep twice"],
    seen: "flannel-io/flannel#841 (flannel.1 at 1500 over a 9001 AWS eth0)",
    fair: "an overlay at 1500 looks like the classic mistake, but the underlay is 9001: large transfers pass",
    shows: "flannel.1 mtu 1500 vxlan dev eth0, eth0 mtu 9001, IpFragFails 0 → 0, 300 KB GET and POST 200",
    files: {
      "node-a.txt": at("core@ip-172-31-12-123 ~ $ ", "ip -d link show flannel.1", read(r, "jumbo", "node-a", "ip-d-link-flannel.txt")) +
        at("core@ip-172-31-12-123 ~ $ ", "ip -d link show eth0", read(r, "jumbo", "node-a", "ip-d-link-eth0.txt")) +
        at("core@ip-172-31-12-123 ~ $ ", "nstat -az | grep -i frag", grep(read(r, "jumbo", "node-a", "nstat-before.txt"), /Frag/)) +
        at("core@ip-172-31-12-123 ~ $ ", "nstat -az | grep -i frag", grep(read(r, "jumbo", "node-a", "nstat-after.txt"), /Frag/)),
      "pod-a.txt": read(r, "jumbo", "pod-a", "curl.txt"),
    },
  });
  add({
    id: "ok-small-somaxconn-quiet", expect: "none", recording: r,
    shapes: ["healthy host that looks risky", "ss -ltnp with nginx workers", "an empty grep"],
    seen: "nbari.com 'measuring the listen queue', Red Hat's 'How do I view the listen backlog' (ss -lt Send-Q = backlog)",
    fair: "somaxconn 64 is small, but the queue is empty and no counter moves; the grep for overflows prints nothing",
    shows: "sysctl net.core.somaxconn = 64, ss -ltnp (Recv-Q 0, Send-Q 64, nginx), netstat -s | grep -i listen (no output), 40 × 200",
    files: {
      "srv.txt": at("[root@srv ~]# ", "sysctl net.core.somaxconn", grep(read(r, "backlog", "srv", "sysctl-a.txt"), /^net\.core\.somaxconn = /)) +
        at("[root@srv ~]# ", "ss -ltnp", read(r, "backlog", "srv", "ss-ltnp.txt")) +
        at("[root@srv ~]# ", "netstat -s | grep -i listen", grep(read(r, "backlog", "srv", "netstat-s-after.txt"), /listen/i)) +
        at("[root@srv ~]# ", "tail -n 5 /var/log/nginx/access.log", tail(read(r, "backlog", "srv", "access.log"), 5)),
    },
  });
  add({
    id: "ok-client-gives-up", expect: "none", recording: r,
    shapes: ["clients that give up on purpose", "curl --max-time 1 against a slow handler", "the caller's capture"],
    seen: "kubernetes/kubernetes#48719 (clients waiting on purpose-set timeouts), curl timeouts quoted in ingress threads",
    fair: "000 after 1 s every time looks like a network failure; the capture shows the handshake and request answered by ACK and the client's own FIN",
    shows: "curl: (28) Operation timed out after 100x milliseconds with 0 bytes received ×3 and curl -v; tcpdump: handshake, request, ACK, client FIN",
    files: {
      "caller.txt": at("$ ", "for i in 1 2 3; do curl -sS -o /dev/null --max-time 1 -w 'report %{http_code} %{time_total}\\n' http://10.226.0.1:7070/report; done", read(r, "giveup", "caller", "curl.txt")) +
        at("$ ", "curl -v -o /dev/null --max-time 1 http://10.226.0.1:7070/report", read(r, "giveup", "caller", "curl-v.txt")) +
        at("$ ", "sudo tcpdump -nn -i eth0 port 7070", read(r, "giveup", "caller", "tcpdump-eth0.txt")),
    },
  });
  add({
    id: "unrelated-app-503", expect: "none", recording: r,
    shapes: ["unrelated: the application answers 503 itself", "nginx access log with upstream timings", "curl status codes"],
    seen: "adobe-platform/porter#19 and d2iq-archive/marathon-lb#164 (503s that turn out to be the backend's own)",
    fair: "every request fails (503) but the upstream connects in 0 ms and answers in 1-2 ms with its own body: nothing on the network",
    shows: "access log: POST /v1/charges 503 with us=\"503\" uct=\"0.000\"; curl: 20 × 503 in milliseconds",
    files: {
      "edge.txt": at("root@edge:~# ", "tail -n 20 /var/log/nginx/access.log", tail(read(r, "app503", "edge", "access.log"), 20)) +
        at("root@edge:~# ", "for i in $(seq 20); do curl -s -o /dev/null -w '%{http_code} %{time_total}\\n' -X POST http://127.0.0.1:8080/v1/charges; done", read(r, "app503", "edge", "curl.txt")),
    },
  });
}

// ---------------------------------------------------------------- write
rmSync(dest, { recursive: true, force: true });
for (const c of cases) {
  const d = path.join(dest, c.id);
  for (const [f, t] of Object.entries(c.files)) {
    const p = path.join(d, f);
    mkdirSync(path.dirname(p), { recursive: true });
    if (typeof t === "string") writeFileSync(p, t);
    else copyFileSync(t.copy, p);
  }
}
const manifest = cases.map(({ files, ...rest }) => ({ ...rest, files: Object.keys(files) }));
writeFileSync(path.join(dest, "cases.json"), JSON.stringify(manifest, null, 2) + "\n");
const kernel = lines(read("aq6", "api", "uname-a.txt"))[0]!.split(" ")[2];
const md = [
  "# Held-out cases (issue 15's last point)",
  "",
  "Cases the engine had never been tuned on when they were recorded: new reproductions recorded on this machine (kernel",
  `${kernel}) by \`scripts/record/heldout/record.sh\` in namespaces the scenarios make and delete`,
  "(`scripts/record/heldout/scenarios/*.sh`: other ports, IPv6, other MTUs and overlay devices, other proxy configurations,",
  "other host names and topologies than e2e/lab), shaped by `scripts/record/heldout/shape.ts` into pastes and layouts the",
  "recorded cases (`testdata/pastes/recorded`) do not use. Every output line is a recorded one; what the shaper adds is a",
  "prompt or command line, a grep, sentences of the user's own around fences, an interleaving by time, a folder layout.",
  "`confidence.test.ts` (its held-out test) reads every case in place; `cases.json` is the machine-readable manifest.",
  "",
  "Why each is a fair test is in the `fair` column; `seen` names the public threads (GitHub issues, pages found with the",
  "search tool) where that shape was found. No thread's text is copied.",
  "",
  "| case | expected | input | recording | shapes | seen in | why it is fair | what it shows |",
  "|---|---|---|---|---|---|---|---|",
  ...cases.map((c) => `| \`${c.id}\` | ${c.expect} | ${c.input} | ${c.recording} | ${c.shapes.join("; ")} | ${c.seen} | ${c.fair} | ${c.shows.replace(/\|/g, "\\|")} |`),
  "",
].join("\n");
writeFileSync(path.join(dest, "MANIFEST.md"), md);
console.log(`heldout: ${cases.length} cases → ${dest}`);
