/**
 * tw_recycle_nat_paws (failure-patterns.md §2): tcp_tw_recycle=1 with timestamps on a server reached through
 * NAT: per-peer PAWS drops SYNs whose TSval is older than one seen from the same address. Kernels < 4.12
 * only: the sysctl and the PAWSPassive counter are gone after commit 4396e46187ca.
 */
import { item, kernelOf, sysctlInt, versionAtLeast, type Rule } from "../context";
import { Case } from "../signals";
import { captureItem, counterSignal, latticeLatencies } from "./common";
import { anyTwoReadings, serverHost, step, twoReadings } from "./next";
import type { NextStep } from "../model";

export const rule: Rule = {
  id: "tw_recycle_nat_paws",
  run(ctx) {
    const c = new Case();
    const modern: string[] = [];
    let anyOld = false;
    for (const h of ctx.hosts) {
      const k = kernelOf(h);
      // a full sysctl dump without the key is itself proof of ≥ 4.12: the sysctl was removed with the feature
      const fullDump = Object.keys(h.sysctls).filter((x) => x.startsWith("net.ipv4.")).length > 50;
      const isModern = versionAtLeast(k, 4, 12) === true || (k === undefined && fullDump && !h.sysctls["net.ipv4.tcp_tw_recycle"]);
      if (isModern) {
        modern.push(`${h.host} (${h.kernel?.value ?? "no net.ipv4.tcp_tw_recycle in its full sysctl dump"})`);
        continue;
      }
      if (k) anyOld = true;
      const recycle = sysctlInt(h, "net.ipv4.tcp_tw_recycle");
      const ts = sysctlInt(h, "net.ipv4.tcp_timestamps");
      if (recycle !== undefined && recycle > 0) {
        const cite = h.sysctls["net.ipv4.tcp_tw_recycle"]?.cite;
        if (ts === 0) {
          c.condition("recycle", "L", item(h.host, cite, `net.ipv4.tcp_tw_recycle = ${recycle}, but tcp_timestamps = 0 so PAWS cannot reject anything`));
          c.against(`${h.host}: net.ipv4.tcp_timestamps = 0 (no timestamps, no per-host PAWS check)`, 0.3);
        } else {
          const kernelText = h.kernel ? `kernel ${h.kernel.value} (< 4.12)` : "a kernel older than 4.12 (the version is not in the evidence, but the sysctl exists only before 4.12)";
          c.condition("recycle", "H", item(h.host, cite, `net.ipv4.tcp_tw_recycle = ${recycle} with tcp_timestamps = ${ts ?? "1 (default)"} on ${kernelText}: SYNs from a NATed address are checked against the last timestamp seen from that address`));
        }
      }
      const st = counterSignal(c, h, "TcpExt.PAWSPassive", "paws-passive", "H", "M", "passive connections rejected because of time stamp");
      if (st === "rose" || st === "standing") counterSignal(c, h, "TcpExt.ListenDrops", "listen-drops", "L", null, "SYNs to LISTEN sockets dropped; the PAWS drop path ends in tcp_listendrop()");
    }
    for (const cap of ctx.captures) {
      for (const t of cap.summary.tsBackwards) {
        if (t.backwardSteps === 0) continue;
        // one clock per connection is the randomised per-connection offset of modern senders, not NAT
        if (t.clocks !== undefined && (t.clocks < 2 || t.clocks >= t.connections * 0.8)) continue;
        const clocks = t.clocks !== undefined ? `${t.clocks} distinct clocks in ${t.connections} connections` : `${t.connections} connections`;
        c.support("ts-backwards", "M", captureItem(cap, `TCP timestamps from ${t.addr}${t.peer ? ` to ${t.peer}` : ""} go backwards ${t.backwardSteps} time(s) (${clocks}, e.g. TSval ${t.example.fromTsval} → ${t.example.toTsval}): several hosts behind one address`));
      }
    }
    if (c.hasSignals) {
      const lat = latticeLatencies(ctx);
      if (lat.length > 0) c.support("lattice-latency", "L", lat.slice(0, 3).map((l) => l.item));
    }
    ctx.check(modern.length === ctx.hosts.length && ctx.hosts.length > 0
      ? `all hosts run kernels ≥ 4.12 (${modern.join(", ")}), where tcp_tw_recycle no longer exists: this cause is impossible (a missing PAWSPassive counter is expected)`
      : `net.ipv4.tcp_tw_recycle / tcp_timestamps, TcpExt.PAWSPassive, per-address timestamp order in ${ctx.captures.length} captures${modern.length ? `; skipped kernels ≥ 4.12: ${modern.join(", ")}` : ""}`);
    if (!c.hasSignals) return null;
    if (ctx.hosts.length > 0 && modern.length === ctx.hosts.length) return null;
    if (!c.has("recycle") && !c.has("paws-passive")) {
      // NAT timestamps going backwards are normal; they only hurt with recycle on
      c.against("no tcp_tw_recycle=1 and no PAWSPassive rejections seen: non-monotonic timestamps alone are normal behind NAT", 0.6);
    }
    if (!anyOld && modern.length > 0) c.against(`kernels ≥ 4.12 seen (${modern.join(", ")}): tcp_tw_recycle was removed in 4.12`, 0.5);
    const next: NextStep[] = [];
    const server = serverHost(ctx).name;
    if (!ctx.hosts.some((h) => h.kernel)) next.push(step(server, "uname -r", "tcp_tw_recycle exists only before 4.12: a newer kernel rules this out"));
    if (!ctx.hosts.some((h) => h.sysctls["net.ipv4.tcp_tw_recycle"])) next.push(step(server, "sysctl net.ipv4.tcp_tw_recycle net.ipv4.tcp_timestamps", "tcp_tw_recycle = 1 with timestamps on confirms the precondition; 0 rules it out"));
    if (!anyTwoReadings(ctx, "TcpExt.PAWSPassive")) next.push(step(server, twoReadings("TcpExtPAWSPassive", "TcpExtListenDrops"), "PAWSPassive rising while NATed clients fail to connect confirms the per-host timestamp check drops their SYNs"));
    if (!c.has("ts-backwards")) next.push(step(server, "tcpdump -i any -nn -c 200 'tcp[tcpflags] == tcp-syn'", "SYNs from one address whose TSval goes backwards across connections (several hosts behind one NAT) and get no SYN-ACK confirm it"));
    return c.finding({
      next,
      id: "tw_recycle_nat_paws",
      title: "tcp_tw_recycle drops SYNs from NATed clients (per-host PAWS)",
      summary: "With net.ipv4.tcp_tw_recycle=1 (kernels before 4.12) the server remembers the last TCP timestamp per peer address and silently drops a new SYN whose timestamp is older. Clients behind one NAT (or pods SNATed to one node IP) have unrelated timestamp clocks, so some of their SYNs vanish and they retry on the SYN schedule (1, 3, 7, 15, 31 s).",
      fix: [
        { command: "sysctl -w net.ipv4.tcp_tw_recycle=0 and remove it from /etc/sysctl.conf and /etc/sysctl.d/*", risk: "No real risk: the option was broken behind NAT and removed upstream in 4.12." },
        { command: "Upgrade to a kernel ≥ 4.12 (the option no longer exists)", risk: "A kernel upgrade and reboot." },
        { command: "Do NOT set net.ipv4.tcp_timestamps=0 to work around it", risk: "Loses PAWS protection and RTT samples and breaks tcp_tw_reuse safety." },
      ],
      references: [
        "torvalds/linux commit 4396e46187ca5070219b81773c4e65088dac50cc (tcp: remove tcp_tw_recycle, 4.12)",
        "https://github.com/torvalds/linux/blob/05909cd9a0c8811731b38697af13075e8954314f/net/core/secure_seq.c",
        "https://github.com/torvalds/linux/blob/032ee4236954eb214651cb9bfc1b38ffa8fd7a01/include/uapi/linux/snmp.h",
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst",
      ],
    });
  },
};
