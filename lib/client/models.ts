import { z } from "zod";
import { CNIS, KUBE_PROXY_MODES } from "@/lib/schemas/cluster";
import { INCIDENT_STATUSES, SEVERITIES, STATUS_TRANSITIONS } from "@/lib/schemas/incident";
import { NODE_ROLES } from "@/lib/schemas/node";
import { TIMELINE_KINDS } from "@/lib/schemas/timeline";

// Response shapes of the REST API (/api/v1), parsed at the edge so a contract drift shows up as one
// clear error instead of `undefined` deep inside a component. Optional fields arrive as null from the
// database or are absent, so both are accepted (`nullish`). Unknown extra fields are stripped.

// Enumerations and transitions come from the shared contract (lib/schemas) so the UI can never offer a
// value the API would refuse.

export { CNIS, INCIDENT_STATUSES, KUBE_PROXY_MODES, NODE_ROLES, SEVERITIES, STATUS_TRANSITIONS, TIMELINE_KINDS };
// status-change events only come from the status endpoint, never from the add-note form.
export const WRITABLE_TIMELINE_KINDS = TIMELINE_KINDS.filter(
  (k): k is Exclude<(typeof TIMELINE_KINDS)[number], "status-change"> => k !== "status-change",
);

export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;
export const TimelineKind = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKind>;
export type WritableTimelineKind = (typeof WRITABLE_TIMELINE_KINDS)[number];
export const Cni = z.enum(CNIS);
export type Cni = z.infer<typeof Cni>;
export const KubeProxyMode = z.enum(KUBE_PROXY_MODES);
export type KubeProxyMode = z.infer<typeof KubeProxyMode>;
export const NodeRole = z.enum(NODE_ROLES);
export type NodeRole = z.infer<typeof NodeRole>;

export const Cluster = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.string().nullish(),
  kubernetesVersion: z.string().nullish(),
  cni: z.string().nullish(),
  cniMode: z.string().nullish(),
  underlayMtu: z.number().nullish(),
  overlayMtu: z.number().nullish(),
  nodePortRange: z.string().nullish(),
  podCidr: z.string().nullish(),
  serviceCidr: z.string().nullish(),
  kubeProxyMode: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Cluster = z.infer<typeof Cluster>;

export const ClusterNode = z.object({
  id: z.string(),
  clusterId: z.string(),
  name: z.string(),
  role: z.string(),
  addresses: z.array(z.string()).nullish().transform((a) => a ?? []),
  kernelVersion: z.string().nullish(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

export const Incident = z.object({
  id: z.string(),
  clusterId: z.string().nullish(),
  cluster: z.object({ id: z.string(), name: z.string() }).nullish(),
  title: z.string(),
  severity: Severity,
  status: IncidentStatus,
  startedAt: z.string(),
  detectedAt: z.string().nullish(),
  mitigatedAt: z.string().nullish(),
  resolvedAt: z.string().nullish(),
  commander: z.string().nullish(),
  summary: z.string().nullish(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Incident = z.infer<typeof Incident>;

export const TimelineEvent = z.object({
  id: z.string(),
  incidentId: z.string(),
  at: z.string(),
  kind: TimelineKind,
  /** the signed-in user who wrote it (id null: free text from before accounts) */
  author: z.object({ id: z.string().nullable(), name: z.string() }).nullish(),
  body: z.string(),
  createdAt: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export function single<T extends z.ZodType>(item: T) {
  return z.object({ data: item });
}

export function page<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullish().transform((c) => c ?? null) });
}

export type Page<T> = { data: T[]; nextCursor: string | null };
