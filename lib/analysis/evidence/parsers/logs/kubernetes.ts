/**
 * Kubernetes facts from what an engineer pastes next to host outputs:
 *   - `kubectl version` (text: `Server Version: v1.24.17` or the old `version.Info{… GitVersion:"v1.21.14" …}`;
 *     `-o json`: serverVersion.gitVersion; `-o yaml`: `serverVersion:` … `gitVersion: v1.24.17`);
 *   - `kubectl get svc [-A] [-o wide]`: TYPE NodePort/LoadBalancer rows with PORT(S) `80:30080/TCP` → nodePorts;
 *   - `kubectl get svc -o json|yaml`: `"nodePort": 30080` / `nodePort: 30080`;
 *   - kube-proxy configuration (`mode: "ipvs"`, `--proxy-mode=ipvs`) → proxyMode; an empty mode is the
 *     Linux default, iptables;
 *   - kube-apiserver arguments / manifest: `--service-node-port-range=30000-32767` → nodePortRange.
 * Only the client version is never taken for the cluster's: the NodePort behaviour depends on kube-proxy,
 * which runs at the server's version.
 */
import type { FileFacts, Warning } from "../../parser";
import { fail, headLines, ok, safeParser, splitLines } from "./util";

type K8s = NonNullable<FileFacts["kubernetes"]>;

const SVC_HEADER = /^(NAMESPACE\s+)?NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)/;
// each marker with a literal it cannot match without: the cheap includes() spares most heads the regexes
const MARKERS: Array<[string, RegExp]> = [
  ["Server Version: ", /^Server Version: /m],
  ["serverVersion", /"serverVersion"\s*:/],
  ["serverVersion:", /^serverVersion:\s*$/m],
  ["CLUSTER-IP", /^(NAMESPACE\s+)?NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)/m],
  ["nodePort", /"nodePort"\s*:\s*\d/],
  ["nodePort:", /^\s*-?\s*nodePort:\s*\d/m],
  ["KubeProxyConfiguration", /^kind:\s*KubeProxyConfiguration\s*$/m],
  ["KubeProxyConfiguration", /"kind"\s*:\s*"KubeProxyConfiguration"/],
  ["--proxy-mode", /--proxy-mode[= ]/],
  ["--service-node-port-range", /--service-node-port-range[= ]/],
];

function parseK8s(text: string) {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const k: K8s = { nodePorts: [] };
  let inServerVersion = false; // yaml / json block of serverVersion
  let svcCols: { type: number; ports: number } | undefined;
  let any = false;
  const isProxyConfig = /KubeProxyConfiguration|kube-proxy/.test(text.slice(0, 200000));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const lineNo = i + 1;
    if (l.length > 100000) continue;
    let m: RegExpExecArray | null;
    if ((m = /^Server Version: (?:version\.Info\{.*?GitVersion:"(v?[0-9][^"]{0,60})"|(v?\d[^\s]{0,60}))/.exec(l))) {
      k.version = { value: m[1] ?? m[2], line: lineNo };
      any = true;
      continue;
    }
    if (/^\s*"?serverVersion"?\s*:/.test(l)) {
      inServerVersion = true;
      any = true;
    } else if (/^\s*"?clientVersion"?\s*:/.test(l) || /^\s*"?kustomizeVersion"?\s*:/.test(l)) {
      inServerVersion = false;
    }
    if (inServerVersion && (m = /^\s*"?gitVersion"?\s*:\s*"?(v?\d[^",\s]{0,60})"?/.exec(l))) {
      k.version = { value: m[1], line: lineNo };
      inServerVersion = false;
      continue;
    }
    if (SVC_HEADER.test(l)) {
      const cols = l.split(/\s+/);
      svcCols = { type: cols.indexOf("TYPE"), ports: cols.indexOf("PORT(S)") };
      any = true;
      continue;
    }
    if (svcCols && l.trim() !== "") {
      const cols = l.trim().split(/\s+/);
      const type = cols[svcCols.type];
      const ports = cols[svcCols.ports];
      if (type === undefined || ports === undefined) {
        warnings.push({ line: lineNo, message: "kubectl get svc: row with fewer columns than the header" });
      } else if (type === "NodePort" || type === "LoadBalancer") {
        for (const p of ports.split(",")) {
          const pm = /^\d{1,5}:(\d{1,5})\/(?:TCP|UDP|SCTP)$/.exec(p);
          if (pm) k.nodePorts!.push({ value: +pm[1], line: lineNo });
        }
      }
      continue;
    }
    if ((m = /^\s*-?\s*"?nodePort"?\s*:\s*(\d{1,5})\b/.exec(l))) {
      k.nodePorts!.push({ value: +m[1], line: lineNo });
      any = true;
      continue;
    }
    if ((m = /--service-node-port-range[= ]"?(\d{1,5})-(\d{1,5})/.exec(l))) {
      k.nodePortRange = { value: [+m[1], +m[2]], line: lineNo };
      any = true;
    }
    if ((m = /--proxy-mode[= ]"?([a-z]{0,20})/.exec(l))) {
      k.proxyMode = { value: m[1] || "iptables", line: lineNo };
      any = true;
    } else if ((m = /^\s*"?mode"?\s*:\s*"?([a-z]{0,20})"?\s*,?\s*$/.exec(l)) && isProxyConfig) {
      k.proxyMode = { value: m[1] || "iptables", line: lineNo };
      any = true;
    } else if ((m = /Using (ipvs|iptables|nftables|userspace|kernelspace) Proxier/i.exec(l))) {
      k.proxyMode = { value: m[1].toLowerCase(), line: lineNo };
      any = true;
    }
  }
  if (!any && !k.version) return fail("kubernetes: no kubectl version, service list, kube-proxy or apiserver fact");
  if (k.nodePorts!.length === 0 && !k.version && !k.nodePortRange && !k.proxyMode) {
    warnings.push({ message: "Kubernetes output without a version, NodePort, port range or proxy mode" });
  }
  return ok({ kubernetes: k }, warnings);
}

export const kubernetesParser = safeParser("kubernetes", "kubernetes", (head) => {
  const h = head.length > 65536 ? head.slice(0, 65536) : head;
  let hits = 0;
  for (const [needle, re] of MARKERS) if (h.includes(needle) && re.test(h)) hits++;
  if (hits === 0) return 0;
  if (/^(NAMESPACE\s+)?NAME\s+TYPE\s+CLUSTER-IP/m.test(h) || /^Server Version: /m.test(h)) return 0.9;
  // a nodePort key in some JSON is weaker evidence than a kubectl header
  return Math.min(0.85, 0.6 + 0.1 * hits + (headLines(h, 5).some((l) => /Client Version|apiVersion|kind:/.test(l)) ? 0.1 : 0));
}, parseK8s);
