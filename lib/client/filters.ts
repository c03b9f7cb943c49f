import { INCIDENT_STATUSES, type IncidentStatus } from "./models";

// Typed URL state for /incidents. Unknown or malformed values are dropped rather than sent on to the
// API, so a hand-edited URL shows an unfiltered list instead of an error.
export type IncidentFilters = { status?: IncidentStatus; clusterId?: string };

type RawSearchParams = Record<string, string | string[] | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function parseIncidentFilters(sp: RawSearchParams): IncidentFilters {
  const out: IncidentFilters = {};
  const status = first(sp.status);
  if (status && (INCIDENT_STATUSES as readonly string[]).includes(status)) out.status = status as IncidentStatus;
  const clusterId = first(sp.clusterId);
  if (clusterId && isUuid(clusterId)) out.clusterId = clusterId.toLowerCase();
  return out;
}

export function incidentFiltersToSearch(f: IncidentFilters): string {
  const p = new URLSearchParams();
  if (f.status) p.set("status", f.status);
  if (f.clusterId) p.set("clusterId", f.clusterId);
  const s = p.toString();
  return s ? `?${s}` : "";
}
