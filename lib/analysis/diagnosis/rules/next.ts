/**
 * Where to collect the next piece of evidence: helpers that name the host a next step belongs on (a host of
 * the bundle when one fits, else a description built from the addresses the evidence shows) and build the
 * steps. The commands are the real ones, runnable as printed.
 */
import type { HostEvidence } from "../../evidence/model";
import type { NextStep } from "../model";
import type { RuleContext } from "../context";

export function step(host: string, command: string, why: string): NextStep {
  return { host, command, why };
}

/** the bundle host owning an address, by its own interface addresses */
export function hostOwning(ctx: RuleContext, addr: string): HostEvidence | undefined {
  return ctx.hosts.find((h) => h.addresses.some((a) => a.address === addr));
}

/** destinations of handshakes that failed in the captures, most frequent first */
export function failedDestinations(ctx: RuleContext): Array<{ addr: string; port: number; n: number }> {
  const m = new Map<string, { addr: string; port: number; n: number }>();
  for (const c of ctx.captures) {
    for (const f of c.summary.flows) {
      if (f.proto !== "tcp" || f.synTimes.length === 0) continue;
      const failed = f.synAckTimes.length === 0 || f.synRetransOffsets.length > 0 || f.synAckRetransOffsets.length > 0;
      if (!failed) continue;
      const k = `${f.resp.addr}:${f.resp.port}`;
      const v = m.get(k);
      if (v) v.n++;
      else m.set(k, { addr: f.resp.addr, port: f.resp.port, n: 1 });
    }
  }
  return [...m.values()].sort((a, b) => b.n - a.n);
}

/**
 * The server side of failing connections: a bundle host that owns the failing destination, else the
 * hosts with listeners, else a description of the destination.
 */
export function serverHost(ctx: RuleContext): { name: string; port?: number } {
  const d = failedDestinations(ctx)[0];
  if (d) {
    const h = hostOwning(ctx, d.addr);
    return { name: h ? h.host : `the server ${d.addr} (destination of the failing handshakes)`, port: d.port };
  }
  const withCounters = ctx.hosts.filter((h) => (h.counters["TcpExt.ListenOverflows"]?.value ?? 0) > 0);
  if (withCounters.length > 0) return { name: withCounters[0]!.host };
  const withListeners = ctx.hosts.filter((h) => h.listeners.some((l) => l.proto === "tcp"));
  if (withListeners.length === 1) return { name: withListeners[0]!.host };
  return { name: ctx.hosts.length === 1 ? ctx.hosts[0]!.host : "the server (the host whose listener the clients wait for)" };
}

/** the one host of a single-host bundle, else a description */
export function theHost(ctx: RuleContext, what: string): string {
  return ctx.hosts.length === 1 ? ctx.hosts[0]!.host : what;
}

/** hosts matching a predicate, else the description */
export function hostsOr(ctx: RuleContext, pred: (h: HostEvidence) => boolean, what: string): string[] {
  const hs = ctx.hosts.filter(pred).map((h) => h.host);
  return hs.length > 0 ? hs.slice(0, 3) : [theHost(ctx, what)];
}

/** has any host this counter (any reading)? */
export function anyCounter(ctx: RuleContext, name: string): boolean {
  return ctx.hosts.some((h) => h.counters[name] !== undefined);
}

/** has any host a second reading of this counter (a delta, or two readings without change)? */
export function anyTwoReadings(ctx: RuleContext, name: string): boolean {
  return ctx.hosts.some((h) => (h.readings?.[name] ?? 0) >= 2);
}

export function anySysctl(ctx: RuleContext, name: string): boolean {
  return ctx.hosts.some((h) => h.sysctls[name] !== undefined);
}

/** `nstat -az A B; sleep 60; nstat -az A B`: two absolute readings a minute apart */
export function twoReadings(...names: string[]): string {
  const n = names.join(" ");
  return `nstat -az ${n}; sleep 60; nstat -az ${n}`;
}
