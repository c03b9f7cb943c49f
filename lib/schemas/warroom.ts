import { z } from "zod";
import { Citation, Collect, ItemStatus, Step } from "../analysis/checklist/model";
import { Finding, RootCauseId } from "../analysis/diagnosis/model";
import { Id, Timestamp, optionalText } from "./common";
import { ClusterNode } from "./node";

// The war room's own shapes (checklist, findings, charts, compare, report, action items, share links, presence).
//
//   GET   /api/v1/incidents/{id}/checklist                     ChecklistView
//   PATCH /api/v1/incidents/{id}/checklist/{key}               ChecklistEntryPatch → ChecklistView item
//   POST  /api/v1/incidents/{id}/checklist                     ManualCheckCreate → 201
//   GET   /api/v1/incidents/{id}/findings                      FindingView[]
//   POST  /api/v1/incidents/{id}/findings/{findingId}/decision FindingDecisionCreate
//   GET   /api/v1/incidents/{id}/charts                        ChartData
//   GET   /api/v1/incidents/{id}/compare?a=&b=                 Comparison
//   GET   /api/v1/incidents/{id}/report                        Report;  PUT ReportSave (409 on a stale version)
//   GET   /api/v1/incidents/{id}/report.md|report.pdf
//   GET/POST /api/v1/incidents/{id}/action-items; PATCH/DELETE …/action-items/{itemId}
//   GET/POST /api/v1/incidents/{id}/share-links; DELETE …/share-links/{linkId}
//   GET   /api/v1/incidents/{id}/presence;  GET …/events (text/event-stream)

export const Person = z.object({ id: z.string(), name: z.string() }).meta({ id: "Person" });
export type Person = z.infer<typeof Person>;

// ─── checklist ────────────────────────────────────────────────────────────────────────────────────────────────

export const ChecklistViewItem = z
  .object({
    key: z.string(),
    step: Step,
    title: z.string(),
    status: ItemStatus,
    summary: z.string(),
    facts: z.array(Citation),
    collect: z.array(Collect),
    findings: z.array(z.string()),
    manual: z.boolean(),
    ticked: z.boolean(),
    note: z.string().nullable(),
    entry: z.object({ version: z.number().int(), updatedBy: Person.nullable(), updatedAt: z.string() }).nullable(),
  })
  .meta({ id: "ChecklistItem" });
export type ChecklistViewItem = z.infer<typeof ChecklistViewItem>;

export const ChecklistView = z
  .object({
    steps: z.array(z.object({ step: Step, title: z.string(), status: ItemStatus, items: z.array(ChecklistViewItem) })),
    counts: z.record(ItemStatus, z.number().int()),
    headline: z
      .object({ id: z.string(), title: z.string(), confidence: z.number(), confirmed: z.boolean(), next: z.array(Collect) })
      .nullable(),
    /** the analysis it was computed from (null: none yet) */
    analysisId: z.string().nullable(),
  })
  .meta({ id: "ChecklistView" });
export type ChecklistView = z.infer<typeof ChecklistView>;

export const ItemKey = z.string().regex(/^(timeouts|resources|logs|capture|kernel|manual)\.[a-z0-9-]{1,60}$/, "a checklist item key");

/** A tick or a note on an item (computed or manual). `expectedVersion` guards against overwriting a note. */
export const ChecklistEntryPatch = z
  .strictObject({
    ticked: z.boolean().optional(),
    note: optionalText(4000),
    result: ItemStatus.optional(),
    expectedVersion: z.number().int().min(0).optional(),
  })
  .refine((v) => v.ticked !== undefined || v.note !== undefined || v.result !== undefined, "change ticked, note or result")
  .meta({ id: "ChecklistEntryPatch" });
export type ChecklistEntryPatch = z.infer<typeof ChecklistEntryPatch>;
export type ChecklistEntryPatchInput = z.input<typeof ChecklistEntryPatch>;

export const ManualCheckCreate = z
  .strictObject({
    step: Step,
    title: z.string().trim().min(1).max(300),
    result: ItemStatus.default("unknown"),
    note: optionalText(4000),
  })
  .meta({ id: "ManualCheckCreate" });
export type ManualCheckCreate = z.infer<typeof ManualCheckCreate>;
export type ManualCheckCreateInput = z.input<typeof ManualCheckCreate>;

/** What PATCH/POST …/checklist answer: the stored entry (the client refetches the checklist around it). */
export const ChecklistEntry = z
  .object({
    key: z.string(),
    step: Step,
    manual: z.boolean(),
    title: z.string().nullable(),
    ticked: z.boolean(),
    result: ItemStatus.nullable(),
    note: z.string().nullable(),
    version: z.number().int(),
    updatedBy: Person.nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: "ChecklistEntry" });
