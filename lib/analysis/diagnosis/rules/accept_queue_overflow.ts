/**
 * accept_queue_overflow (failure-patterns.md §4): a listener's accept queue (min(backlog, somaxconn)) or SYN
 * queue is full; the kernel drops SYNs or final ACKs and clients wait for their retransmission timers.
 */
import { delta, deltaFact, hasDeltasFor, item, kernelOf, sysctlInt, versionAtLeast, type Rule } from "../context";
import { Case } from "../signals";
import { captureItem, counterSignal, latticeLatencies } from "./common";
import { anyTwoReadings, serverHost, step, twoReadings } from "./next";
import type { FlowSummary } from "../../capture/model";
import type { NextStep } from "../model";

/**
 * A listener that answered handshakes and then went silent: in one capture, connections to one address:port
 * completed their handshake, and later ones from the same client to the same address:port were retransmitted
 * SYNs that got neither a SYN-ACK nor a RST. A closed port answers RST, a dead host or a firewall drops from the first SYN on; a
 * listener whose accept queue is full drops new SYNs (TcpExtListenOverflows/ListenDrops) while the
 * connections already queued stay established.
 */
function silentLiveListener(flows: FlowSummary[]): { listener: string; answered: number; silent: FlowSummary[] } | undefined {
  const byListener = new Map<string, FlowSummary[]>();
  for (const f of flows) {
    if (f.proto !== "tcp" || f.synTimes.length === 0) continue;
    const k = `${f.resp.addr.includes(":") ? `[${f.resp.addr}]` : f.resp.addr}:${f.resp.port}`;
    const list = byListener.get(k);
    if (list) list.push(f);
    else byListener.set(k, [f]);
  }
  for (const [listener, fs] of byListener) {
    const answered = fs.filter((f) => f.synAckTimes.length > 0);
    if (answered.length === 0) continue;
    // per client: the same client address was answered before it was ignored (a route or filter problem of
    // one client's replies ignores that client from its first SYN on, while others are answered)
    const firstAnswer = new Map<string, number>();
    for (const f of answered) firstAnswer.set(f.orig.addr, Math.min(firstAnswer.get(f.orig.addr) ?? Infinity, f.synAckTimes[0]!));
    const silent = fs.filter((f) => f.synAckTimes.length === 0 && f.resets.resp === 0 && f.synTimes.length >= 2 && f.synTimes[0]! >= (firstAnswer.get(f.orig.addr) ?? Infinity));
    if (silent.length > 0) return { listener, answered: answered.length, silent };
  }
  return undefined;
}

