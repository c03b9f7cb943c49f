/**
 * The postmortem draft made from an Analysis: data (zod) first, Markdown second.
 */
import { z } from "zod";

export const ReportEvidence = z.object({
  host: z.string(),
  file: z.string(),
  line: z.number().int().optional(),
  fact: z.string(),
  /** the finding it supports */
  finding: z.string(),
});

export const ActionItem = z.object({
  action: z.string(),
  risk: z.string(),
  kind: z.enum(["mitigate", "prevent", "detect"]),
  finding: z.string(),
});
export type ActionItem = z.infer<typeof ActionItem>;

export const Postmortem = z.object({
  title: z.string(),
  summary: z.string(),
  impact: z.string(),
  rootCause: z.object({ id: z.string(), title: z.string(), confidence: z.number().min(0).max(1), explanation: z.string() }),
  trigger: z.string(),
  resolution: z.string(),
  detection: z.string(),
  actionItems: z.array(ActionItem),
  /** other findings, below the top one */
  alternatives: z.array(z.object({ id: z.string(), title: z.string(), confidence: z.number() })),
  evidenceAppendix: z.array(ReportEvidence),
  checked: z.array(z.object({ id: z.string(), result: z.string() })),
});
export type Postmortem = z.infer<typeof Postmortem>;
