/**
 * bridge_subnet_collision (failure-patterns.md §9): a Docker/CNI bridge or pod/service CIDR overlaps a
 * routed LAN, so traffic to some LAN hosts is sent into the bridge.
 */
import type { HostEvidence, Route } from "../../evidence/model";
import { hostPart, ipv4ToInt, item, parsePrefix, prefixContains, prefixesOverlap, type Rule } from "../context";
import { Case } from "../signals";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

const CONTAINER_DEV = /^(docker0|docker_gwbridge|br-[0-9a-f]+|cni0|cbr0|flannel\.\d+|flannel-wg|cilium_\w+|vxlan\.calico|cali\w+|tunl0|kube-bridge|weave)$/;

function isContainerDev(h: HostEvidence, dev: string | undefined): boolean {
  if (!dev) return false;
  if (CONTAINER_DEV.test(dev)) return true;
  const i = h.interfaces.find((x) => x.name === dev);
  return i?.kind === "bridge" && dev !== "br0" ? /^(br-|docker|cni|virbr)/.test(dev) : false;
}

/** a tunnel, or a bridge with containers attached: routing a pod address into it is its job */
function servesContainers(h: HostEvidence, dev: string | undefined): boolean {
  const i = h.interfaces.find((x) => x.name === dev);
  if (!i) return false;
  if (["vxlan", "ipip", "geneve", "wireguard", "gre"].includes(i.kind)) return true;
  return i.kind === "bridge" && h.interfaces.some((m) => m.master === i.name);
}

/** addresses the incident was about: proxy upstreams, stuck connects, unanswered SYNs */
function targets(hosts: HostEvidence[], ctx: Parameters<Rule["run"]>[0]): Map<string, { host: string; file: string; line?: number; why: string }> {
  const out = new Map<string, { host: string; file: string; line?: number; why: string }>();
  const put = (ip: string, v: { host: string; file: string; line?: number; why: string }) => {
    if (ipv4ToInt(ip) !== undefined && !out.has(ip)) out.set(ip, v);
  };
  for (const h of hosts) {
    for (const e of h.logEvents) {
      if (e.upstream && (e.kind === "upstream_timed_out" || e.kind === "connection_refused" || e.kind === "no_live_upstreams" || e.kind === "other_error")) {
        put(hostPart(e.upstream), { host: h.host, file: e.cite.file, ...(e.cite.line ? { line: e.cite.line } : {}), why: `proxy error towards ${e.upstream}` });
      }
    }
    for (const s of h.sockets) {
      if (s.state === "SYN-SENT") put(s.peer, { host: h.host, file: s.cite.file, ...(s.cite.line ? { line: s.cite.line } : {}), why: "a connection stuck in SYN-SENT" });
    }
  }
  for (const cp of ctx.captures) {
    for (const f of cp.summary.flows) {
      if (f.connState === "S0") put(f.resp.addr, { host: cp.host, file: cp.file, why: "unanswered SYNs in the capture" });
    }
  }
  return out;
}

