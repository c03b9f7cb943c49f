/**
 * The timeout chain of a request path: load balancer → ingress/proxy → upstream app, each hop with its
 * configured (or default) connect, read and idle timeouts. Two questions:
 * - does a proxy keep idle upstream connections longer than the upstream does? (keepalive_timeout_mismatch)
 * - does a latency match a configured timeout, or only the kernel's handshake retries?
 */
import { explainLatency, type ConfiguredTimeout, type LatencyExplanation, type Sysctls } from "./timing";

export type HopKind =
  | "client" | "aws-alb" | "aws-elb" | "alibaba-slb" | "nginx" | "ingress-nginx" | "nodejs" | "tomcat" | "go" | "gunicorn" | "other";

export type Hop = {
  name: string;
  kind: HopKind;
  /** seconds; absent = the kind's default */
  connectTimeout?: number;
  readTimeout?: number;
  /** how long this hop keeps an idle connection to its upstream in its pool (proxy side) */
  upstreamIdleTimeout?: number;
  /** how long this hop keeps an idle client (downstream) connection open (server side) */
  idleTimeout?: number;
};

type Defaults = { connect?: number; read?: number; upstreamIdle?: number; idle?: number; source: string };

/** defaults per failure-patterns.md pattern 6 and the vendors' docs */
export const DEFAULTS: Record<HopKind, Defaults> = {
  client: { source: "client: no default assumed" },
  "aws-alb": { idle: 60, upstreamIdle: 60, source: "AWS ALB idle timeout 60 s (elasticloadbalancing docs)" },
  "aws-elb": { idle: 60, upstreamIdle: 60, source: "AWS Classic ELB idle timeout 60 s" },
  // Alibaba SLB layer-7 listeners: idle timeout 15 s, request timeout 60 s (vendor docs; [U] in our notes)
  "alibaba-slb": { idle: 15, upstreamIdle: 15, read: 60, source: "Alibaba SLB HTTP listener idle 15 s, request 60 s [U]" },
  nginx: { connect: 60, read: 60, upstreamIdle: 60, idle: 75, source: "nginx proxy_connect/read_timeout 60 s, upstream keepalive_timeout 60 s, keepalive_timeout 75 s" },
  "ingress-nginx": { connect: 5, read: 60, upstreamIdle: 60, idle: 75, source: "ingress-nginx proxy-connect-timeout 5 s, proxy-read-timeout 60 s, upstream-keepalive-timeout 60 s, keep-alive 75 s" },
  nodejs: { idle: 5, source: "Node.js http.Server keepAliveTimeout 5000 ms" },
  // Tomcat's keepAliveTimeout defaults to connectionTimeout, 20 s in the shipped server.xml [U]
  tomcat: { idle: 20, source: "Tomcat keepAliveTimeout = connectionTimeout (20 s in the default server.xml) [U]" },
  // Go's http.Server has no idle timeout unless IdleTimeout/ReadTimeout is set
  go: { source: "Go http.Server: no idle timeout unless IdleTimeout or ReadTimeout is set" },
  gunicorn: { idle: 2, source: "gunicorn keepalive 2 s [U]" },
  other: { source: "unknown kind: no defaults" },
};

export function effective(hop: Hop): Required<Pick<Hop, "name" | "kind">> & { connect?: number; read?: number; upstreamIdle?: number; idle?: number; defaulted: string[] } {
  const d = DEFAULTS[hop.kind];
  const defaulted: string[] = [];
  const pick = (v: number | undefined, dv: number | undefined, label: string) => {
    if (v !== undefined) return v;
    if (dv !== undefined) defaulted.push(label);
    return dv;
  };
  const out: ReturnType<typeof effective> = { name: hop.name, kind: hop.kind, defaulted };
  const c = pick(hop.connectTimeout, d.connect, "connect");
  const r = pick(hop.readTimeout, d.read, "read");
  const u = pick(hop.upstreamIdleTimeout, d.upstreamIdle, "upstream idle");
  const i = pick(hop.idleTimeout, d.idle, "idle");
  if (c !== undefined) out.connect = c;
  if (r !== undefined) out.read = r;
  if (u !== undefined) out.upstreamIdle = u;
  if (i !== undefined) out.idle = i;
  return out;
}

export type Mismatch = {
  proxy: string;
  upstream: string;
  proxyIdle: number;
  upstreamIdle: number;
  text: string;
};

/**
 * Adjacent hops where the proxy reuses idle upstream connections longer than the upstream keeps them:
 * the upstream closes first and a request written into the closing connection gets a 502.
 */
export function keepaliveMismatches(hops: Hop[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (let i = 0; i + 1 < hops.length; i++) {
    const p = effective(hops[i]!);
    const u = effective(hops[i + 1]!);
    if (p.upstreamIdle === undefined || u.idle === undefined) continue;
    if (u.idle <= p.upstreamIdle) {
      const dflt = (h: typeof p, what: string) => (h.defaulted.includes(what) ? " (default)" : "");
      out.push({
        proxy: p.name, upstream: u.name, proxyIdle: p.upstreamIdle, upstreamIdle: u.idle,
        text: `${p.name} (${p.kind}) keeps idle upstream connections ${p.upstreamIdle} s${dflt(p, "upstream idle")} but ${u.name} (${u.kind}) closes idle connections after ${u.idle} s${dflt(u, "idle")}: the upstream closes first, so a request can be written into a connection it is closing`,
      });
    }
  }
  return out;
}

/** every configured timeout along the chain, for explainLatency */
export function configuredTimeouts(hops: Hop[]): ConfiguredTimeout[] {
  const out: ConfiguredTimeout[] = [];
  for (const h of hops) {
    const e = effective(h);
    const tag = (what: string) => `${h.name} ${what}${e.defaulted.includes(what.split(" ")[0]!) ? " (default)" : ""}`;
    if (e.connect !== undefined) out.push({ name: tag("connect timeout"), seconds: e.connect });
    if (e.read !== undefined) out.push({ name: tag("read timeout"), seconds: e.read });
  }
  return out;
}

export type ChainReport = {
  mismatches: Mismatch[];
  latencies: LatencyExplanation[];
};

export function analyzeChain(hops: Hop[], latencies: number[], kernel?: string, sysctls: Sysctls = {}): ChainReport {
  const timeouts = configuredTimeouts(hops);
  return {
    mismatches: keepaliveMismatches(hops),
    latencies: latencies.map((s) => explainLatency(s, kernel, sysctls, timeouts)),
  };
}
