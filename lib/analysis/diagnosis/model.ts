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

/**
 * The next thing to collect for an open hypothesis: on which host (a host of the bundle, or a description
 * such as "the server 10.0.0.5 (destination of the unanswered SYNs)" when it is not in the bundle), the
 * exact command, and what its output would confirm or rule out.
 */
export const NextStep = z.object({ host: z.string(), command: z.string(), why: z.string() });
export type NextStep = z.infer<typeof NextStep>;

export const Finding = z.object({
  id: RootCauseId.exclude(["none"]),
  confidence: z.number().min(0).max(1),
  title: z.string(),
  summary: z.string(),
  evidence: z.array(EvidenceItem),
  against: z.array(z.string()),
  fix: z.array(Fix),
  references: z.array(z.string()),
  /** what to collect next to confirm or rule this out (most telling first); empty when nothing is missing */
  next: z.array(NextStep).optional(),
  /**
   * "observed": at least one signal is something that happened (a counter that rose or stands non-zero, a
   * log line, a capture, a latency); "configuration": only settings that make it possible were seen, so the
   * finding is capped below the root-cause threshold (a risky setting is not an incident by itself).
   */
  basis: z.enum(["observed", "configuration"]).optional(),
});
export type Finding = z.infer<typeof Finding>;

export const Analysis = z.object({
  rootCause: RootCauseId,
  findings: z.array(Finding),
  /**
   * The leading hypothesis when the evidence is too thin to confirm a root cause (rootCause "none") but
   * points at one, with what to collect next; null when there is a root cause or nothing points anywhere
   * (a healthy system). See ../shared/domain/root-causes.md.
   */
  leading: z.object({ id: RootCauseId.exclude(["none"]), confidence: z.number().min(0).max(1), next: z.array(NextStep) }).nullable().optional(),
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
  /**
   * inputs that could not be read, or only in part (a capture whose reading stopped on an error, a file
   * that could not be opened, a text cut at a bound): the diagnosis lacks what they hold, and says so
   */
  unreadable: z.array(z.object({ host: z.string(), file: z.string(), message: z.string() })).optional(),
});
export type Analysis = z.infer<typeof Analysis>;

/** Below this, a finding is shown but does not become the root cause. */
export const ROOT_CAUSE_THRESHOLD = 0.5;
/** A finding below the threshold leads (`leading`) from this confidence on, when it rests on something observed or on an H-grade setting. */
export const LEADING_THRESHOLD = 0.3;
/** A finding that rests on configuration alone never exceeds this (it cannot become the root cause). */
export const CONFIGURATION_CAP = 0.45;
