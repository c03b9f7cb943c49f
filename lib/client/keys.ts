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