export const rule: Rule = {
  id: "accept_queue_overflow",
  run(ctx) {
    const c = new Case();
    let sawCounters = false;
    const flatHosts: string[] = [];
    const pawsExplained: string[] = [];
    for (const h of ctx.hosts) {
      if (h.counters["TcpExt.ListenOverflows"] || h.counters["TcpExt.ListenDrops"]) sawCounters = true;
      const ov = counterSignal(c, h, "TcpExt.ListenOverflows", "listen-overflows", "H", "M", "times the listen queue of a socket overflowed");
      if (ov !== "rose") {
        const drops = delta(h, "TcpExt.ListenDrops");
        const paws = delta(h, "TcpExt.PAWSPassive");
        if (drops && drops.delta > 0 && paws && paws.delta >= drops.delta * 0.8) {
          pawsExplained.push(`${h.host}: the ListenDrops rise (${drops.delta}) is matched by PAWSPassive rejections (${paws.delta}), not by a full queue`);
        } else if (drops && drops.delta > 0) {
          c.support("listen-drops", "M", item(h.host, drops.toCite, `${deltaFact(drops)} (SYNs to LISTEN sockets dropped) without a ListenOverflows rise`));
        }
        if ((ov === "flat" || ov === "standing") && hasDeltasFor(h, "TcpExt.")) flatHosts.push(h.host);
      }
      counterSignal(c, h, "TcpExt.TCPReqQFullDrop", "reqq-full", "M", null, "SYN queue full, SYN dropped");
      counterSignal(c, h, "TcpExt.TCPReqQFullDoCookies", "reqq-full", "M", null, "SYN queue full, answered with a SYN cookie");
      counterSignal(c, h, "TcpExt.SyncookiesSent", "syncookies", "M", null, "SYN cookies sent: the SYN queue overflowed");
      // only ss reports the backlog for a listener (tcp_diag: Send-Q = sk_max_ack_backlog); /proc/net/tcp and
      // netstat -lnt put write_seq − snd_una there, which says nothing about the queue
      const ssFiles = new Set(h.files.filter((f) => f.kind === "ss-listen" || f.kind === "ss-sockets").map((f) => f.path));
      for (const l of h.listeners) {
        if (l.proto !== "tcp" || !ssFiles.has(l.cite.file)) continue;
        // Send-Q 0 means the backlog is unknown (/proc/net/tcp has no backlog column), not a zero-size queue
        if (l.sendQ <= 0) continue;
        if (l.recvQ > 0 && l.recvQ >= l.sendQ) {
          c.support("recvq-full", "H", item(h.host, l.cite, `listener ${l.local}:${l.port}${l.process ? ` (${l.process})` : ""} has Recv-Q ${l.recvQ} ≥ Send-Q ${l.sendQ}: its accept queue is full (backlog ${l.sendQ})`));
        } else if (l.sendQ > 0 && l.recvQ >= Math.max(2, l.sendQ * 0.8)) {
          c.support("recvq-near", "M", item(h.host, l.cite, `listener ${l.local}:${l.port} has Recv-Q ${l.recvQ} of Send-Q ${l.sendQ}: accept queue nearly full`));
        }
      }
      let timeouts = 0;
      for (const e of h.logEvents) {
        if (e.kind === "syn_flooding") c.support("syn-flood-log", "M", item(h.host, e.cite, `kernel log: ${e.message.trim().slice(0, 160)}`));
        // a proxy whose connects to its upstream time out (nginx 110 while connecting, HAProxy sC): SYNs unanswered
        if (e.kind === "upstream_timed_out" && e.phase && /connecting/.test(e.phase) && timeouts++ < 2) {
          c.support("connect-timeouts", "L", item(h.host, e.cite, `a proxy's connect to ${e.upstream ?? "its upstream"} timed out: its SYNs were not answered (a full accept queue drops them, as do other SYN-dropping causes)`));
        }
      }
    }
    // context for the fix: the effective backlog
    for (const h of ctx.hosts) {
      const som = sysctlInt(h, "net.core.somaxconn");
      if (som !== undefined && c.hasSignals) {
        const dflt = versionAtLeast(kernelOf(h), 5, 4) === false ? 128 : 4096;
        c.note(item(h.host, h.sysctls["net.core.somaxconn"]?.cite, `net.core.somaxconn = ${som}${som <= dflt ? ` (the kernel default is ${dflt}${dflt === 128 ? " before 5.4" : " since 5.4"})` : ""}: backlogs are capped at this`));
      }
    }
    for (const cap of ctx.captures) {
      const n = Object.values(cap.summary.synAckRetransHistogram).reduce((a, b) => a + b, 0);
      if (n > 0) c.support("synack-retrans", "L", captureItem(cap, `${n} SYN-ACK retransmission${n === 1 ? "" : "s"} from the server (offsets ${Object.keys(cap.summary.synAckRetransHistogram).join(", ")} s): final ACKs lost or swallowed by a full accept queue`));
      const live = silentLiveListener(cap.summary.flows);
      if (live) {
        const f = live.silent[0]!;
        c.support("syn-dropped-by-live-listener", "M", captureItem(cap, `${live.listener} completed ${live.answered} handshake(s), then left ${live.silent.length} connection(s) unanswered: SYNs retransmitted with no SYN-ACK and no RST, e.g. ${f.orig.addr}:${f.orig.port} (${f.synTimes.length} SYNs over ${(f.synTimes[f.synTimes.length - 1]! - f.synTimes[0]!).toFixed(1)} s): a listener that is there but drops new SYNs, as a full accept queue makes it`, f.firstIndex));
      } else if (cap.summary.handshakes.failed > 0) c.support("syn-unanswered", "L", captureItem(cap, `${cap.summary.handshakes.failed} of ${cap.summary.handshakes.attempted} handshakes got no SYN-ACK`));
    }
    const lat = latticeLatencies(ctx);
    if (lat.length > 0) c.support("lattice-latency", "L", lat.slice(0, 3).map((l) => l.item));

    ctx.check(`TcpExt.ListenOverflows/ListenDrops${sawCounters ? "" : " (no counters in the evidence)"}, SYN-queue counters, ss -ltn Recv-Q vs Send-Q on ${ctx.hosts.reduce((a, h) => a + h.listeners.length, 0)} listeners, SYN flooding log lines, SYN-ACK retransmissions in ${ctx.captures.length} captures`);
    if (!c.hasSignals) return null;
    if (!c.has("listen-overflows") && !c.has("recvq-full") && !c.has("reqq-full") && !c.has("syncookies")) {
      // without a queue signal, SYN loss is shared by every SYN-dropping cause
      c.against("no ListenOverflows rise, no full listener queue and no SYN-queue counters", 0.7);
    }
    for (const note of pawsExplained) c.against(note, 0.8);
    // with a rise on one host, the other hosts' flat counters (clients) say nothing
    const withListeners = new Set(ctx.hosts.filter((h) => h.listeners.length > 0).map((h) => h.host));
    const relevant = withListeners.size > 0 ? flatHosts.filter((h) => withListeners.has(h)) : flatHosts;
    if (!c.has("listen-overflows")) for (const host of relevant) c.against(`${host}: TcpExt.ListenOverflows did not change between the two counter readings`, 0.5);
    const next: NextStep[] = [];
    const server = serverHost(ctx);
    const sport = server.port ? ` 'sport = :${server.port}'` : "";
    if (!c.has("recvq-full")) next.push(step(server.name, `ss -ltn${sport}`, "on the listener, Recv-Q ≥ Send-Q (the backlog) during the incident confirms a full accept queue; Recv-Q near 0 rules it out"));
    if (!anyTwoReadings(ctx, "TcpExt.ListenOverflows")) next.push(step(server.name, twoReadings("TcpExtListenOverflows", "TcpExtListenDrops"), "in the server's own network namespace (the pod's, with nsenter -n -t <pid>): a rise while clients wait confirms the queue overflows now; the values alone count since boot or since the namespace was created"));
    if (!ctx.hosts.some((h) => h.sysctls["net.core.somaxconn"])) next.push(step(server.name, "sysctl net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies", "the cap on every listen() backlog in that namespace (128 before 5.4, 4096 since)"));
    if (!c.has("listen-overflows") && !c.has("recvq-full") && ctx.captures.length === 0) next.push(step(server.name, `tcpdump -i any -nn -c 200 'tcp[tcpflags] & (tcp-syn) != 0${server.port ? ` and port ${server.port}` : ""}'`, "SYNs that arrive and get no SYN-ACK (or SYN-ACKs retransmitted after the client's ACK) show the server dropping them"));
    return c.finding({
      next,
      id: "accept_queue_overflow",
      title: "Listen (accept/SYN) queue overflow",
      summary: "A listening socket's accept queue — min(application backlog, net.core.somaxconn) — or its SYN queue filled up, so the kernel dropped SYNs or the clients' final ACKs. Clients then wait for their SYN retransmission timer (1, 3, 7… s) or see the server retransmit its SYN-ACK. The usual cause is a backlog too small for bursts or a slow accept loop.",
      fix: [
        { command: "sysctl -w net.core.somaxconn=4096 (in the pod's own network namespace: it is per-netns) and raise the application backlog, e.g. nginx `listen 80 backlog=4096;`, Tomcat acceptCount", risk: "Bigger queues add queueing latency and can hide overload; somaxconn is not a safe sysctl in Kubernetes (needs --allowed-unsafe-sysctls)." },
        { command: "Fix the slow accept loop (CPU throttling, blocked event loop, too few workers)", risk: "None beyond the change itself; this is the real cause when the queue is already large." },
        { command: "Keep net.ipv4.tcp_syncookies=1", risk: "Cookies lose window scaling/SACK unless timestamps carry them." },
        { command: "sysctl -w net.ipv4.tcp_abort_on_overflow=1", risk: "Turns hangs into fast resets; the kernel doc warns it 'can harm clients'." },
      ],
      references: [
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst",
        "https://github.com/torvalds/linux/blob/0d3001e2690a0ed3f51defd953ae4b5f32b8ec64/Documentation/networking/snmp_counter.rst",
        "https://github.com/torvalds/linux/blob/09d7f4206c28d89710285b905ebd2061e8f0de43/net/ipv4/tcp_diag.c",
        "nginx/nginx@3f6f7824d4e2eb1ac37dec76683d525ac0ff521c src/os/unix/ngx_linux_config.h (NGX_LISTEN_BACKLOG 511)",
      ],
    });
  },
};
