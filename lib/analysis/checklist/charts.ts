/**
 * What the war room's charts draw, from the evidence as read: each host's SYN / SYN-ACK schedule, each capture's
 * states and retransmission histograms, the latencies found, and the timeouts of the proxies whose logs are in
 * the evidence (defaults of their kind). Pure; the browser maps it to chart rows (components/warroom/charts).
 */
import { synAckSchedule, synSchedule, type Schedule } from "../diagnosis/timing";
import { configuredTimeouts, type Hop } from "../diagnosis/timeouts";
import type { ChecklistInput } from "./context";

export const MAX_CHART_LATENCIES = 5000;

export type ChartInputs = {
  hosts: Array<{ name: string; kernel: string | null; syn: ScheduleOut; synAck: ScheduleOut }>;
  captures: Array<{
    host: string;
    file: string;
    tcpFlows: number;
    flowsByState: Record<string, number>;
    synRetrans: Record<string, number>;
    synAckRetrans: Record<string, number>;
    handshakes: { attempted: number; completed: number; failed: number; refused: number };
  }>;
  latencies: Array<{ host: string; file: string; line?: number; seconds: number; what?: string }>;
  latenciesTotal: number;
  timeouts: Array<{ name: string; seconds: number }>;
};
type ScheduleOut = { retransmits: number[]; giveUp: number; basis: string };

const brief = (s: Schedule): ScheduleOut => ({ retransmits: s.retransmits, giveUp: s.giveUp, basis: s.basis });

function hopsOf(input: ChecklistInput): Hop[] {
  const kinds = new Set(input.hosts.flatMap((h) => h.files.map((f) => f.kind)));
  if (kinds.has("ingress-nginx-access-log")) return [{ name: "ingress-nginx", kind: "ingress-nginx" }];
  if (kinds.has("nginx-access-log") || kinds.has("nginx-error-log")) return [{ name: "nginx", kind: "nginx" }];
  return [];
}

export function chartInputs(input: ChecklistInput): ChartInputs {
  const hosts = input.hosts.map((h) => {
    const sysctls = Object.fromEntries(Object.entries(h.sysctls).map(([k, v]) => [k, v.value]));
    const kernel = h.kernel?.value ?? null;
    return { name: h.host, kernel, syn: brief(synSchedule(kernel ?? undefined, sysctls)), synAck: brief(synAckSchedule(kernel ?? undefined, sysctls)) };
  });
  const captures = input.captures.map((c) => ({
    host: c.host,
    file: c.file,
    tcpFlows: c.summary.tcpFlows,
    flowsByState: Object.fromEntries(Object.entries(c.summary.flowsByState).map(([k, v]) => [k, v ?? 0])),
    synRetrans: { ...c.summary.synRetransHistogram },
    synAckRetrans: { ...c.summary.synAckRetransHistogram },
    handshakes: { ...c.summary.handshakes },
  }));
  const all = input.hosts.flatMap((h) =>
    h.latencies.map((l) => {
      const out: ChartInputs["latencies"][number] = { host: h.host, file: l.cite.file, seconds: l.seconds };
      if (l.cite.line !== undefined) out.line = l.cite.line;
      if (l.what) out.what = l.what;
      return out;
    }),
  );
  // the slowest are the ones that matter; the rest are thinned evenly
  const latencies = all.length <= MAX_CHART_LATENCIES ? all : thin(all);
  return { hosts, captures, latencies, latenciesTotal: all.length, timeouts: configuredTimeouts(hopsOf(input)) };
}

function thin<T extends { seconds: number }>(all: T[]): T[] {
  const sorted = [...all].sort((a, b) => b.seconds - a.seconds);
  const keep = sorted.slice(0, MAX_CHART_LATENCIES / 2);
  const rest = sorted.slice(MAX_CHART_LATENCIES / 2);
  const step = rest.length / (MAX_CHART_LATENCIES / 2);
  for (let i = 0; i < MAX_CHART_LATENCIES / 2; i++) keep.push(rest[Math.floor(i * step)]!);
  return keep;
}