export type ChecklistEntry = z.infer<typeof ChecklistEntry>;

// ─── findings ─────────────────────────────────────────────────────────────────────────────────────────────────

export const FindingDecision = z
  .object({ verdict: z.enum(["confirmed", "rejected"]), reason: z.string().nullable(), by: Person.nullable(), at: z.string() })
  .meta({ id: "FindingDecision" });
export type FindingDecision = z.infer<typeof FindingDecision>;

export const FindingView = Finding.extend({ rank: z.number().int(), decision: FindingDecision.nullable() }).meta({ id: "FindingView" });
export type FindingView = z.infer<typeof FindingView>;

export const FindingList = z
  .object({ analysisId: z.string().nullable(), rootCause: RootCauseId.nullable(), findings: z.array(FindingView) })
  .meta({ id: "FindingList" });
export type FindingList = z.infer<typeof FindingList>;

export const FindingDecisionCreate = z
  .strictObject({
    verdict: z.enum(["confirmed", "rejected", "open"]),
    reason: optionalText(2000),
  })
  .refine((v) => v.verdict !== "rejected" || (v.reason ?? "").length > 0, { message: "say why it is rejected", path: ["reason"] })
  .meta({ id: "FindingDecisionCreate" });
export type FindingDecisionCreate = z.infer<typeof FindingDecisionCreate>;
export type FindingDecisionCreateInput = z.input<typeof FindingDecisionCreate>;

// ─── charts ───────────────────────────────────────────────────────────────────────────────────────────────────

export const ScheduleWire = z.object({ retransmits: z.array(z.number()), giveUp: z.number(), basis: z.string() });
export type ScheduleWire = z.infer<typeof ScheduleWire>;

export const ChartData = z
  .object({
    hosts: z.array(z.object({ name: z.string(), kernel: z.string().nullable(), syn: ScheduleWire, synAck: ScheduleWire })),
    captures: z.array(
      z.object({
        host: z.string(),
        file: z.string(),
        tcpFlows: z.number().int(),
        flowsByState: z.record(z.string(), z.number().int()),
        synRetrans: z.record(z.string(), z.number().int()),
        synAckRetrans: z.record(z.string(), z.number().int()),
        handshakes: z.object({ attempted: z.number().int(), completed: z.number().int(), failed: z.number().int(), refused: z.number().int() }),
      }),
    ),
    /** latencies found in the evidence (at most MAX_CHART_LATENCIES, slowest kept) */
    latencies: z.array(z.object({ host: z.string(), file: z.string(), line: z.number().int().optional(), seconds: z.number(), what: z.string().optional() })),
    latenciesTotal: z.number().int(),
    /** configured (or default) timeouts of the hops whose logs are in the evidence */
    timeouts: z.array(z.object({ name: z.string(), seconds: z.number() })),
  })
  .meta({ id: "ChartData" });
export type ChartData = z.infer<typeof ChartData>;
export { MAX_CHART_LATENCIES } from "../analysis/checklist/charts";

// ─── compare ──────────────────────────────────────────────────────────────────────────────────────────────────

/** `host:<name>` (the incident's evidence of that host) or `snapshot:<uuid>` (one agent snapshot of a node) */
export const CompareSource = z.string().regex(/^(host:[A-Za-z0-9_.:@-]{1,253}|snapshot:[0-9a-fA-F-]{36})$/, "host:<name> or snapshot:<id>");
export const CompareQuery = z.strictObject({ a: CompareSource, b: CompareSource });
export type CompareQuery = z.infer<typeof CompareQuery>;

const Diff = z.object({ name: z.string(), a: z.string().nullable(), b: z.string().nullable() });
export const Comparison = z
  .object({
    a: z.object({ source: z.string(), label: z.string(), kernel: z.string().nullable() }),
    b: z.object({ source: z.string(), label: z.string(), kernel: z.string().nullable() }),
    sysctls: z.array(Diff),
    mtus: z.array(Diff),
    routes: z.array(Diff),
    counters: z.array(Diff),
    /** how many values were compared in each group (so "no difference" is visibly not "nothing compared") */
    compared: z.object({ sysctls: z.number().int(), mtus: z.number().int(), routes: z.number().int(), counters: z.number().int() }),
  })
  .meta({ id: "Comparison" });
export type Comparison = z.infer<typeof Comparison>;

