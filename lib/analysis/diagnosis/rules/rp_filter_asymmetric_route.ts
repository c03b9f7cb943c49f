/**
 * rp_filter_asymmetric_route (failure-patterns.md §10a): strict reverse-path filtering drops packets that
 * arrive on an interface other than the one the reply would leave by.
 */
import { item, sysctlInt, type Rule } from "../context";
import { Case } from "../signals";
import { counterSignal } from "./common";
import { anyTwoReadings, step, theHost, twoReadings } from "./next";
import type { NextStep } from "../model";

export const rule: Rule = {
  id: "rp_filter_asymmetric_route",
  run(ctx) {
    const c = new Case();
    const strict: string[] = [];
    for (const h of ctx.hosts) {
      const all = sysctlInt(h, "net.ipv4.conf.all.rp_filter");
      const ifaces = new Set<string>();
      for (const k of Object.keys(h.sysctls)) {
        const m = /^net\.ipv4\.conf\.([^.]+)\.rp_filter$/.exec(k);
        if (m && m[1] !== "all" && m[1] !== "default") ifaces.add(m[1]!);
      }
      const strictIfs: string[] = [];
      const looseCni: string[] = [];
      for (const i of ifaces) {
        const v = sysctlInt(h, `net.ipv4.conf.${i}.rp_filter`) ?? 0;
        // "The max value from conf/{all,interface}/rp_filter is used"
        const eff = Math.max(all ?? 0, v);
        if (eff === 1) strictIfs.push(i);
        // systemd >= 245 sets 2 (loose) on every interface, CNI devices included: loose still drops packets whose
        // source has no route back at all (pod addresses routed only by a CNI's own tables)
        else if (eff === 2 && /^(lxc|cilium_|cali|flannel|vxlan|tunl|cni|veth|weave|genev|antrea|kube-|wg|nodelocal)/.test(i)) looseCni.push(i);
      }
      if (looseCni.length > 0) {
        const cite = h.sysctls[`net.ipv4.conf.${looseCni[0]}.rp_filter`]?.cite;
        c.condition("loose-cni", "L", item(h.host, cite, `effective rp_filter = 2 (loose, the systemd ≥ 245 default) on CNI devices ${looseCni.slice(0, 6).join(", ")}${looseCni.length > 6 ? ` and ${looseCni.length - 6} more` : ""}: packets from sources with no route back are dropped`));
      }
      if (strictIfs.length > 0) {
        strict.push(`${h.host}: ${strictIfs.slice(0, 6).join(", ")}`);
        const cite = all === 1 ? h.sysctls["net.ipv4.conf.all.rp_filter"]?.cite : h.sysctls[`net.ipv4.conf.${strictIfs[0]}.rp_filter`]?.cite;
        c.condition("strict", "L", item(h.host, cite, `effective rp_filter = 1 (strict) on ${strictIfs.slice(0, 6).join(", ")}${strictIfs.length > 6 ? ` and ${strictIfs.length - 6} more` : ""} (max of conf.all = ${all ?? "?"} and the interface value)`));
      }
      // read once, reverse-path drops since boot are common background (spoofed and martian packets on any uplink): L
      counterSignal(c, h, "TcpExt.IPReversePathFilter", "rpf-counter", "H", "L", "packets dropped by reverse-path filtering");
      let n = 0;
      for (const e of h.logEvents) {
        if (e.kind === "martian_source" && n++ < 3) c.support("martian", "M", item(h.host, e.cite, `kernel log: ${e.message.trim().slice(0, 160)} (the first address is the packet's destination, the second its source)`));
      }
    }
    ctx.check(`effective rp_filter per interface (max of all and interface; strict on ${strict.join("; ") || "none"}; loose on CNI devices counted), TcpExt.IPReversePathFilter, martian source log lines`);
    if (!c.hasSignals) return null;
    if (!c.has("rpf-counter") && !c.has("martian")) c.against("no IPReversePathFilter drops and no martian-source log lines: strict mode alone is common and harmless on symmetric routes", 1);
    const next: NextStep[] = [];
    const node = strict.length > 0 ? strict[0]!.split(":")[0]! : theHost(ctx, "the host that drops the replies");
    if (!anyTwoReadings(ctx, "TcpExt.IPReversePathFilter")) next.push(step(node, twoReadings("TcpExtIPReversePathFilter"), "IPReversePathFilter rising while the connections fail confirms reverse-path drops; no change rules them out"));
    if (!c.has("martian")) next.push(step(node, "sysctl -w net.ipv4.conf.all.log_martians=1; sleep 30; dmesg -T | grep -i martian", "'martian source <dst> from <src>, on dev X' names the packets dropped and the interface they arrived on"));
    next.push(step(node, "ip route get <client address> from <local address> iif <interface the packets arrive on>", "'invalid cross-device link' or a route out of another interface shows the asymmetry strict mode rejects"));
    return c.finding({
      next,
      id: "rp_filter_asymmetric_route",
      title: "Reverse-path filter drops packets on an asymmetric route",
      summary: "With rp_filter = 1 (strict, RFC 3704) the kernel drops an incoming packet when the route back to its source leaves by another interface; with 2 (loose, set on every interface by systemd ≥ 245, CNI devices included) it drops one whose source has no route back at all. Multi-NIC nodes, policy routing and CNIs that route pod addresses in their own tables hit this: packets are visible on the wire but never reach the socket.",
      fix: [
        { command: "sysctl -w net.ipv4.conf.all.rp_filter=2 (loose) and the same per interface, persisted in /etc/sysctl.d/", risk: "Less protection against spoofed source addresses." },
      ],
      references: [
        "https://github.com/torvalds/linux/blob/0326074ff4652329f2a1a9c8685104576bd8d131/Documentation/networking/ip-sysctl.rst (rp_filter, log_martians)",
      ],
    });
  },
};
