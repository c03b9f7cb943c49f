/**
 * bridge_nf_call_iptables_disabled (failure-patterns.md §10b): bridged pod traffic skips iptables, so the
 * Service reverse NAT is not applied when client and backend share a bridge.
 */
import { ipv4ToInt, item, parsePrefix, prefixContains, type Prefix, type Rule } from "../context";
import type { Endpoint, FlowSummary } from "../../capture/model";
import type { ConntrackEntry, HostEvidence } from "../../evidence/model";
import { Case } from "../signals";
import { step, theHost } from "./next";
import type { NextStep } from "../model";

const ep = (e: Endpoint) => `${e.addr}:${e.port}`;
const same = (a: Endpoint, b: Endpoint) => a.addr === b.addr && a.port === b.port;

/**
 * A client socket whose SYN to one address got no SYN-ACK while a SYN-ACK for the same client port came from
 * another address: on the bridge both the dialled (pre-DNAT) and the DNATed SYN are seen, on the client only
 * the dialled one; either way the answer carries the backend's own address, i.e. no reverse NAT was applied.
 */
function unNattedReply(flows: FlowSummary[]): { client: Endpoint; dialled: Endpoint; answerer: Endpoint; clientResets: number } | undefined {
  const tcp = flows.filter((f) => f.proto === "tcp");
  for (const f1 of tcp) {
    if (f1.synTimes.length === 0 || f1.synAckTimes.length > 0) continue;
    for (const f2 of tcp) {
      if (f2 === f1 || f2.synAckTimes.length === 0) continue;
      const clientIsOrig = same(f2.orig, f1.orig);
      if (!clientIsOrig && !same(f2.resp, f1.orig)) continue;
      const answerer = clientIsOrig ? f2.resp : f2.orig;
      if (same(answerer, f1.resp)) continue;
      return { client: f1.orig, dialled: f1.resp, answerer, clientResets: clientIsOrig ? f2.resets.orig : f2.resets.resp };
    }
  }
  return undefined;
}

const BRIDGE_NAMES = /^(cni0|docker0|cbr0|kube-bridge|br-[0-9a-f]+)$/;

/**
 * The subnets behind this host's pod bridges: their own addresses, else the routes out of them. Empty when the
 * evidence has neither (only `ip link` was pasted).
 */
function bridgeSubnets(h: HostEvidence, bridges: string[]): Prefix[] {
  const own = h.addresses.filter((a) => bridges.includes(a.ifname) && a.family === "inet").map((a) => parsePrefix(`${a.address}/${a.prefixLen}`));
  const routed = h.routes.filter((r) => r.source === "table" && r.dev && bridges.includes(r.dev) && r.dst !== "default").map((r) => parsePrefix(r.dst));
  return [...own, ...routed].filter((p): p is Prefix => p !== undefined);
}

/**
 * Connections conntrack DNATed (its reply tuple comes from another address than the one dialled) to a backend
 * on the same bridge as the client, without SNAT (the reply goes straight back to the client): the Service
 * traffic a disabled bridge-nf-call-iptables breaks. Same bridge = inside one of its subnets; with no subnet in
 * the evidence, the same /24 (a node's pod CIDR with kubenet, flannel and host-local IPAM).
 */
function bridgedDnat(h: HostEvidence, entries: ConntrackEntry[], subnets: Prefix[]): ConntrackEntry[] {
  return entries.filter((e) => {
    if (e.proto !== "tcp" && e.proto !== "udp") return false;
    if (e.reply.src === e.orig.dst || e.reply.dst !== e.orig.src) return false;
    const client = ipv4ToInt(e.orig.src);
    const backend = ipv4ToInt(e.reply.src);
    if (client === undefined || backend === undefined) return false;
    if (subnets.length > 0) return subnets.some((p) => prefixContains(p, client) && prefixContains(p, backend));
    return client >>> 8 === backend >>> 8;
  });
}

