/**
 * overlay_mtu_mismatch (failure-patterns.md §1): a pod, bridge or overlay device MTU larger than the
 * underlay leaves room for; full-size segments vanish while small requests pass.
 * Cilium puts the overlay MTU on routes (`ip route … mtu 1450`) and leaves eth0 at 1500: not a fault.
 */
import { item, parsePrefix, prefixesOverlap, type Rule } from "../context";
import type { HostEvidence } from "../../evidence/model";
import { Case } from "../signals";
import { captureItem, counterSignal } from "./common";
import { isCilium, overlays, podAddressMatcher, routeMtuFor, stalledLargeFlows, underlay } from "./mtu";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

/**
 * Is this bridge on the overlay's path? Its own subnet and the prefixes routed into the overlay device
 * belong to one pod CIDR (they share their /16) — flannel's cni0 10.244.1.1/24 next to 10.244.2.0/24 via
 * flannel.1 — while docker0 172.17.0.1/16 beside it never carries overlay traffic. Unknown (no addresses or
 * no overlay routes in the evidence) counts as on the path.
 */
function onOverlayPath(h: HostEvidence, bridge: string, overlayNames: Set<string>): boolean {
  const own = h.addresses.filter((a) => a.ifname === bridge && a.family === "inet").map((a) => parsePrefix(`${a.address}/${Math.min(a.prefixLen, 16)}`)).filter((p) => p !== undefined);
  const routed = h.routes.filter((r) => r.dev && overlayNames.has(r.dev) && r.dst !== "default").map((r) => parsePrefix(r.dst)).filter((p) => p !== undefined);
  if (own.length === 0 || routed.length === 0) return true;
  return own.some((a) => routed.some((r) => prefixesOverlap({ ...a!, len: 16 }, { ...r!, len: Math.min(16, r!.len) })));
}

