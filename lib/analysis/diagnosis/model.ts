/**
 * The analysis JSON contract of ../shared/domain/root-causes.md (`netmortem analyze --json`).
 */
import { z } from "zod";

export const RootCauseId = z.enum([
  "overlay_mtu_mismatch",
  "pmtu_blackhole",
  "tw_recycle_nat_paws",
  "port_range_nodeport_collision",
  "accept_queue_overflow",
  "keepalive_timeout_mismatch",
  "bridge_subnet_collision",
  "conntrack_table_full",
  "conntrack_insert_race",
  "ephemeral_port_exhaustion",
  "rp_filter_asymmetric_route",
  "bridge_nf_call_iptables_disabled",
  "none",
]);
export type RootCauseId = z.infer<typeof RootCauseId>;

export const EvidenceItem = z.object({
  host: z.string(),
  file: z.string(),
  line: z.number().int().optional(),
  fact: z.string(),
});
export type EvidenceItem = z.infer<typeof EvidenceItem>;

export const Fix = z.object({ command: z.string(), risk: z.string() });
export type Fix = z.infer<typeof Fix>;

export const Finding = z.object({
  id: RootCauseId.exclude(["none"]),
  confidence: z.number().min(0).max(1),
  title: z.string(),
  summary: z.string(),
  evidence: z.array(EvidenceItem),
  against: z.array(z.string()),
  fix: z.array(Fix),
  references: z.array(z.string()),
});
export type Finding = z.infer<typeof Finding>;

export const Analysis = z.object({
  rootCause: RootCauseId,
  findings: z.array(Finding),
  /** what every rule checked, so a `none` still says what was looked at */
  checked: z.array(z.object({ id: RootCauseId, result: z.string() })),
  latency: z.array(z.object({ seconds: z.number(), explanation: z.string() })).optional(),
  /** what the evidence shows of the user-visible effect (for the postmortem's impact section) */
  observed: z.object({
    /** access-log lines by status class, over all hosts */
    requests: z.object({ total: z.number().int(), byStatus: z.record(z.string(), z.number().int()), errors5xx: z.number().int() }).optional(),
    /** TCP handshakes in the captures */
    handshakes: z.object({ attempted: z.number().int(), failed: z.number().int(), synRetransmissions: z.number().int() }).optional(),
    /** the slowest latency found in the evidence or given, seconds */
    maxLatency: z.number().optional(),
  }).optional(),
  hosts: z.array(
    z.object({
      name: z.string(),
      kernel: z.string().optional(),
      files: z.array(z.object({ path: z.string(), kind: z.string() })),
      unrecognized: z.array(z.string()).optional(),
    }),
  ),
});
export type Analysis = z.infer<typeof Analysis>;

/** Below this, a finding is shown but does not become the root cause. */
export const ROOT_CAUSE_THRESHOLD = 0.5;