export const rule: Rule = {
  id: "bridge_nf_call_iptables_disabled",
  run(ctx) {
    const c = new Case();
    const looked: string[] = [];
    for (const h of ctx.hosts) {
      const f = h.sysctls["net.bridge.bridge-nf-call-iptables"];
      // absent only counts when we have a full sysctl dump (other net.* keys present)
      const fullDump = Object.keys(h.sysctls).filter((k) => k.startsWith("net.")).length > 50;
      const off = f ? f.value.trim() === "0" : fullDump;
      looked.push(`${h.host}: ${f ? `= ${f.value}` : fullDump ? "absent (br_netfilter not loaded)" : "not in the evidence"}`);
      if (!off) continue;
      const bridges = h.interfaces.filter((i) => i.kind === "bridge" && BRIDGE_NAMES.test(i.name));
      const members = h.interfaces.filter((i) => i.master && bridges.some((b) => b.name === i.master));
      // Kubernetes Service NAT only: Docker's own DNAT (published ports) is not hurt by bridged replies
      const svcNat = h.rules.filter((r) => /KUBE-(SVC|SERVICES|NODEPORTS|SEP)/.test(`${r.chain} ${r.text}`));
      // conntrack -L of this host: Service connections DNATed to a backend on the client's bridge
      const dnat = members.length > 0 ? bridgedDnat(h, h.conntrackEntries ?? [], bridgeSubnets(h, bridges.map((b) => b.name))) : [];
      const base = f
        ? item(h.host, f.cite, "net.bridge.bridge-nf-call-iptables = 0: bridged traffic bypasses iptables")
        : { host: h.host, file: h.files.find((x) => x.kind === "sysctl")?.path ?? "(sysctl)", fact: "net.bridge.bridge-nf-call-iptables is absent from a full sysctl dump: br_netfilter is not loaded, bridged traffic bypasses iptables" };
      const dn = dnat[0];
      if (members.length > 0 && (svcNat.length > 0 || dn || ctx.context.kubeProxyMode !== undefined || h.kubernetes.proxyMode)) {
        c.condition("sysctl-bridge-k8s", "H", [
          base,
          item(h.host, members[0]!.cite, `${members.length} interface(s) enslaved to bridge ${members[0]!.master} (a bridge CNI: same-node pod traffic is bridged)`),
          ...(svcNat[0] ? [item(h.host, svcNat[0].cite, `Service NAT rules exist (${svcNat.length}, e.g. chain ${svcNat[0].chain}): their reverse NAT is skipped for bridged replies`)] : []),
          ...(!svcNat[0] && dn ? [item(h.host, dn.cite, `conntrack DNATs ${dn.orig.dst}:${dn.orig.dport ?? "?"} to ${dn.reply.src}:${dn.reply.sport ?? "?"}, a backend on the client's (${dn.orig.src}) bridge: Service traffic across the bridge`)] : []),
        ]);
        const unreplied = dnat.filter((e) => e.unreplied);
        if (unreplied.length > 0) {
          const e = unreplied[0]!;
          c.support("conntrack-unreplied-bridged", "M", item(h.host, e.cite, `${unreplied.length} DNATed connection(s) between pods of one bridge never saw a reply in conntrack, e.g. ${e.orig.src}:${e.orig.sport ?? "?"} → ${e.orig.dst}:${e.orig.dport ?? "?"} DNATed to ${e.reply.src}:${e.reply.sport ?? "?"}, ${e.state ?? e.proto} [UNREPLIED]: the backend's answer crossed the bridge without passing netfilter (or the backend never answered)`));
        }
      } else if (members.length > 0) {
        c.condition("sysctl-bridge", "M", [base, item(h.host, members[0]!.cite, `${members.length} interface(s) enslaved to bridge ${members[0]!.master}`)]);
      } else {
        c.condition("sysctl-only", "L", base);
      }
    }
    let unNatted = 0;
    if (c.hasSignals) {
      for (const cp of ctx.captures) {
        const hit = unNattedReply(cp.summary.flows);
        if (!hit) continue;
        unNatted++;
        c.support("capture-un-natted-reply", "M", {
          host: cp.host,
          file: cp.file,
          fact: `SYN from ${ep(hit.client)} to ${ep(hit.dialled)} is answered by a SYN-ACK from ${ep(hit.answerer)}${hit.clientResets > 0 ? ", which the client resets" : ""}: the DNATed backend's reply reached the client without the reverse NAT`,
        });
      }
    }
    ctx.check(`net.bridge.bridge-nf-call-iptables (${looked.join("; ") || "no hosts"}), bridge CNI members, Service NAT rules, SYN-ACKs from an address other than the one dialled in ${ctx.captures.length} captures${unNatted ? ` (${unNatted} with one)` : ""}`);
    if (!c.hasSignals) return null;
    if (!c.has("sysctl-bridge-k8s")) c.against("no bridge with pod members carrying Service (DNAT) traffic was seen: routed CNIs and hosts without Services are unaffected", c.has("sysctl-bridge") ? 0.9 : 0.7);
    const next: NextStep[] = [];
    const node = ctx.hosts.find((h) => h.sysctls["net.bridge.bridge-nf-call-iptables"])?.host ?? theHost(ctx, "the node of the client and backend pods");
    if (!c.has("capture-un-natted-reply")) next.push(step(node, "tcpdump -i cni0 -nn -c 100 'tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)'", "a SYN-ACK from the backend pod's own address answering a SYN sent to the ClusterIP (and the client's RST) confirms the reverse NAT is skipped"));
    next.push(step(node, "lsmod | grep br_netfilter; sysctl net.bridge.bridge-nf-call-iptables; ip -d link show master cni0", "br_netfilter loaded with the sysctl at 1 rules this out; a bridge with pod members and the sysctl at 0 (or the module missing) makes it possible"));
    return c.finding({
      next,
      id: "bridge_nf_call_iptables_disabled",
      title: "bridge-nf-call-iptables disabled on a bridge CNI",
      summary: "net.bridge.bridge-nf-call-iptables is 0 (or br_netfilter is not loaded), so traffic between pods on the same bridge is switched at layer 2 and never passes iptables. A ClusterIP connection DNATed to a backend on the same node gets its reply straight from the backend's pod IP, without the reverse NAT; the client drops or resets it. Only same-node Service traffic fails.",
      fix: [
        { command: "modprobe br_netfilter; sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1, persisted in /etc/modules-load.d and /etc/sysctl.d", risk: "All bridged traffic now traverses iptables: CPU cost, and existing FORWARD rules may start matching bridged traffic." },
      ],
      references: [
        "https://ebtables.netfilter.org/documentation/bridge-nf.html",
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst (/proc/sys/net/bridge/*)",
        "kubernetes/kubernetes PR #123464 (kubeadm preflight check removed in 1.30), kubernetes/kubeadm#312",
      ],
    });
  },
};