export const CompareSources = z
  .array(z.object({ source: z.string(), label: z.string(), kind: z.enum(["host", "snapshot"]), at: z.string().nullable() }))
  .meta({ id: "CompareSources" });
export type CompareSources = z.infer<typeof CompareSources>;

// ─── report, action items ─────────────────────────────────────────────────────────────────────────────────────

export const MAX_REPORT_CHARS = 200_000;

export const Report = z
  .object({
    incidentId: z.string(),
    /** false: nothing saved yet; markdown is the current draft */
    saved: z.boolean(),
    markdown: z.string(),
    version: z.number().int(),
    updatedBy: Person.nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "Report" });
export type Report = z.infer<typeof Report>;

/** Save the editor's text over `expectedVersion` (0 for the first save); a stale version is 409 with the current report. */
export const ReportSave = z
  .strictObject({ markdown: z.string().max(MAX_REPORT_CHARS), expectedVersion: z.number().int().min(0) })
  .meta({ id: "ReportSave" });
export type ReportSave = z.infer<typeof ReportSave>;

export const ACTION_STATUSES = ["open", "in-progress", "done"] as const;
export const ActionStatus = z.enum(ACTION_STATUSES);

export const ActionItem = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.string().nullable(),
    owner: Person.nullable(),
    dueDate: z.string().nullable(),
    status: ActionStatus,
    createdAt: z.string(),
  })
  .meta({ id: "ActionItem" });
export type ActionItem = z.infer<typeof ActionItem>;

const DateOnly = z.iso.date({ error: "must be a date (YYYY-MM-DD)" });

export const ActionItemCreate = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    kind: z.enum(["mitigate", "prevent", "detect", "other"]).optional(),
    ownerId: Id.nullish(),
    dueDate: DateOnly.nullish(),
    status: ActionStatus.default("open"),
  })
  .meta({ id: "ActionItemCreate" });
export type ActionItemCreate = z.infer<typeof ActionItemCreate>;
export type ActionItemCreateInput = z.input<typeof ActionItemCreate>;

export const ActionItemPatch = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    ownerId: Id.nullish(),
    dueDate: DateOnly.nullish(),
    status: ActionStatus.optional(),
  })
  .meta({ id: "ActionItemPatch" });
export type ActionItemPatch = z.infer<typeof ActionItemPatch>;
export type ActionItemPatchInput = z.input<typeof ActionItemPatch>;

// ─── share links ──────────────────────────────────────────────────────────────────────────────────────────────

export const ShareLink = z
  .object({
    id: z.string(),
    prefix: z.string(),
    includeEvidence: z.boolean(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdBy: Person.nullable(),
    createdAt: z.string(),
    lastViewedAt: z.string().nullable(),
    active: z.boolean(),
  })
  .meta({ id: "ShareLink" });
export type ShareLink = z.infer<typeof ShareLink>;

export const ShareLinkCreate = z
  .strictObject({
    expiresAt: Timestamp.nullish(),
    includeEvidence: z.boolean().default(false),
  })
  .meta({ id: "ShareLinkCreate" });
export type ShareLinkCreate = z.infer<typeof ShareLinkCreate>;
export type ShareLinkCreateInput = z.input<typeof ShareLinkCreate>;

/** The token is in this answer only; the server keeps its sha256. */
export const ShareLinkCreated = z
  .object({ link: ShareLink, token: z.string(), path: z.string() })
  .meta({ id: "ShareLinkCreated" });
export type ShareLinkCreated = z.infer<typeof ShareLinkCreated>;

export const ShareToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a share token");

// ─── presence ─────────────────────────────────────────────────────────────────────────────────────────────────

export const PresenceList = z.array(z.object({ userId: z.string(), name: z.string(), lastSeen: z.string() })).meta({ id: "Presence" });
export type PresenceList = z.infer<typeof PresenceList>;

// ─── linked nodes ─────────────────────────────────────────────────────────────────────────────────────────────

/** A node linked to the incident, with its cluster's CNI (kernel and MTUs come from the node's facts). */
export const IncidentNode = ClusterNode.extend({
  cluster: z.object({ id: z.string(), name: z.string(), cni: z.string().nullable(), cniMode: z.string().nullable(), underlayMtu: z.number().int().nullable(), overlayMtu: z.number().int().nullable() }),
  linkedAt: z.string(),
}).meta({ id: "IncidentNode" });
export type IncidentNode = z.infer<typeof IncidentNode>;

export const IncidentNodeLink = z.strictObject({ nodeIds: z.array(Id).min(1).max(200) }).meta({ id: "IncidentNodeLink" });
export type IncidentNodeLink = z.infer<typeof IncidentNodeLink>;
