import { z } from "zod";
import { Id, PageQuery, Timestamp, optionalText, queryFilter } from "./common";

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const INCIDENT_STATUSES = ["open", "mitigated", "resolved"] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Which status may follow which. Anything else is 422 invalid_transition. */
export const STATUS_TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ["mitigated", "resolved"],
  mitigated: ["resolved", "open"],
  resolved: ["open"],
};

const incidentFields = {
  clusterId: Id.nullish(),
  title: z.string().trim().min(1).max(200),
  severity: Severity,
  startedAt: Timestamp,
  detectedAt: Timestamp.nullish(),
  commander: optionalText(120),
  summary: optionalText(20_000),
};

export const IncidentCreate = z.strictObject({
  ...incidentFields,
  // An incident opened during the outage starts "now" unless the form says otherwise.
  startedAt: incidentFields.startedAt.optional(),
});
export type IncidentCreate = z.infer<typeof IncidentCreate>;

/** Status is not patchable: it changes only through POST /incidents/{id}/status. */
export const IncidentPatch = z.strictObject(incidentFields).partial();
export type IncidentPatch = z.infer<typeof IncidentPatch>;

export const IncidentStatusChange = z.strictObject({
  to: IncidentStatus,
  expectedVersion: z.number().int().min(1).max(2_147_483_647),
  note: optionalText(10_000),
});
export type IncidentStatusChange = z.infer<typeof IncidentStatusChange>;

export const IncidentListQuery = PageQuery.extend({
  status: queryFilter(IncidentStatus),
  clusterId: queryFilter(Id),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

export const Incident = z.object({
  id: z.string(),
  clusterId: z.string().nullable(),
  cluster: z.object({ id: z.string(), name: z.string() }).nullable(),
  title: z.string(),
  severity: Severity,
  status: IncidentStatus,
  startedAt: z.string(),
  detectedAt: z.string().nullable(),
  mitigatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  commander: z.string().nullable(),
  summary: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Incident = z.infer<typeof Incident>;
