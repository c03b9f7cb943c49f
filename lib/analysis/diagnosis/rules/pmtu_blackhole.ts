/**
 * pmtu_blackhole (failure-patterns.md §1, without an overlay): a smaller MTU somewhere on the path and the
 * ICMP frag-needed / packet-too-big never reaches the sender.
 */
import { item, type Rule } from "../context";
import { Case } from "../signals";
import { captureItem, counterSignal } from "./common";
import { narrowerLink, overlays, stalledLargeFlows } from "./mtu";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

export const rule: Rule = {
  id: "pmtu_blackhole",
  run(ctx) {
    const c = new Case();
    const anyOverlay = ctx.hosts.some((h) => overlays(h, ctx.context.cni).length > 0);
    for (const cp of ctx.captures) {
      const s = cp.summary;
      const bh = s.flows.filter((f) => f.mtuBlackhole);
      if (bh.length > 0) {
        const f = bh[0]!;
        c.support("capture-blackhole", "H", captureItem(cp, `${bh.length} flow(s) retransmit full-size segments that are never acknowledged while smaller ones get through, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port}: ${f.mtuBlackhole!.retransmissions} retransmissions of ${f.mtuBlackhole!.segmentSize}-byte segments`, f.firstIndex));
      }
      const st = stalledLargeFlows(s);
      if (st.stalled.length > 0 && bh.length === 0) {
        const f = st.stalled[0]!;
        const dir = f.retransmissions.resp >= 3 ? "resp" : "orig";
        c.support("capture-stall", "M", captureItem(cp, `${st.stalled.length} large transfer(s) stall while ${st.completedSmall} small exchange(s) in the same capture complete, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port}: ${f.retransmissions[dir]} retransmissions by the ${dir === "resp" ? "server" : "client"} of ${f.maxSegment[dir]}-byte segments, state ${f.connState}`, f.firstIndex));
      }
      if (s.icmpMtu.length > 0) {
        const m = s.icmpMtu[0]!;
        c.support("icmp-mtu", bh.length > 0 ? "M" : "L", captureItem(cp, `${s.icmpMtu.length} ICMP frag-needed/packet-too-big message(s), e.g. from ${m.from} to ${m.to} announcing next-hop MTU ${m.mtu}: a hop with a smaller MTU exists${bh.length > 0 ? " and the sender still sends full-size segments" : ""}`));
      }
    }
    for (const h of ctx.hosts) {
      for (const r of h.rules) {
        if (r.kind === "icmp-drop") c.condition("icmp-filtered", "M", item(h.host, r.cite, `firewall rule drops ICMP (${r.text.trim().slice(0, 140)}): frag-needed messages cannot reach the sender`));
      }
      for (const r of h.routes) {
        if (r.source !== "table" && r.mtu !== undefined && r.mtu < 1500) {
          c.support("cached-pmtu", "L", item(h.host, r.cite, `the kernel has a learned path MTU ${r.mtu} towards ${r.dst}${r.cacheExpires !== undefined ? ` (expires in ${r.cacheExpires} s)` : ""}: the path is narrower than 1500`));
        }
      }
      const nl = narrowerLink(h);
      if (nl) {
        c.condition("narrow-link", "L", item(h.host, nl.narrow.cite, `${nl.narrow.name} has MTU ${nl.narrow.mtu}, narrower than ${nl.wide.name} (${nl.wide.mtu}) on the same host: traffic forwarded between them needs PMTU discovery`));
      }
      counterSignal(c, h, "Ip.FragFails", "fragfails", "M", null, "outgoing packets failed fragmentation (DF set, too big for the next hop)");
      counterSignal(c, h, "IcmpMsg.InType3", "icmp3", "L", null, "destination-unreachable received");
      counterSignal(c, h, "TcpExt.TCPMTUPFail", "mtup", "L", null, "MTU probing failed");
    }
    ctx.check(`full-size retransmissions and ICMP frag-needed in ${ctx.captures.length} captures, ICMP-dropping firewall rules, learned route MTUs, narrower links, Ip.FragFails / ICMP type 3 / TCPMTUPFail`);
    if (!c.hasSignals) return null;
    if (anyOverlay) c.against("an overlay device is present: the MTU problem is more likely the overlay's (see overlay_mtu_mismatch)", 0.5);
    if (!c.has("capture-blackhole") && !c.has("capture-stall")) c.against("no capture shows full-size segments being retransmitted while small ones pass", 0.8);
    const next: NextStep[] = [];
    const sender = theHost(ctx, "the host sending the large segments");
    if (!c.has("capture-blackhole")) next.push(step(sender, "tracepath -n <destination>; ping -M do -c 3 -s 1472 <destination>", "a hop announcing a smaller pmtu, or the 1500-byte ping failing silently (no 'Frag needed' reply) while smaller ones pass, confirms a black hole on the path"));
    if (!c.has("icmp-mtu")) next.push(step(sender, "tcpdump -i any -nn -c 50 'icmp[icmptype] == 3 and icmp[icmpcode] == 4 or icmp6[icmp6type] == 2'", "no frag-needed / packet-too-big arriving while full-size segments are retransmitted means they are filtered on the way"));
    next.push(step(sender, "ip route get <destination>", "a 'cache … mtu N' line shows the path MTU the kernel has learned; none while large transfers stall means the ICMP never arrived"));
    return c.finding({
      next,
      id: "pmtu_blackhole",
      title: "Path-MTU black hole",
      summary: "A link on the path has a smaller MTU than the sender assumes, and the ICMP 'fragmentation needed' (IPv6 'packet too big') that should tell the sender never arrives — filtered by a firewall or never generated. Small exchanges work; full-size segments are retransmitted until the connection times out.",
      fix: [
        { command: "Allow ICMP type 3 code 4 (and ICMPv6 type 2) through firewalls, security groups and NetworkPolicies", risk: "Slightly more ICMP exposure." },
        { command: "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", risk: "TCP only; masks the broken hop; one more rule per forwarder." },
        { command: "sysctl -w net.ipv4.tcp_mtu_probing=1", risk: "First stall lasts several RTOs before probing shrinks the MSS; no help for UDP." },
      ],
      references: [
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst (tcp_mtu_probing, mtu_expires, min_pmtu)",
        "https://github.com/torvalds/linux/blob/0b040829952d84bf2a62526f0e24b624e0699447/net/ipv4/ip_forward.c",
      ],
    });
  },
};
