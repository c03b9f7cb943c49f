import { Cidr, KubernetesVersion } from "@/lib/schemas/cluster";
import { IpAddress } from "@/lib/schemas/node";
import type { CreateClusterInput, CreateNodeInput } from "./clusters";
import type { CreateIncidentInput } from "./incidents";
import { isUuid } from "./filters";
import {
  CNIS,
  KUBE_PROXY_MODES,
  NODE_ROLES,
  SEVERITIES,
  WRITABLE_TIMELINE_KINDS,
  type Cni,
  type KubeProxyMode,
  type NodeRole,
  type Severity,
  type WritableTimelineKind,
} from "./models";
import { parseDateTimeLocal, toIsoWithOffset } from "./time";

// Client-side checks mirror the API bounds (see the REST contract) so people get an answer before a
// round trip; the server stays the authority and its issues are shown the same way.

export type FieldErrors<K extends string> = Partial<Record<K, string>>;
export type Validated<T, K extends string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<K> };

function has(o: object): boolean {
  return Object.keys(o).length > 0;
}

function oneOf<T extends string>(list: readonly T[], v: string): v is T {
  return (list as readonly string[]).includes(v);
}

export function isIp(s: string): boolean {
  return IpAddress.safeParse(s).success;
}

export function isCidr(s: string): boolean {
  return Cidr.safeParse(s).success;
}

// ---------------------------------------------------------------------------------------------- incident

export type IncidentFormValues = {
  title: string;
  severity: string;
  clusterId: string;
  startedAt: string;
  detectedAt: string;
  commander: string;
  summary: string;
};
export type IncidentField = keyof IncidentFormValues;

export const INCIDENT_LIMITS = { title: 200, commander: 120, summary: 20000 } as const;

export function validateIncident(v: IncidentFormValues): Validated<CreateIncidentInput, IncidentField> {
  const errors: FieldErrors<IncidentField> = {};
  const title = v.title.trim();
  if (!title) errors.title = "Give the incident a title.";
  else if (title.length > INCIDENT_LIMITS.title) errors.title = `At most ${INCIDENT_LIMITS.title} characters (now ${title.length}).`;

  if (!oneOf(SEVERITIES, v.severity)) errors.severity = "Pick a severity.";
  if (v.clusterId && !isUuid(v.clusterId)) errors.clusterId = "Pick a cluster from the list.";

  const started = v.startedAt ? parseDateTimeLocal(v.startedAt) : null;
  if (!v.startedAt) errors.startedAt = "When did it start?";
  else if (!started) errors.startedAt = "Not a valid date and time.";

  const detected = v.detectedAt ? parseDateTimeLocal(v.detectedAt) : null;
  if (v.detectedAt && !detected) errors.detectedAt = "Not a valid date and time.";
  else if (started && detected && detected.getTime() < started.getTime())
    errors.detectedAt = "Detection cannot be before the start.";

  const commander = v.commander.trim();
  if (commander.length > INCIDENT_LIMITS.commander) errors.commander = `At most ${INCIDENT_LIMITS.commander} characters.`;
  if (v.summary.length > INCIDENT_LIMITS.summary) errors.summary = `At most ${INCIDENT_LIMITS.summary} characters.`;

  if (has(errors) || !started) return { ok: false, errors };
  const value: CreateIncidentInput = {
    title,
    severity: v.severity as Severity,
    startedAt: toIsoWithOffset(started),
  };
  if (v.clusterId) value.clusterId = v.clusterId;
  if (detected) value.detectedAt = toIsoWithOffset(detected);
  if (commander) value.commander = commander;
  if (v.summary.trim()) value.summary = v.summary;
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------- timeline

/** The author is the signed-in user (attribution is the server's), so the form has no author field. */
export type NoteFormValues = { kind: string; body: string };
export type NoteField = keyof NoteFormValues;
export const NOTE_LIMITS = { body: 10000 } as const;

export function validateNote(v: NoteFormValues): Validated<{ kind: WritableTimelineKind; body: string }, NoteField> {
  const errors: FieldErrors<NoteField> = {};
  if (!oneOf(WRITABLE_TIMELINE_KINDS, v.kind)) errors.kind = "Pick a kind.";
  if (!v.body.trim()) errors.body = "Write something first.";
  else if (v.body.length > NOTE_LIMITS.body) errors.body = `At most ${NOTE_LIMITS.body} characters.`;
  if (has(errors)) return { ok: false, errors };
  return { ok: true, value: { kind: v.kind as WritableTimelineKind, body: v.body.trim() } };
}

// ---------------------------------------------------------------------------------------------- cluster

export type ClusterFormValues = {
  name: string;
  provider: string;
  kubernetesVersion: string;
  cni: string;
  cniMode: string;
  underlayMtu: string;
  overlayMtu: string;
  nodePortRange: string;
  podCidr: string;
  serviceCidr: string;
  kubeProxyMode: string;
};
export type ClusterField = keyof ClusterFormValues;

export const CLUSTER_LIMITS = { name: 120, provider: 60, kubernetesVersion: 40, cniMode: 40, cidr: 64 } as const;
export const MTU_MIN = 576;
export const MTU_MAX = 9216;

function mtu(raw: string): number | string | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  if (!/^\d+$/.test(s)) return "Whole number of bytes.";
  const n = Number(s);
  if (n < MTU_MIN || n > MTU_MAX) return `Between ${MTU_MIN} and ${MTU_MAX}.`;
  return n;
}

