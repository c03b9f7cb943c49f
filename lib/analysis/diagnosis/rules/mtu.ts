/**
 * MTU arithmetic shared by overlay_mtu_mismatch and pmtu_blackhole: the underlay NIC of a host, its overlay
 * devices and the encapsulation overhead each CNI subtracts (failure-patterns.md §1 table).
 */
import type { CaptureSummary, FlowSummary } from "../../capture/model";
import type { HostEvidence, Interface } from "../../evidence/model";
import { ipv4ToInt, parsePrefix, prefixContains, type Prefix } from "../context";

export type Overlay = { iface: Interface; overhead: number; kind: string; cilium: boolean };

const OVERLAY_KINDS = new Set(["vxlan", "ipip", "geneve", "wireguard", "gre"]);

/**
 * Is the tunnel's outer header IPv6? Its ends say so (`vxlan id 1 remote fd30::b local fd30::a`, -j's
 * local6/remote6); without them, the CNIs' IPv6 device names (flannel-v6.<vni>, Calico's vxlan-v6.calico).
 * An IPv6 outer header is 20 bytes longer: the kernel gives a VXLAN device over a 1500 IPv6 link 1430, not
 * 1450 (scripts/record/vxlan6-outputs.sh).
 */
export function ipv6Underlay(i: Interface): boolean {
  const ends = [i.vxlan?.local, i.vxlan?.remote].filter((a): a is string => !!a);
  if (ends.length > 0) return ends.some((a) => a.includes(":"));
  return /^(flannel-v6\.\d+|vxlan-v6\.calico)$/.test(i.name);
}

export function overheadOf(i: Interface, cni?: string): { overhead: number; label: string } {
  const calico = /cali/i.test(i.name) || /calico/i.test(cni ?? "");
  switch (i.kind) {
    case "vxlan": return ipv6Underlay(i) ? { overhead: 70, label: "VXLAN over IPv6 70" } : { overhead: 50, label: "VXLAN 50" };
    case "geneve": return ipv6Underlay(i) ? { overhead: 70, label: "Geneve over IPv6 70" } : { overhead: 50, label: "Geneve 50" };
    case "ipip": return { overhead: 20, label: "IPIP 20" };
    case "gre": return { overhead: 24, label: "GRE 24" };
    case "wireguard": return calico ? { overhead: 60, label: "Calico WireGuard 60" } : { overhead: 80, label: "WireGuard 80 (flannel/Cilium)" };
    default: return { overhead: 0, label: "none" };
  }
}

export function isCilium(h: HostEvidence, cni?: string): boolean {
  return /cilium/i.test(cni ?? "") || h.interfaces.some((i) => i.name.startsWith("cilium_"));
}

export function overlays(h: HostEvidence, cni?: string): Overlay[] {
  return h.interfaces
    .filter((i) => OVERLAY_KINDS.has(i.kind))
    .map((i) => ({ iface: i, ...overheadOf(i, cni), kind: i.kind, cilium: i.name.startsWith("cilium_") }));
}

/**
 * The underlay NIC: the overlay's `dev`, else the interface holding the tunnel's `local` address, else the
 * default route's device, else the biggest addressed NIC that is neither a bridge, a bridge member nor a
 * tunnel. (Lab and nested setups use a veth as the "physical" NIC, so veths qualify when not enslaved.)
 */
export function underlay(h: HostEvidence, o?: Overlay): Interface | undefined {
  const byName = (n: string | undefined) => (n ? h.interfaces.find((i) => i.name === n) : undefined);
  const usable = (i: Interface | undefined): i is Interface =>
    !!i && !OVERLAY_KINDS.has(i.kind) && i.kind !== "bridge" && i.kind !== "loopback" && !i.master;
  const viaDev = byName(o?.iface.vxlan?.dev);
  if (usable(viaDev)) return viaDev;
  const local = o?.iface.vxlan?.local;
  if (local) {
    const owner = byName(h.addresses.find((a) => a.address === local)?.ifname);
    if (usable(owner)) return owner;
  }
  const def = h.routes.find((r) => r.source === "table" && r.dst === "default" && r.dev);
  const d = byName(def?.dev);
  if (usable(d) && (o || d.kind !== "veth")) return d;
  const addressed = new Set(h.addresses.filter((a) => a.family === "inet").map((a) => a.ifname));
  // without any address in the evidence (only `ip link` was pasted), an unenslaved veth can be the NIC too
  const cands = h.interfaces.filter((i) => usable(i) && (i.kind === "device" || i.kind === "bond" || i.kind === "vlan" || (o && i.kind === "veth" && (addressed.has(i.name) || addressed.size === 0))));
  return cands.sort((a, b) => b.mtu - a.mtu)[0];
}

