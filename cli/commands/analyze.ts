/**
 * `netmortem analyze <dir|bundle|files…>`: ranked, cited diagnosis of an evidence bundle.
 * Exit codes: 0 success (whatever the diagnosis), 2 bad arguments, 1 unreadable input.
 */
import { stat } from "node:fs/promises";
import { analyzeBundle, BundleReadError, TIMEOUT_DEFAULTS, type DiagnoseContext, type Hop, type HopKind } from "../../lib/analysis/diagnosis";
import { ioMessage } from "../../lib/analysis/bundle";
import type { Analysis } from "../../lib/analysis/diagnosis/model";
import { formatText, toMarkdown, toReport } from "../../lib/analysis/report";

export const summary = "diagnose an evidence bundle: ranked root causes with cited evidence, fixes and risks";

const HELP = `Usage: netmortem analyze <dir|bundle.tar.gz|.zip|files…> [options]

Options:
  --json                     print the analysis JSON (root-causes.md contract)
  --markdown                 print a postmortem draft in Markdown
  --latency <t>              an observed latency, e.g. 31.7s, 1500ms, 3 (repeatable)
  --k8s-version <v>          Kubernetes version, e.g. 1.24.3
  --nodeport-range <lo-hi>   NodePort range (default 30000-32767)
  --hop <name=kind[,opts]>   one hop of the request path, client side first (repeatable), e.g.
                             --hop ingress=ingress-nginx --hop api=nodejs,idle=5
                             kinds: aws-alb aws-elb alibaba-slb nginx ingress-nginx nodejs tomcat go gunicorn other;
                             opts: idle=, upstream-idle=, connect=, read= (seconds, or 500ms)
  --cni <name>               flannel, calico, cilium…
  --kube-proxy-mode <mode>   iptables, ipvs, nftables, ebpf
  -h, --help                 this help
`;

export type ParsedArgs = {
  paths: string[];
  json: boolean;
  markdown: boolean;
  latencies: number[];
  context: DiagnoseContext;
};

export class UsageError extends Error {}

export function parseLatency(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--latency: '${v}' is not a duration (e.g. 31.7s, 1500ms)`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : n;
}

const HOP_KINDS = Object.keys(TIMEOUT_DEFAULTS) as HopKind[];

/** "ingress=ingress-nginx,upstream-idle=60" → a Hop; the request path is given in order, client side first */
export function parseHop(v: string): Hop {
  const [head, ...opts] = v.split(",");
  const m = /^([^=]+)=(.+)$/.exec(head ?? "");
  const kind = m?.[2] as HopKind | undefined;
  if (!m || !kind || !HOP_KINDS.includes(kind)) throw new UsageError(`--hop: '${v}' should be name=kind[,idle=S][,upstream-idle=S][,connect=S][,read=S] with kind one of ${HOP_KINDS.join(", ")}`);
  const hop: Hop = { name: m[1]!, kind };
  for (const o of opts) {
    const km = /^(idle|upstream-idle|connect|read)=(\d+(?:\.\d+)?)(ms|s)?$/.exec(o.trim());
    if (!km) throw new UsageError(`--hop: '${o}' is not idle=, upstream-idle=, connect= or read= with a duration`);
    const secs = parseLatency(`${km[2]}${km[3] ?? "s"}`);
    if (km[1] === "idle") hop.idleTimeout = secs;
    else if (km[1] === "upstream-idle") hop.upstreamIdleTimeout = secs;
    else if (km[1] === "connect") hop.connectTimeout = secs;
    else hop.readTimeout = secs;
  }
  return hop;
}

export function parseArgs(args: string[]): ParsedArgs | "help" {
  const out: ParsedArgs = { paths: [], json: false, markdown: false, latencies: [], context: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith("--") && a.includes("=") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h": case "--help": return "help";
      case "--json": out.json = true; break;
      case "--markdown": out.markdown = true; break;
      case "--latency": for (const part of value().split(",")) out.latencies.push(parseLatency(part)); break;
      case "--k8s-version": {
        const v = value();
        if (!/^v?\d+\.\d+(\.\d+)?/.test(v)) throw new UsageError(`--k8s-version: '${v}' is not a version like 1.24.3`);
        out.context.kubernetesVersion = v.replace(/^v/, "");
        break;
      }
      case "--nodeport-range": {
        const v = value();
        const m = /^(\d+)-(\d+)$/.exec(v);
        const lo = Number(m?.[1]);
        const hi = Number(m?.[2]);
        if (!m || lo < 1 || hi > 65535 || lo > hi) throw new UsageError(`--nodeport-range: '${v}' is not a port range like 30000-32767`);
        out.context.nodePortRange = [lo, hi];
        break;
      }
      case "--hop": (out.context.hops ??= []).push(parseHop(value())); break;
      case "--cni": out.context.cni = value(); break;
      case "--kube-proxy-mode": out.context.kubeProxyMode = value(); break;
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`);
        out.paths.push(a);
    }
  }
  if (out.json && out.markdown) throw new UsageError("--json and --markdown exclude each other");
  if (out.paths.length === 0) throw new UsageError("give at least one bundle, directory or file");
  return out;
}

export async function run(args: string[]): Promise<number> {
  let parsed: ParsedArgs | "help";
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`netmortem analyze: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (parsed === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  for (const p of parsed.paths) {
    try {
      await stat(p);
    } catch (err) {
      process.stderr.write(`netmortem analyze: cannot read '${p}': ${ioMessage(err)}\n`);
      return 1;
    }
  }
  let analysis: Analysis;
  try {
    analysis = await analyzeBundle(parsed.paths, { latencies: parsed.latencies, context: parsed.context });
  } catch (err) {
    // the same wording as `evidence`: code, message, the archive entry at fault and the input
    const detail = err instanceof BundleReadError
      ? `${err.code}: ${err.message}${err.entry ? ` (entry ${err.entry})` : ""}${err.path ? ` [${err.path}]` : ""}`
      : err instanceof Error ? err.message : String(err);
    process.stderr.write(`netmortem analyze: could not read the bundle: ${detail}\n`);
    return 1;
  }
  if (parsed.json) process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
  else if (parsed.markdown) process.stdout.write(toMarkdown(toReport(analysis)));
  else process.stdout.write(formatText(analysis));
  return 0;
}