export const rule: Rule = {
  id: "bridge_subnet_collision",
  run(ctx) {
    const c = new Case();
    const tg = targets(ctx.hosts, ctx);
    let bridgeRoutes = 0;
    for (const h of ctx.hosts) {
      const bridges = h.routes.filter((r) => r.source === "table" && isContainerDev(h, r.dev) && r.dst !== "default");
      bridgeRoutes += bridges.length;
      // 1. the kernel's own decision for a LAN destination (ip route get) leaves through a container device
      for (const r of h.routes.filter((x) => x.source === "get")) {
        if (!isContainerDev(h, r.dev)) continue;
        const t = tg.get(r.dst);
        const ownContainer = h.addresses.some((a) => a.ifname === r.dev && a.address === r.dst);
        if (ownContainer) continue;
        if (t) {
          c.support("route-get", "H", [
            item(h.host, r.cite, `ip route get ${r.dst} → dev ${r.dev}: traffic to ${r.dst} goes into the container bridge instead of the uplink`),
            { host: t.host, file: t.file, ...(t.line ? { line: t.line } : {}), fact: `${r.dst} is a destination the incident is about (${t.why})` },
          ]);
        } else if (!servesContainers(h, r.dev)) {
          c.condition("route-get-uncorroborated", "L", item(h.host, r.cite, `ip route get ${r.dst} → dev ${r.dev} (a container device); nothing else in the evidence says ${r.dst} should be outside the bridge`));
        }
      }
      // 2. a container route overlapping another route to a different device (a LAN route)
      for (const b of bridges) {
        const bp = parsePrefix(b.dst);
        if (!bp) continue;
        for (const r of h.routes) {
          if (r === b || r.source !== "table" || r.dst === "default" || !r.dev || r.dev === b.dev || isContainerDev(h, r.dev) || r.dev === "lo") continue;
          if (r.type && r.type !== "unicast") continue;
          const rp = parsePrefix(r.dst);
          if (!rp || !prefixesOverlap(bp, rp)) continue;
          c.condition("route-overlap", "M", [
            item(h.host, b.cite, `container route ${b.dst} dev ${b.dev}`),
            item(h.host, r.cite, `overlaps the LAN route ${r.dst}${r.via ? ` via ${r.via}` : ""} dev ${r.dev}: the ${bp.len >= rp.len ? "container route wins for the overlap (more specific or equal)" : "more specific LAN route wins, the rest goes to the bridge"}`),
          ]);
        }
        for (const a of h.addresses) {
          if (a.family !== "inet" || a.ifname === b.dev || isContainerDev(h, a.ifname)) continue;
          const ap = parsePrefix(`${a.address}/${a.prefixLen}`);
          if (ap && a.ifname !== "lo" && prefixesOverlap(ap, bp)) {
            c.condition("route-overlap", "M", [item(h.host, b.cite, `container route ${b.dst} dev ${b.dev}`), item(h.host, a.cite, `overlaps ${a.ifname}'s own network ${a.address}/${a.prefixLen}`)]);
          }
        }
        // 3. a destination the incident is about sits inside the bridge's subnet, yet is not a local container
        // a bridge with containers attached: an address inside its subnet is most likely one of them
        if (servesContainers(h, b.dev)) continue;
        for (const [ip, t] of tg) {
          const n = ipv4ToInt(ip);
          if (n === undefined || !prefixContains(bp, n)) continue;
          const known = h.routes.some((r: Route) => r.source === "get" && r.dst === ip);
          if (known) continue;
          c.support("target-in-bridge", "M", [
            item(h.host, b.cite, `container route ${b.dst} dev ${b.dev}`),
            { host: t.host, file: t.file, ...(t.line ? { line: t.line } : {}), fact: `${ip} (${t.why}) falls inside ${b.dst}, so this host sends it into ${b.dev}` },
          ]);
        }
      }
    }
    ctx.check(`${bridgeRoutes} container/bridge routes against the other routes and addresses, 'ip route get' answers, and ${tg.size} incident destinations (proxy upstreams, SYN-SENT peers, unanswered SYNs)`);
    if (!c.hasSignals) return null;
    if (!c.has("route-get") && !c.has("target-in-bridge")) c.against("no destination named in the incident is routed into a bridge (no 'ip route get' for it, no upstream or unanswered SYN inside a bridge subnet)", 0.8);
    const next: NextStep[] = [];
    const where = ctx.hosts.find((h) => h.routes.some((r) => r.source === "table" && isContainerDev(h, r.dev)))?.host ?? theHost(ctx, "the host that cannot reach the destination");
    const dst = [...tg.keys()][0];
    if (!c.has("route-get")) next.push(step(where, `ip route get ${dst ?? "<unreachable destination>"}`, "'dev docker0' (or br-…, cni0) instead of the uplink confirms that traffic to it goes into the bridge; the uplink rules it out"));
    next.push(step(where, "ip route; docker network ls -q | xargs -r docker network inspect -f '{{.Name}} {{range .IPAM.Config}}{{.Subnet}} {{end}}'", "bridge subnets next to the LAN prefixes the failing clients or servers live in"));
    return c.finding({
      next,
      id: "bridge_subnet_collision",
      title: "Container bridge subnet collides with a routed network",
      summary: "A Docker/CNI bridge (docker0 172.17.0.0/16, docker_gwbridge, br-*, cni0) or a pod/service CIDR overlaps addresses that live on the LAN. The connected bridge route is at least as specific as the LAN route, so replies or connections to those LAN hosts go into the bridge and vanish, while other hosts reach them fine.",
      fix: [
        { command: "Set \"bip\": \"10.200.0.1/24\" (the gateway address) and/or \"default-address-pools\" in /etc/docker/daemon.json, then restart Docker", risk: "Containers are recreated with new IPs; anything pinned to old addresses breaks." },
        { command: "For Kubernetes choose non-overlapping pod and service CIDRs (flannel Network, kubeadm serviceSubnet, Calico IPPool)", risk: "Hard to change on a running cluster; usually a rebuild." },
      ],
      references: [
        "moby/moby daemon/libnetwork/ipamutils/utils.go@591ae18d3661005f99c80a14ee92aebe69698400 (172.17–172.31/16, 192.168/20 pools)",
        "flannel-io/flannel Documentation/kube-flannel.yml@cdf760595c23292fd03ff4daf03638ac1ceef417 (10.244.0.0/16)",
        "projectcalico/calico node/pkg/lifecycle/startup/autodetection/ipv4/poolselector.go@87c15906f20c4ca1fda55af92295e7678b0cc0b2",
        "https://docs.mirantis.com/mke/3.8/install/plan-deployment/mcr-considerations/default-address-pools.html",
      ],
    });
  },
};
