import { z } from "zod";
import { PageQuery, Timestamp } from "./common";

export const TIMELINE_KINDS = ["note", "detection", "diagnosis", "repair", "key-moment", "status-change"] as const;
export const TimelineKind = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKind>;

/** status-change events are written only by the status endpoint, so the timeline cannot claim a change that never happened. */
export const WritableTimelineKind = TimelineKind.exclude(["status-change"]);
export type WritableTimelineKind = z.infer<typeof WritableTimelineKind>;

export const TimelineEventCreate = z.strictObject({
  at: Timestamp.optional(),
  kind: WritableTimelineKind,
  body: z.string().trim().min(1).max(10_000),
});
export type TimelineEventCreate = z.infer<typeof TimelineEventCreate>;

export const TimelineListQuery = PageQuery;
export type TimelineListQuery = z.infer<typeof TimelineListQuery>;

export const TimelineEvent = z.object({
  id: z.string(),
  incidentId: z.string(),
  at: z.string(),
  kind: TimelineKind,
  /** who wrote it: the signed-in user (id set), or the free text of entries made before accounts (id null) */
  author: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  body: z.string(),
  createdAt: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