export function checkNodePortRange(s: string): string | null {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(s);
  if (!m) return "Format: low-high, e.g. 30000-32767.";
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  if (lo < 1 || hi > 65535) return "Ports are 1..65535.";
  if (lo > hi) return "Low port must not exceed high port.";
  return null;
}

export function validateCluster(v: ClusterFormValues): Validated<CreateClusterInput, ClusterField> {
  const errors: FieldErrors<ClusterField> = {};
  const t = (k: ClusterField) => v[k].trim();
  const value: CreateClusterInput = { name: t("name") };

  if (!value.name) errors.name = "Name is required.";
  else if (value.name.length > CLUSTER_LIMITS.name) errors.name = `At most ${CLUSTER_LIMITS.name} characters.`;

  const lim = (k: "provider" | "kubernetesVersion" | "cniMode", max: number) => {
    const s = t(k);
    if (s.length > max) errors[k] = `At most ${max} characters.`;
    else if (s) value[k] = s;
  };
  lim("provider", CLUSTER_LIMITS.provider);
  lim("kubernetesVersion", CLUSTER_LIMITS.kubernetesVersion);
  lim("cniMode", CLUSTER_LIMITS.cniMode);
  if (value.kubernetesVersion && !errors.kubernetesVersion && !KubernetesVersion.safeParse(value.kubernetesVersion).success) {
    errors.kubernetesVersion = "A version such as 1.24.3 or v1.29.4-eks-1.";
    delete value.kubernetesVersion;
  }

  if (t("cni")) {
    if (oneOf(CNIS, t("cni"))) value.cni = t("cni") as Cni;
    else errors.cni = "Pick a CNI from the list.";
  }
  if (t("kubeProxyMode")) {
    if (oneOf(KUBE_PROXY_MODES, t("kubeProxyMode"))) value.kubeProxyMode = t("kubeProxyMode") as KubeProxyMode;
    else errors.kubeProxyMode = "Pick a mode from the list.";
  }

  for (const k of ["underlayMtu", "overlayMtu"] as const) {
    const r = mtu(v[k]);
    if (typeof r === "string") errors[k] = r;
    else if (r !== undefined) value[k] = r;
  }
  if (typeof value.underlayMtu === "number" && typeof value.overlayMtu === "number" && value.overlayMtu > value.underlayMtu)
    errors.overlayMtu = "Overlay MTU larger than the underlay MTU: encapsulated packets would not fit.";

  if (t("nodePortRange")) {
    const err = checkNodePortRange(t("nodePortRange"));
    if (err) errors.nodePortRange = err;
    else value.nodePortRange = t("nodePortRange");
  }
  for (const k of ["podCidr", "serviceCidr"] as const) {
    const s = t(k);
    if (!s) continue;
    if (s.length > CLUSTER_LIMITS.cidr || !isCidr(s)) errors[k] = "A CIDR such as 10.244.0.0/16.";
    else value[k] = s;
  }

  if (has(errors)) return { ok: false, errors };
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------- node

export type NodeFormValues = { name: string; role: string; addresses: string; kernelVersion: string };
export type NodeField = keyof NodeFormValues;
export const NODE_LIMITS = { name: 253, addresses: 16, kernelVersion: 80 } as const;

export function splitAddresses(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

export function validateNode(v: NodeFormValues): Validated<CreateNodeInput, NodeField> {
  const errors: FieldErrors<NodeField> = {};
  const name = v.name.trim();
  if (!name) errors.name = "Name is required.";
  else if (name.length > NODE_LIMITS.name) errors.name = `At most ${NODE_LIMITS.name} characters.`;
  if (!oneOf(NODE_ROLES, v.role)) errors.role = "Pick a role.";
  const addresses = splitAddresses(v.addresses);
  const bad = addresses.filter((a) => !isIp(a));
  if (bad.length) errors.addresses = `Not an IP address: ${bad.slice(0, 3).join(", ")}.`;
  else if (addresses.length > NODE_LIMITS.addresses) errors.addresses = `At most ${NODE_LIMITS.addresses} addresses.`;
  const kernelVersion = v.kernelVersion.trim();
  if (kernelVersion.length > NODE_LIMITS.kernelVersion) errors.kernelVersion = `At most ${NODE_LIMITS.kernelVersion} characters.`;
  if (has(errors)) return { ok: false, errors };
  return {
    ok: true,
    value: { name, role: v.role as NodeRole, addresses, ...(kernelVersion ? { kernelVersion } : {}) },
  };
}
