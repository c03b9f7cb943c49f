"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch, ApiError } from "./api";
import type { IncidentFilters } from "./filters";
import { queryKeys } from "./keys";
import { Incident, page, single, type IncidentStatus, type Severity } from "./models";

const PAGE_SIZE = 25;

export type CreateIncidentInput = {
  title: string;
  severity: Severity;
  startedAt: string;
  clusterId?: string;
  detectedAt?: string;
  commander?: string;
  summary?: string;
};

export type UpdateIncidentInput = Partial<Omit<CreateIncidentInput, "clusterId">> & { clusterId?: string | null };

export function useIncidents(filters: IncidentFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.incidents.list(filters),
    queryFn: ({ pageParam, signal }) =>
      apiFetch(page(Incident), "GET", "/incidents", {
        query: { ...filters, limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useIncident(id: string, initialData?: Incident) {
  return useQuery({
    queryKey: queryKeys.incidents.detail(id),
    // the war room's server render hands the incident over, so the first HTML carries it
    initialData,
    queryFn: async ({ signal }) => (await apiFetch(single(Incident), "GET", `/incidents/${id}`, { signal })).data,
    // A missing incident will not appear by retrying.
    retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
  });
}

export function useCreateIncident() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateIncidentInput) =>
      (await apiFetch(single(Incident), "POST", "/incidents", { body: input })).data,
    onSuccess: (incident) => {
      qc.setQueryData(queryKeys.incidents.detail(incident.id), incident);
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.lists() });
    },
  });
}

export function useUpdateIncident(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: UpdateIncidentInput) =>
      (await apiFetch(single(Incident), "PATCH", `/incidents/${id}`, { body: input })).data,
    onSuccess: (incident) => {
      qc.setQueryData(queryKeys.incidents.detail(id), incident);
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.lists() });
    },
  });
}

export type ChangeStatusInput = { to: IncidentStatus; expectedVersion: number; note?: string };

/**
 * Status changes are guarded by `expectedVersion`. On 409 the server returns the current incident in
 * the error body; it goes straight into the cache so the page shows the real state at once.
 */
export function useChangeIncidentStatus(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: ChangeStatusInput) =>
      (await apiFetch(single(Incident), "POST", `/incidents/${id}/status`, { body: input })).data,
    onSuccess: (incident) => {
      qc.setQueryData(queryKeys.incidents.detail(id), incident);
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.timeline(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.lists() });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) {
        const current = Incident.safeParse(err.current);
        if (current.success) qc.setQueryData(queryKeys.incidents.detail(id), current.data);
      }
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.detail(id) });
      void qc.invalidateQueries({ queryKey: queryKeys.incidents.timeline(id) });
    },
  });
}
