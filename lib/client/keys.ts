import type { IncidentFilters } from "./filters";

// Structured query keys: invalidating a prefix (e.g. queryKeys.incidents.lists()) refreshes every
// filtered list at once without touching detail caches.
export const queryKeys = {
  incidents: {
    all: ["incidents"] as const,
    lists: () => [...queryKeys.incidents.all, "list"] as const,
    list: (filters: IncidentFilters) => [...queryKeys.incidents.lists(), filters] as const,
    details: () => [...queryKeys.incidents.all, "detail"] as const,
    detail: (id: string) => [...queryKeys.incidents.details(), id] as const,
    timeline: (id: string) => [...queryKeys.incidents.detail(id), "timeline"] as const,
    // the war room: everything under detail(id) is refetched together after a reconnect
    checklist: (id: string) => [...queryKeys.incidents.detail(id), "checklist"] as const,
    findings: (id: string) => [...queryKeys.incidents.detail(id), "findings"] as const,
    analysis: (id: string) => [...queryKeys.incidents.detail(id), "analysis"] as const,
    evidence: (id: string) => [...queryKeys.incidents.detail(id), "evidence"] as const,
    charts: (id: string) => [...queryKeys.incidents.detail(id), "charts"] as const,
    report: (id: string) => [...queryKeys.incidents.detail(id), "report"] as const,
    actionItems: (id: string) => [...queryKeys.incidents.detail(id), "action-items"] as const,
    shareLinks: (id: string) => [...queryKeys.incidents.detail(id), "share-links"] as const,
    presence: (id: string) => [...queryKeys.incidents.detail(id), "presence"] as const,
    nodes: (id: string) => [...queryKeys.incidents.detail(id), "nodes"] as const,
    compareSources: (id: string) => [...queryKeys.incidents.detail(id), "compare-sources"] as const,
    compare: (id: string, a: string, b: string) => [...queryKeys.incidents.detail(id), "compare", a, b] as const,
    counters: (id: string, counter: string) => [...queryKeys.incidents.detail(id), "counters", counter] as const,
  },
  clusters: {
    all: ["clusters"] as const,
    lists: () => [...queryKeys.clusters.all, "list"] as const,
    list: (q: string) => [...queryKeys.clusters.lists(), { q }] as const,
    details: () => [...queryKeys.clusters.all, "detail"] as const,
    detail: (id: string) => [...queryKeys.clusters.details(), id] as const,
    nodes: (id: string) => [...queryKeys.clusters.detail(id), "nodes"] as const,
  },
} as const;