export const rule: Rule = {
  id: "overlay_mtu_mismatch",
  run(ctx) {
    const c = new Case();
    const cni = ctx.context.cni;
    const looked: string[] = [];
    let overlayMtu: number | undefined;
    let anyOverlay = false;
    const underlays = new Set<string>();
    const fits = new Set<string>();
    for (const h of ctx.hosts) {
      const ovs = overlays(h, cni);
      const cilium = isCilium(h, cni);
      for (const o of ovs) {
        anyOverlay = true;
        const u = underlay(h, o);
        if (!u) continue;
        underlays.add(`${h.host}/${u.name}`);
        const room = u.mtu - o.overhead;
        fits.add(`${room} (${u.name} ${u.mtu} − ${o.overhead} ${o.kind})`);
        looked.push(`${h.host} ${o.iface.name} ${o.iface.mtu} vs ${u.name} ${u.mtu} − ${o.overhead}`);
        if (o.cilium) {
          // Cilium's tunnel device stays at the base MTU; the pods' routes carry the reduced MTU
          continue;
        }
        overlayMtu = Math.min(overlayMtu ?? Infinity, Math.min(o.iface.mtu, room));
        if (o.iface.mtu > room) {
          c.condition("mtu-arith", "H", [
            item(h.host, o.iface.cite, `${o.kind} device ${o.iface.name} has MTU ${o.iface.mtu}, but its underlay ${u.name} (MTU ${u.mtu}) leaves only ${room} after the ${o.overhead}-byte ${o.kind}${o.overhead === 70 ? " over IPv6" : ""} overhead: ${o.iface.mtu - room} bytes too many`),
            item(h.host, u.cite, `underlay ${u.name} MTU ${u.mtu}`),
          ]);
        }
      }
      if (cilium) {
        // check the route MTUs Cilium programs against the underlay
        const u = underlay(h);
        const tunnel = ovs.find((o) => o.cilium);
        const over = tunnel ? tunnel.overhead : 0;
        for (const r of h.routes) {
          if (r.mtu === undefined || !u || r.source !== "table" || over === 0) continue;
          if (r.mtu > u.mtu - over) {
            c.condition("mtu-arith", "H", item(h.host, r.cite, `route ${r.dst} dev ${r.dev ?? "?"} carries mtu ${r.mtu}, more than ${u.name} ${u.mtu} − ${over} (${tunnel?.kind}) = ${u.mtu - over}`));
          }
        }
      }
    }
    // pod/bridge side: veths and bridges with members must not exceed the overlay MTU (not with Cilium)
    const offPath: string[] = [];
    if (overlayMtu !== undefined && Number.isFinite(overlayMtu)) {
      for (const h of ctx.hosts) {
        if (isCilium(h, cni)) continue;
        const members = new Set(h.interfaces.map((i) => i.master).filter((m): m is string => !!m));
        const ovNames = new Set(overlays(h, cni).map((o) => o.iface.name));
        for (const i of h.interfaces) {
          const podSide = i.kind === "veth" || (i.kind === "bridge" && members.has(i.name));
          if (!podSide || i.mtu <= overlayMtu || underlays.has(`${h.host}/${i.name}`)) continue;
          // a finding rests on the path the traffic takes: a bridge (and its veths) outside the pod CIDR the
          // overlay routes never carries overlay traffic, whatever its MTU
          const bridge = i.kind === "bridge" ? i.name : i.master;
          if (bridge && ovNames.size > 0 && !onOverlayPath(h, bridge, ovNames)) {
            if (!offPath.includes(`${h.host}/${bridge}`)) offPath.push(`${h.host}/${bridge}`);
            continue;
          }
          const rmtu = routeMtuFor(h, i.name);
          if (rmtu !== undefined && rmtu <= overlayMtu) continue;
          // a pod's own eth0 (its default route leaves through a veth) vs a node-side veth
          const isPodEth = h.routes.some((r) => r.dst === "default" && r.dev === i.name);
          c.condition("pod-mtu", "H", item(h.host, i.cite, `${i.kind} ${i.name}${isPodEth ? " (the pod's default-route device)" : i.master ? ` (member of ${i.master})` : ""} has MTU ${i.mtu}, larger than the overlay MTU ${overlayMtu}: full-size packets from the pod cannot be encapsulated`));
        }
      }
    }
    const isPod = podAddressMatcher(ctx.hosts);
    const tunnelCapture = ctx.captures.some((cp) => cp.summary.tunnelPackets > 0 || cp.summary.flows.some((f) => f.tunnel));
    for (const cp of ctx.captures) {
      const s = cp.summary;
      const bh = s.flows.filter((f) => f.mtuBlackhole);
      if (bh.length > 0 && (anyOverlay || tunnelCapture)) {
        const f = bh[0]!;
        c.support("capture-blackhole", "H", captureItem(cp, `${bh.length} flow(s) retransmit full-size segments that are never acknowledged while smaller ones get through, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port}: ${f.mtuBlackhole!.retransmissions} retransmissions of ${f.mtuBlackhole!.segmentSize}-byte segments, ${f.mtuBlackhole!.smallSegmentsAcked} small segments acknowledged`, f.firstIndex));
      }
      const st = stalledLargeFlows(s);
      if (st.stalled.length > 0 && bh.length === 0 && (anyOverlay || tunnelCapture)) {
        const f = st.stalled[0]!;
        const dir = f.retransmissions.resp >= 3 ? "resp" : "orig";
        c.support("capture-stall", "M", captureItem(cp, `${st.stalled.length} large transfer(s) stall while ${st.completedSmall} small exchange(s) complete, e.g. ${f.orig.addr}:${f.orig.port} → ${f.resp.addr}:${f.resp.port}: ${f.retransmissions[dir]} retransmissions of ${f.maxSegment[dir]}-byte segments, state ${f.connState}`, f.firstIndex));
      }
      if (overlayMtu !== undefined && Number.isFinite(overlayMtu)) {
        const limit = overlayMtu - 40;
        // only flows inside the overlay: a node's own traffic on its 1500 NIC rightly advertises 1460
        const big = s.flows.filter((f) => (f.origOptions?.mss ?? 0) > limit && (f.tunnel || (isPod(f.orig.addr) && isPod(f.resp.addr))));
        if (big.length > 0) {
          const f = big[0]!;
          c.support("mss", "M", captureItem(cp, `SYN from ${f.orig.addr}:${f.orig.port} advertises MSS ${f.origOptions!.mss}, more than the overlay allows (${overlayMtu} − 40 = ${limit})${big.length > 1 ? `; ${big.length} flows like it` : ""}`, f.firstIndex));
        }
      }
      if (s.tunnelPackets > 0) {
        const u = ctx.hosts.map((h) => underlay(h)?.mtu).find((m) => m !== undefined) ?? 1500;
        if (s.maxIpLength > u) c.support("big-outer", "L", captureItem(cp, `largest IP packet ${s.maxIpLength} bytes in a capture with ${s.tunnelPackets} tunnel packets, above the underlay MTU ${u}`));
      }
    }
    // no overlay at all: a bridge whose containers send larger packets than the uplink carries is the same mismatch
    // (docker0 1500 over eth0 1400)
    let bridgeOverUplink = false;
    if (!anyOverlay) {
      for (const h of ctx.hosts) {
        const up = underlay(h);
        if (!up) continue;
        const members = new Set(h.interfaces.map((i) => i.master).filter((m): m is string => !!m));
        for (const b of h.interfaces) {
          if (b.kind !== "bridge" || !members.has(b.name) || b.mtu <= up.mtu) continue;
          bridgeOverUplink = true;
          looked.push(`${h.host} ${b.name} ${b.mtu} vs uplink ${up.name} ${up.mtu}`);
          fits.add(`${up.mtu} (${up.name} ${up.mtu}, no encapsulation)`);
          c.condition("mtu-arith", "H", [
            item(h.host, b.cite, `bridge ${b.name} (with ${h.interfaces.filter((m) => m.master === b.name).length} member(s)) has MTU ${b.mtu}, more than its uplink ${up.name} carries (${up.mtu}): containers send packets ${b.mtu - up.mtu} bytes too big for the way out`),
            item(h.host, up.cite, `uplink ${up.name} MTU ${up.mtu}`),
          ]);
        }
      }
    }
    for (const h of ctx.hosts) {
      counterSignal(c, h, "Ip.FragFails", "fragfails", "M", null, "outgoing packets failed fragmentation: DF packets too big for the next hop");
      counterSignal(c, h, "IcmpMsg.OutType3", "icmp3", "L", null, "destination-unreachable sent");
      counterSignal(c, h, "IcmpMsg.InType3", "icmp3", "L", null, "destination-unreachable received");
      counterSignal(c, h, "TcpExt.TCPMTUPFail", "mtup", "L", null, "MTU probing failed");
    }
    ctx.check(`overlay device MTUs vs underlay − overhead (${looked.join("; ") || "no overlay devices in the evidence"}), pod/bridge/veth MTUs on the overlay's path${offPath.length ? ` (off the path: ${offPath.join(", ")})` : ""}, bridges above their uplink, route MTUs (Cilium), SYN MSS and full-size retransmissions in ${ctx.captures.length} captures, Ip.FragFails, ICMP type 3`);
    if (!c.hasSignals) return null;
    // without an overlay (or a bridge above its uplink) this is pmtu_blackhole's territory
    if (!anyOverlay && !tunnelCapture && !bridgeOverUplink) return null;
    for (const b of offPath) c.against(`${b}: a bridge outside the pod network the overlay routes (never carries overlay traffic), so its MTU does not count`, 1);
    if (!c.has("mtu-arith") && !c.has("pod-mtu") && !c.has("capture-blackhole") && !c.has("capture-stall")) {
      c.against("every overlay, pod and bridge MTU fits the underlay, and no capture shows full-size segments vanishing", 0.6);
    }
    const next: NextStep[] = [];
    const nodes = ctx.hosts.filter((h) => overlays(h, cni).length > 0).map((h) => h.host);
    const node = nodes[0] ?? theHost(ctx, "a node of the affected pods");
    const room = overlayMtu !== undefined && Number.isFinite(overlayMtu) ? overlayMtu : 1450;
    if (!c.has("capture-blackhole") && !c.has("capture-stall")) {
      next.push(step(theHost(ctx, "the pod that sends the large requests"), `ping -M do -c 3 -s ${room - 28} <peer pod IP on another node>; ping -M do -c 3 -s ${room - 28 - 50} <same IP>`, `inside the sending pod: the ${room}-byte ping failing while the smaller one passes confirms the path is narrower than the pods assume; both passing rules it out`));
      next.push(step(node, "tcpdump -i any -nn -c 300 'udp port 8472 or udp port 4789 or udp port 6081 or ip proto 4 or icmp[icmptype] == 3'", "outer packets larger than the underlay MTU, fragments or ICMP frag-needed while a large request stalls confirm that full-size segments do not fit the tunnel"));
    }
    if (!ctx.hosts.some((h) => h.interfaces.some((i) => i.kind !== "loopback"))) next.push(step(node, "ip -d link; ip route", "the overlay device's kind and MTU next to the underlay NIC's MTU (and, with Cilium, the route MTUs)"));
    if (!ctx.hosts.some((h) => h.deltas.some((d) => d.name === "Ip.FragFails"))) next.push(step(node, "nstat -az IpFragFails IcmpOutDestUnreachs; sleep 60; nstat -az IpFragFails IcmpOutDestUnreachs", "FragFails rising while large requests fail: the node cannot forward DF packets into the tunnel"));
    const fitText = fits.size > 0 ? [...fits].sort().join(" / ") : "underlay MTU − encapsulation overhead";
    return c.finding({
      next,
      id: "overlay_mtu_mismatch",
      title: "Overlay MTU larger than the underlay allows",
      summary: "An overlay (VXLAN/IPIP/Geneve/WireGuard) device or a pod/bridge interface assumes more room than the underlay leaves after encapsulation. Small requests fit and succeed; full-size segments (large POST bodies, big responses) exceed the path MTU and are dropped, so the sender retransmits them until a proxy times out (502/504).",
      fix: [
        { command: `Set the overlay and pod MTU to ${fitText} (flannel net-conf.json backend "MTU", Calico FelixConfiguration vxlanMTU/ipipMTU/wireguardMTU, Cilium --mtu = the underlay MTU; Docker daemon.json "mtu") and recreate the pods`, risk: "Existing pods keep their old veth MTU until restarted." },
        { command: "iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", risk: "Fixes TCP only (not UDP/QUIC), masks the root cause, adds a rule on every node." },
        { command: "Allow ICMP type 3 code 4 (IPv6: type 2) through firewalls, security groups and NetworkPolicies", risk: "Slightly more ICMP exposure." },
        { command: "sysctl -w net.ipv4.tcp_mtu_probing=1", risk: "Recovers only after a black-hole stall (several RTOs); does not help non-TCP traffic." },
      ],
      references: [
        "flannel-io/flannel@cdf760595c23292fd03ff4daf03638ac1ceef417 pkg/backend/vxlan/device.go (MTU − 50)",
        "projectcalico/calico@87c15906f20c4ca1fda55af92295e7678b0cc0b2 felix/dataplane/linux/int_dataplane.go (ipip 20, vxlan 50, wireguard 60)",
        "cilium/cilium pkg/mtu/mtu.go@0965216b0ec4c3a0a5826958e80ad20c6c4dac12 (route MTU carries the overhead)",
        "https://github.com/torvalds/linux/blob/0b040829952d84bf2a62526f0e24b624e0699447/net/ipv4/ip_forward.c",
      ],
    });
  },
};
