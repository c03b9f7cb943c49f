/**
 * port_range_nodeport_collision (failure-patterns.md §3): net.ipv4.ip_local_port_range overlaps the
 * NodePort range; since kube-proxy stopped holding NodePorts open (1.24, back-ported to 1.21.14+), an
 * outgoing connection can take a NodePort as its source port and its replies are diverted.
 */
import type { CaptureSummary } from "../../capture/model";
import type { Cite } from "../../evidence/model";
import { item, kubernetesVersion, nodePortRange, parseVersion, versionAtLeast, type Rule } from "../context";
import { Case } from "../signals";
import { captureItem, latticeLatencies } from "./common";
import { anySysctl, step, theHost } from "./next";
import type { NextStep } from "../model";

function parseRange(v: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** "30000-32767,40000" → covered ranges */
function parseReserved(v: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of v.split(/[,\s]+/)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

function covers(reserved: Array<[number, number]>, lo: number, hi: number): boolean {
  // reserved ranges are few; walk the target range in reserved chunks
  let cur = lo;
  const sorted = [...reserved].sort((a, b) => a[0] - b[0]);
  for (const [a, b] of sorted) {
    if (a > cur) break;
    if (b >= cur) cur = b + 1;
    if (cur > hi) return true;
  }
  return cur > hi;
}

const FAILING = new Set(["S0", "SH", "SHR", "REJ", "RSTOS0", "RSTRH", "OTH"]);

/** did this connection's handshake fail? S1 alone also covers healthy connections captured mid-flight */
function failedHandshake(summary: CaptureSummary, s: CaptureSummary["nodePortSourcePorts"][number]): string | null {
  const f = summary.flows.find((x) => x.orig.addr === s.addr && x.orig.port === s.port && x.resp.addr === s.dst.addr && x.resp.port === s.dst.port);
  if (f) {
    const why: string[] = [];
    if (f.synAckRetransOffsets.length > 0) why.push(`the SYN-ACK was retransmitted ${f.synAckRetransOffsets.length} time(s)`);
    if (f.synRetransOffsets.length > 0) why.push(`the SYN was retransmitted at +${f.synRetransOffsets.join(", +")} s`);
    if (!/^S[^A]*h[^A]*$/.test(f.history) && why.length === 0 && !FAILING.has(f.connState)) return null;
    if (/^Sh/.test(f.history) && !f.history.includes("A")) why.push("the client never acknowledged the SYN-ACK");
    if (why.length > 0) return why.join(", ");
  }
  return FAILING.has(s.connState) ? `state ${s.connState}` : null;
}

export const rule: Rule = {
  id: "port_range_nodeport_collision",
  run(ctx) {
    const c = new Case();
    const np = nodePortRange(ctx);
    const [npLo, npHi] = np.range;
    const allocated = new Map<number, { host: string; cite: Cite }>();
    for (const h of ctx.hosts) for (const p of h.kubernetes.nodePorts) allocated.set(p.value, { host: h.host, cite: p.cite });
    for (const h of ctx.hosts) for (const r of h.rules) {
      if (r.kind === "nodeport" && r.dport !== undefined && !allocated.has(r.dport)) allocated.set(r.dport, { host: h.host, cite: r.cite });
    }
    let overlapping = false;
    const ranges: string[] = [];
    for (const h of ctx.hosts) {
      const f = h.sysctls["net.ipv4.ip_local_port_range"];
      if (!f) continue;
      const r = parseRange(f.value);
      if (!r) continue;
      ranges.push(`${h.host} ${r[0]}-${r[1]}`);
      if (r[0] <= npHi && r[1] >= npLo) {
        const res = h.sysctls["net.ipv4.ip_local_reserved_ports"];
        const reserved = res ? parseReserved(res.value) : [];
        const lo = Math.max(r[0], npLo);
        const hi = Math.min(r[1], npHi);
        if (covers(reserved, lo, hi)) {
          c.against(`${h.host}: ip_local_port_range ${r[0]}-${r[1]} overlaps the NodePort range but net.ipv4.ip_local_reserved_ports = "${res?.value}" excludes it`, 0.2);
          continue;
        }
        overlapping = true;
        c.condition("overlap", "M", item(h.host, f.cite, `net.ipv4.ip_local_port_range = ${r[0]} ${r[1]} overlaps the NodePort range ${npLo}-${npHi} (${np.source}) on ${hi - lo + 1} ports${res ? `; ip_local_reserved_ports = "${res.value}" does not cover it` : ", and ip_local_reserved_ports is not set"}`));
      }
    }
    for (const cap of ctx.captures) {
      for (const s of cap.summary.nodePortSourcePorts) {
        const a = allocated.get(s.port);
        const failed = failedHandshake(cap.summary, s);
        if (a && !failed) {
          // iptables mode: conntrack already tracks the connection, so it survives (lab finding on 6.18)
          c.support("sport-is-nodeport-ok", "L", [
            captureItem(cap, `connection ${s.addr}:${s.port} → ${s.dst.addr}:${s.dst.port} used the allocated NodePort ${s.port} as its source port and completed (state ${s.connState}): the ranges do collide, this one survived`),
            item(a.host, a.cite, `NodePort ${s.port} is allocated to a Service`),
          ]);
        } else if (a) {
          c.support("sport-is-nodeport", "H", [
            captureItem(cap, `connection ${s.addr}:${s.port} → ${s.dst.addr}:${s.dst.port} used source port ${s.port}, an allocated NodePort, and its handshake failed: ${failed}`),
            item(a.host, a.cite, `NodePort ${s.port} is allocated to a Service`),
          ]);
        } else if (failed) {
          c.support("sport-in-range-failed", "M", captureItem(cap, `failed connection ${s.addr}:${s.port} → ${s.dst.addr}:${s.dst.port} (${failed}) used a source port inside the NodePort range ${npLo}-${npHi}`));
        }
      }
    }
    for (const h of ctx.hosts) {
      for (const s of h.sockets) {
        if (s.state !== "SYN-SENT" || s.localPort < npLo || s.localPort > npHi) continue;
        const a = allocated.get(s.localPort);
        c.support(a ? "sport-is-nodeport" : "syn-sent-in-range", a ? "H" : "M", item(h.host, s.cite, `socket ${s.local}:${s.localPort} → ${s.peer}:${s.peerPort} stuck in SYN-SENT with a source port ${a ? "equal to an allocated NodePort" : "inside the NodePort range"}`));
      }
    }
    const mode = ctx.context.kubeProxyMode ?? ctx.hosts.find((h) => h.kubernetes.proxyMode)?.kubernetes.proxyMode?.value;
    if (c.hasSignals && mode && /ipvs|ebpf|bpf|cilium/i.test(mode)) {
      c.condition("proxy-mode", "L", { host: "(context)", file: "(context)", fact: `kube-proxy/dataplane mode ${mode}: replies to a NodePort-numbered source port are intercepted` });
    }
    if (c.hasSignals) {
      const lat = latticeLatencies(ctx);
      if (lat.length > 0) c.support("lattice-latency", "L", lat.slice(0, 3).map((l) => l.item));
    }
    ctx.check(`net.ipv4.ip_local_port_range (${ranges.join("; ") || "not in the evidence"}) against the NodePort range ${npLo}-${npHi} (${np.source}), ip_local_reserved_ports, source ports of ${ctx.captures.length} captures and SYN-SENT sockets`);
    if (!c.hasSignals) return null;
    const kv = kubernetesVersion(ctx);
    const v = parseVersion(kv?.value);
    if (v) {
      if (versionAtLeast(v, 1, 24)) {
        c.condition("k8s-version", "L", { host: kv?.host ?? "(context)", file: kv?.cite?.file ?? "(--k8s-version)", ...(kv?.cite?.line ? { line: kv.cite.line } : {}), fact: `Kubernetes ${kv!.value} ≥ 1.24: kube-proxy no longer holds NodePorts open (PR #108496)` });
      } else if ((v[1] === 21 && (v[2] ?? 0) >= 14) || v[1] === 22 || v[1] === 23) {
        c.against(`Kubernetes ${kv!.value}: the port-opener removal was back-ported to 1.21–1.23 patch lines (after 1.21.14), exact patch versions unverified`, 0.9);
      } else {
        c.against(`Kubernetes ${kv!.value} predates the port-opener removal: kube-proxy holds NodePorts open, so the kernel skips them as source ports (less likely, still possible for NodePorts kube-proxy does not hold)`, 0.6);
      }
    }
    if (!overlapping && !c.has("sport-is-nodeport")) c.against("no host shows an ip_local_port_range overlapping the NodePort range", 0.6);
    const next: NextStep[] = [];
    const node = ctx.hosts.find((h) => {
      const r = h.sysctls["net.ipv4.ip_local_port_range"];
      const p = r ? parseRange(r.value) : undefined;
      return p !== undefined && p[0] <= npHi && p[1] >= npLo;
    })?.host ?? theHost(ctx, "the node the failing connections leave from");
    if (!c.has("sport-is-nodeport") && !c.has("sport-is-nodeport-ok")) {
      next.push(step(node, `ss -tn state syn-sent '( sport >= :${npLo} and sport <= :${npHi} )'; conntrack -L -p tcp --state SYN_SENT 2>/dev/null | grep UNREPLIED`, `connections stuck in SYN-SENT whose source port lies in ${npLo}-${npHi} while the failures happen confirm it; failing connections with source ports outside that range rule it out`));
      if (allocated.size === 0) next.push(step("a machine with kubectl access", "kubectl get svc -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {.spec.ports[*].nodePort}{\"\\n\"}{end}' | awk 'NF>1'", "the allocated NodePorts: a failing source port equal to one of them confirms the collision"));
    }
    if (!overlapping && !anySysctl(ctx, "net.ipv4.ip_local_port_range")) next.push(step(node, "sysctl net.ipv4.ip_local_port_range net.ipv4.ip_local_reserved_ports", `in the node's own namespace (or a hostNetwork pod's): a range reaching into ${npLo}-${npHi} not covered by ip_local_reserved_ports makes the collision possible; 32768 60999 rules it out`));
    else if (overlapping && !anySysctl(ctx, "net.ipv4.ip_local_reserved_ports")) next.push(step(node, "sysctl net.ipv4.ip_local_reserved_ports", `reserved ports covering ${npLo}-${npHi} rule it out`));
    if (!kv) next.push(step("a machine with kubectl access", "kubectl version; kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\.conf}' | grep -i mode", "Kubernetes ≥ 1.24 (or a 1.21.14+/1.22/1.23 patch) no longer holds NodePorts open; IPVS/eBPF datapaths intercept the replies"));
    if (ctx.captures.length === 0) next.push(step(node, `tcpdump -i any -nn -c 100 'tcp[tcpflags] & (tcp-syn) != 0 and portrange ${npLo}-${npHi}'`, "a SYN-ACK arriving for a NodePort-numbered source port and never ACKed (SYN resent at 1, 3, 7, 15, 31 s) confirms it"));
    return c.finding({
      next,
      id: "port_range_nodeport_collision",
      title: "Ephemeral port range overlaps the NodePort range",
      summary: `net.ipv4.ip_local_port_range reaches into the Kubernetes NodePort range (${npLo}-${npHi}). Since kube-proxy stopped holding NodePort sockets (1.24, back-ported to 1.21.14+), an outgoing connection from the node can pick an allocated NodePort as its source port; the NodePort rules then divert its replies, the handshake never completes and the client retries on the SYN schedule (the classic 31 s stall on older kernels).`,
      fix: [
        { command: `sysctl -w net.ipv4.ip_local_reserved_ports=${npLo}-${npHi} on every node (persist in /etc/sysctl.d/)`, risk: "None for the default range; with a widened range it removes those ports from the ephemeral pool." },
        { command: "sysctl -w net.ipv4.ip_local_port_range=\"32768 60999\" (the kernel default), and remove the init container/sysctl that widened it", risk: "Fewer ephemeral ports (28,232) per destination." },
        { command: "Or move --service-node-port-range away from the ephemeral range", risk: "Existing NodePort Services keep their ports; clients must follow the new range." },
      ],
      references: [
        "kubernetes/kubernetes PR #108496 (kube-proxy: remove port opener), CHANGELOG-1.24; back-ports #108885, #108888, #108896",
        "kubernetes/kubernetes issues #111682, #139276; docs PR #111697 (--service-node-port-range must not overlap the ephemeral range)",
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst (ip_local_port_range, ip_local_reserved_ports)",
        "kubernetes/ingress-nginx commits 2853ba564, 80462ecda, e864fc719 (sysctl example widening the range)",
      ],
    });
  },
};