/** the MTU a route imposes on traffic leaving `dev` (Cilium puts the overlay MTU on routes) */
export function routeMtuFor(h: HostEvidence, dev: string): number | undefined {
  const mtus = h.routes.filter((r) => r.dev === dev && r.mtu !== undefined && r.source === "table").map((r) => r.mtu!);
  return mtus.length ? Math.max(...mtus) : undefined;
}

/**
 * Pod addresses: those routed through an overlay device or a pod bridge on some host. Built once per
 * diagnosis (a per-flow scan of every host's routes was quadratic on many-host bundles).
 */
export function podAddressMatcher(hosts: HostEvidence[]): (addr: string) => boolean {
  const prefixes: Prefix[] = [];
  const exact = new Set<string>();
  for (const h of hosts) {
    const podDevs = new Set(h.interfaces.filter((i) => OVERLAY_KINDS.has(i.kind) || (i.kind === "bridge" && h.interfaces.some((m) => m.master === i.name))).map((i) => i.name));
    if (podDevs.size === 0) continue;
    for (const r of h.routes) {
      if (r.source !== "table" || !r.dev || !podDevs.has(r.dev) || r.dst === "default") continue;
      const p = parsePrefix(r.dst);
      if (p) prefixes.push(p);
    }
    for (const a of h.addresses) if (podDevs.has(a.ifname)) exact.add(a.address);
  }
  const memo = new Map<string, boolean>();
  return (addr) => {
    let v = memo.get(addr);
    if (v === undefined) {
      const ip = ipv4ToInt(addr);
      v = exact.has(addr) || (ip !== undefined && prefixes.some((p) => prefixContains(p, ip)));
      memo.set(addr, v);
    }
    return v;
  };
}

/**
 * Large transfers that stall while small exchanges in the same capture complete: a flow whose sender
 * retransmitted (≥ 3) full-size or bigger (GSO) segments and never finished, next to flows that finished.
 * The capture engine's `mtuBlackhole` needs per-segment sizes below the MSS; captures taken on the sender
 * with GSO/TSO show one big segment instead, so this looks at the flow as a whole.
 */
export function stalledLargeFlows(s: CaptureSummary): { stalled: FlowSummary[]; completedSmall: number } {
  const completedSmall = s.flows.filter((f) => f.connState === "SF" && Math.max(f.maxSegment.orig, f.maxSegment.resp) < 1400).length;
  const stalled = s.flows.filter((f) => {
    if (f.proto !== "tcp" || f.connState === "SF" || f.mtuBlackhole) return false;
    // data the capture itself missed (a full ring, a cut snapshot) is not a network stall
    if (f.missedBytes && f.missedBytes.orig + f.missedBytes.resp > 0) return false;
    const o = f.retransmissions.orig >= 3 && f.maxSegment.orig >= 1200;
    const r = f.retransmissions.resp >= 3 && f.maxSegment.resp >= 1200;
    return o || r;
  });
  return { stalled: completedSmall > 0 ? stalled : [], completedSmall };
}

/** addressed, unenslaved, non-tunnel NICs of one host whose MTUs differ: a forwarder onto a narrower link */
export function narrowerLink(h: HostEvidence): { narrow: Interface; wide: Interface } | undefined {
  const addressed = new Set(h.addresses.filter((a) => a.family === "inet").map((a) => a.ifname));
  const nics = h.interfaces.filter((i) => addressed.has(i.name) && !i.master && !OVERLAY_KINDS.has(i.kind) && i.kind !== "loopback" && i.kind !== "bridge" && i.mtu >= 576);
  if (nics.length < 2) return undefined;
  const sorted = [...nics].sort((a, b) => a.mtu - b.mtu);
  const narrow = sorted[0]!;
  const wide = sorted[sorted.length - 1]!;
  return narrow.mtu < wide.mtu ? { narrow, wide } : undefined;
}
