// The live-event contract of PLAN.md ("Live events"): one lower-case channel, ids-only payloads (< 8000 bytes).
import { z } from "zod";

export const LIVE_CHANNEL = "netmortem";

export const LIVE_KINDS = [
  "timeline",
  "evidence",
  "analysis",
  "job",
  "checklist",
  "finding",
  "report",
  "share",
  "presence",
  "node",
] as const;
export const LiveKind = z.enum(LIVE_KINDS);
export type LiveKind = z.infer<typeof LiveKind>;

/** What is notified and sent to browsers: ids only; readers refetch what they show. */
export const LiveMessage = z.object({
  incidentId: z.uuid(),
  seq: z.number().int().positive(),
  kind: LiveKind,
  entityId: z.string().max(64).optional(),
});
export type LiveMessage = z.infer<typeof LiveMessage>;

export type LiveEvent = {
  incidentId: string;
  kind: LiveKind;
  /** the row that changed (evidence id, job id, checklist item key, finding id…) */
  entityId?: string;
  /** the user who caused it, when a user did */
  actorId?: string | null;
  /** small extra facts kept for replay and the audit of who did what; never sent through NOTIFY */
  data?: Record<string, unknown>;
};
