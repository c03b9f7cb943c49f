/**
 * The guided checklist: five steps in a fixed order, items evaluated from the evidence, each with the facts it
 * rests on and, where evidence is missing, what to collect where and how to send it. Data (zod) shared by the
 * engine, the API and the UI.
 */
import { z } from "zod";

export const STEPS = ["timeouts", "resources", "logs", "capture", "kernel"] as const;
export const Step = z.enum(STEPS);
export type Step = z.infer<typeof Step>;

export const STEP_TITLES: Record<Step, string> = {
  timeouts: "Timeouts",
  resources: "Resources",
  logs: "Logs",
  capture: "Capture",
  kernel: "Kernel",
};

/** "unknown" = not enough evidence to say */
export const ItemStatus = z.enum(["pass", "warn", "fail", "unknown"]);
export type ItemStatus = z.infer<typeof ItemStatus>;

/** A fact an item rests on, citing where it was read (same shape as the analysis' evidence items). */
export const Citation = z.object({
  host: z.string(),
  file: z.string(),
  line: z.number().int().optional(),
  fact: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export const SendVia = z.enum(["paste", "upload", "agent"]);
export type SendVia = z.infer<typeof SendVia>;

/** What to run to get missing evidence: the exact command, on which node, and how it reaches the war room. */
export const Collect = z.object({
  /** a node name from the evidence or the linked nodes; "each node" when none is known */
  host: z.string(),
  command: z.string(),
  why: z.string(),
  send: z.array(SendVia).min(1),
});
export type Collect = z.infer<typeof Collect>;

export const ChecklistItem = z.object({
  /** stable across analyses: ticks and notes are stored against it */
  key: z.string(),
  step: Step,
  title: z.string(),
  status: ItemStatus,
  /** one or two sentences: the verdict and why */
  summary: z.string(),
  facts: z.array(Citation),
  collect: z.array(Collect),
  /** analysis findings this item bears on */
  findings: z.array(z.string()),
});
export type ChecklistItem = z.infer<typeof ChecklistItem>;

export const ChecklistStep = z.object({
  step: Step,
  title: z.string(),
  status: ItemStatus,
  items: z.array(ChecklistItem),
});
export type ChecklistStep = z.infer<typeof ChecklistStep>;

export const Checklist = z.object({
  steps: z.array(ChecklistStep),
  counts: z.record(ItemStatus, z.number().int()),
  /** the cause the analysis confirmed, or its leading hypothesis when too thin to confirm; null when none */
  headline: z
    .object({
      id: z.string(),
      title: z.string(),
      confidence: z.number(),
      confirmed: z.boolean(),
      next: z.array(Collect),
    })
    .nullable(),
});
export type Checklist = z.infer<typeof Checklist>;
