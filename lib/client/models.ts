import { z } from "zod";

// Response shapes of the REST API (/api/v1), parsed at the edge so a contract drift shows up as one
// clear error instead of `undefined` deep inside a component. Optional fields arrive as null from the
// database or are absent, so both are accepted (`nullish`). Unknown extra fields are stripped.

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export const INCIDENT_STATUSES = ["open", "mitigated", "resolved"] as const;
export const TIMELINE_KINDS = ["note", "detection", "diagnosis", "repair", "key-moment", "status-change"] as const;
// status-change events only come from the status endpoint, never from the add-note form.
export const WRITABLE_TIMELINE_KINDS = ["note", "detection", "diagnosis", "repair", "key-moment"] as const;
export const CNIS = [
  "flannel",
  "calico",
  "cilium",
  "weave",
  "canal",
  "kube-router",
  "aws-vpc-cni",
  "azure-cni",
  "other",
] as const;
export const KUBE_PROXY_MODES = ["iptables", "ipvs", "nftables", "ebpf", "none"] as const;
export const NODE_ROLES = ["control-plane", "worker", "other"] as const;

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
  author: z.string().nullish(),
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

// Allowed status transitions, mirrored from the API contract so the UI only offers legal buttons.
export const STATUS_TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ["mitigated", "resolved"],
  mitigated: ["resolved", "open"],
  resolved: ["open"],
};
