/**
 * ephemeral_port_exhaustion (failure-patterns.md §8): outgoing connections run out of source ports
 * (TIME_WAIT buildup towards one destination, a narrow ip_local_port_range).
 */
import { counter, item, sysctl, type Rule } from "../context";
import { Case } from "../signals";
import { counterSignal } from "./common";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

export const rule: Rule = {
  id: "ephemeral_port_exhaustion",
  run(ctx) {
    const c = new Case();
    const notes: string[] = [];
    for (const h of ctx.hosts) {
      for (const e of h.logEvents) {
        if (e.kind === "cannot_assign_address") c.support("errno99", "H", item(h.host, e.cite, `connect() failed (99: Cannot assign requested address)${e.upstream ? ` towards ${e.upstream}` : ""}: no free source port`));
      }
      const rf = sysctl(h, "net.ipv4.ip_local_port_range");
      const m = rf ? /^\s*(\d+)\s+(\d+)/.exec(rf.value) : null;
      const size = m ? Number(m[2]) - Number(m[1]) + 1 : 28232;
      const tw = counter(h, "Sockstat.TCP.tw")?.value ?? h.socketStates["TIME-WAIT"];
      const twCite = counter(h, "Sockstat.TCP.tw")?.cite;
      if (tw !== undefined) notes.push(`${h.host} tw ${tw} of ${size} ports`);
      // per destination: one (dst ip, dst port) can hold at most `size` sockets
      const perDst = new Map<string, { n: number; cite: typeof h.sockets[number]["cite"] }>();
      for (const s of h.sockets) {
        if (s.state !== "TIME-WAIT" && s.state !== "ESTAB" && s.state !== "SYN-SENT") continue;
        const k = `${s.peer}:${s.peerPort}`;
        const v = perDst.get(k);
        if (v) v.n++;
        else perDst.set(k, { n: 1, cite: s.cite });
      }
      for (const [dst, v] of perDst) {
        if (v.n >= size * 0.5) c.support("per-dst", v.n >= size * 0.8 ? "H" : "M", item(h.host, v.cite, `${v.n} sockets towards ${dst}, against ${size} usable source ports (ip_local_port_range${rf ? ` ${rf.value}` : " default"})`));
      }
      if (tw !== undefined && tw >= size * 0.5) {
        c.support("tw-total", tw >= size * 0.8 ? "M" : "L", item(h.host, twCite, `${tw} sockets in TIME_WAIT against ${size} ephemeral ports`));
      }
      if (m && size < 5000 && (c.hasSignals || (tw ?? 0) > size * 0.2)) c.condition("narrow-range", "L", item(h.host, rf!.cite, `ip_local_port_range ${rf!.value} offers only ${size} ports`));
      counterSignal(c, h, "TcpExt.TCPTimeWaitOverflow", "tw-overflow", "M", null, "tcp_max_tw_buckets hit: TIME_WAIT sockets destroyed early");
    }
    ctx.check(`'Cannot assign requested address' errors, TIME_WAIT counts vs ip_local_port_range (${notes.join("; ") || "no socket counts"}), sockets per destination, TCPTimeWaitOverflow`);
    if (!c.hasSignals) return null;
    if (!c.has("errno99") && !c.has("per-dst")) c.against("no 'Cannot assign requested address' error and no single destination holding most source ports", 0.8);
    const next: NextStep[] = [];
    const client = ctx.hosts.find((h) => h.logEvents.some((e) => e.kind === "cannot_assign_address"))?.host ?? theHost(ctx, "the host that opens the outgoing connections");
    if (!c.has("per-dst")) next.push(step(client, "ss -tan state time-wait state established | awk 'NR>1 {print $4}' | sort | uniq -c | sort -rn | head", "one destination holding about as many sockets as ip_local_port_range has ports confirms exhaustion"));
    if (!ctx.hosts.some((h) => h.sysctls["net.ipv4.ip_local_port_range"])) next.push(step(client, "sysctl net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse", "the number of source ports per destination"));
    if (!c.has("errno99")) next.push(step(client, "grep -c 'Cannot assign requested address' /var/log/nginx/error.log (or the application's log)", "EADDRNOTAVAIL from connect() is the direct symptom"));
    return c.finding({
      next,
      id: "ephemeral_port_exhaustion",
      title: "Ephemeral source ports exhausted",
      summary: "Outgoing connections to one destination ran out of source ports: each (source IP, destination IP, destination port) can hold only as many sockets — including the 60 s TIME_WAIT ones — as ip_local_port_range offers, so connect() fails with EADDRNOTAVAIL (nginx: '99: Cannot assign requested address').",
      fix: [
        { command: "Pool connections (nginx upstream `keepalive N`; ingress-nginx already pools 320)", risk: "Long-lived pooled connections need matching idle timeouts (see keepalive_timeout_mismatch)." },
        { command: "Widen net.ipv4.ip_local_port_range, keeping it out of the NodePort range (30000-32767)", risk: "Overlap with NodePorts causes port_range_nodeport_collision." },
        { command: "Add destination IPs/ports or source IPs", risk: "More moving parts." },
        { command: "net.ipv4.tcp_tw_reuse=1 (never tcp_tw_recycle; never lower tcp_max_tw_buckets)", risk: "Relies on timestamps; the kernel doc says it should not be changed without advice." },
      ],
      references: [
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst (ip_local_port_range, tcp_tw_reuse, tcp_max_tw_buckets)",
        "torvalds/linux commit 79e9fed460385a3d8ba0b5782e9e74405cb199b1 (tcp_tw_reuse loopback-only default)",
        "nginx/nginx@3f6f7824d4e2eb1ac37dec76683d525ac0ff521c src/event/ngx_event_connect.c",
      ],
    });
  },
};
