"use client";

// TanStack Query hooks of the war room: one per query or mutation. Shapes come from the shared contract
// (lib/schemas), parsed at the edge by apiFetch.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { AnalysisQueued, AnalysisState } from "@/lib/schemas/analysis";
import { EvidenceItem } from "@/lib/schemas/evidence";
import { CounterSeries } from "@/lib/schemas/snapshot";
import {
  ActionItem,
  ChartData,
  ChecklistView,
  ChecklistEntry,
  CompareSources,
  Comparison,
  FindingList,
  IncidentNode,
  PresenceList,
  Report,
  ShareLink,
  ShareLinkCreated,
  type ActionItemCreateInput as ActionItemCreate,
  type ActionItemPatchInput as ActionItemPatch,
  type ChecklistEntryPatchInput as ChecklistEntryPatch,
  type ManualCheckCreateInput as ManualCheckCreate,
  type ShareLinkCreateInput as ShareLinkCreate,
} from "@/lib/schemas/warroom";
import { ApiError, apiFetch } from "./api";
import { queryKeys } from "./keys";
import { page, single } from "./models";

const noRetry4xx = (count: number, err: unknown) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2;
const K = queryKeys.incidents;

export function useChecklist(id: string, initialData?: ChecklistView, enabled = true) {
  return useQuery({
    queryKey: K.checklist(id),
    enabled,
    queryFn: async ({ signal }) => (await apiFetch(single(ChecklistView), "GET", `/incidents/${id}/checklist`, { signal })).data,
    initialData,
    retry: noRetry4xx,
  });
}

export function useFindings(id: string, initialData?: FindingList, enabled = true) {
  return useQuery({
    queryKey: K.findings(id),
    enabled,
    queryFn: async ({ signal }) => (await apiFetch(single(FindingList), "GET", `/incidents/${id}/findings`, { signal })).data,
    initialData,
    retry: noRetry4xx,
  });
}

export function useAnalysis(id: string, initialData?: AnalysisState) {
  return useQuery({
    queryKey: K.analysis(id),
    queryFn: async ({ signal }) => (await apiFetch(single(AnalysisState), "GET", `/incidents/${id}/analysis`, { signal })).data,
    initialData,
    retry: noRetry4xx,
  });
}

export function useEvidence(id: string, initialData?: EvidenceItem[]) {
  return useQuery({
    queryKey: K.evidence(id),
    queryFn: async ({ signal }) => (await apiFetch(page(EvidenceItem), "GET", `/incidents/${id}/evidence`, { query: { limit: 100 }, signal })).data,
    initialData,
    retry: noRetry4xx,
  });
}

export function useCharts(id: string, enabled = true) {
  return useQuery({
    queryKey: K.charts(id),
    queryFn: async ({ signal }) => (await apiFetch(single(ChartData), "GET", `/incidents/${id}/charts`, { signal })).data,
    enabled,
    retry: noRetry4xx,
  });
}

export function useIncidentNodes(id: string, initialData?: IncidentNode[]) {
  return useQuery({
    queryKey: K.nodes(id),
    queryFn: async ({ signal }) => (await apiFetch(single(z.array(IncidentNode)), "GET", `/incidents/${id}/nodes`, { signal })).data,
    initialData,
    retry: noRetry4xx,
  });
}

export function useNodeCounters(incidentId: string, nodes: Array<{ id: string; name: string }>, counter: string, enabled = true) {
  return useQuery({
    queryKey: [...K.counters(incidentId, counter), nodes.map((n) => n.id).join(",")],
    queryFn: async ({ signal }) =>
      Promise.all(
        nodes.map(async (n) => ({
          node: n.name,
          series: (await apiFetch(single(CounterSeries), "GET", `/nodes/${n.id}/counters`, { query: { names: counter }, signal })).data,
        })),
      ),
    enabled: enabled && nodes.length > 0,
    retry: noRetry4xx,
  });
}

export function usePresence(id: string) {
  return useQuery({
    queryKey: K.presence(id),
    queryFn: async ({ signal }) => (await apiFetch(single(PresenceList), "GET", `/incidents/${id}/presence`, { signal })).data,
    retry: noRetry4xx,
  });
}

export function useReport(id: string, enabled = true) {
  return useQuery({
    queryKey: K.report(id),
    queryFn: async ({ signal }) => (await apiFetch(single(Report), "GET", `/incidents/${id}/report`, { signal })).data,
    enabled,
    retry: noRetry4xx,
  });
}

export function useActionItems(id: string, enabled = true) {
  return useQuery({
    queryKey: K.actionItems(id),
    queryFn: async ({ signal }) => (await apiFetch(single(z.array(ActionItem)), "GET", `/incidents/${id}/action-items`, { signal })).data,
    enabled,
    retry: noRetry4xx,
  });
}

export function useShareLinks(id: string, enabled = true) {
  return useQuery({
    queryKey: K.shareLinks(id),
    queryFn: async ({ signal }) => (await apiFetch(single(z.array(ShareLink)), "GET", `/incidents/${id}/share-links`, { signal })).data,
    enabled,
    retry: noRetry4xx,
  });
}

export function useCompareSources(id: string, enabled = true) {
  return useQuery({
    queryKey: K.compareSources(id),
    queryFn: async ({ signal }) => (await apiFetch(single(CompareSources), "GET", `/incidents/${id}/compare/sources`, { signal })).data,
    enabled,
    retry: noRetry4xx,
  });
}

export function useCompare(id: string, a: string | null, b: string | null) {
  return useQuery({
    queryKey: K.compare(id, a ?? "", b ?? ""),
    queryFn: async ({ signal }) => (await apiFetch(single(Comparison), "GET", `/incidents/${id}/compare`, { query: { a, b }, signal })).data,
    enabled: Boolean(a && b && a !== b),
    retry: noRetry4xx,
  });
}

// ─── mutations ────────────────────────────────────────────────────────────────────────────────────────────────

export function useChecklistEntry(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ key, patch }: { key: string; patch: ChecklistEntryPatch }) =>
      (await apiFetch(single(ChecklistEntry), "PATCH", `/incidents/${id}/checklist/${encodeURIComponent(key)}`, { body: patch })).data,
    // the stored entry goes into the checklist at once (no flicker back while the refetch runs)
    onSuccess: (e) =>
      qc.setQueryData<ChecklistView>(K.checklist(id), (c) =>
        c
          ? {
              ...c,
              steps: c.steps.map((s) => ({
                ...s,
                items: s.items.map((i) =>
                  i.key === e.key
                    ? { ...i, ticked: e.ticked, note: e.note, status: i.manual && e.result ? e.result : i.status, entry: { version: e.version, updatedBy: e.updatedBy, updatedAt: e.updatedAt } }
                    : i,
                ),
              })),
            }
          : c,
      ),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: K.checklist(id) });
      void qc.invalidateQueries({ queryKey: K.timeline(id) });
    },
  });
}

export function useAddManualCheck(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: ManualCheckCreate) =>
      (await apiFetch(single(ChecklistEntry), "POST", `/incidents/${id}/checklist`, { body: input })).data,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: K.checklist(id) });
      void qc.invalidateQueries({ queryKey: K.timeline(id) });
    },
  });
}

export function useDecideFinding(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ findingId, verdict, reason }: { findingId: string; verdict: "confirmed" | "rejected" | "open"; reason?: string }) =>
      (await apiFetch(single(FindingList), "POST", `/incidents/${id}/findings/${findingId}/decision`, { body: { verdict, reason } })).data,
    onSuccess: (data) => qc.setQueryData(K.findings(id), data),
    onSettled: () => {
      for (const k of [K.findings(id), K.checklist(id), K.timeline(id), K.report(id)]) void qc.invalidateQueries({ queryKey: k });
    },
  });
}

export function useRunAnalysis(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => (await apiFetch(single(AnalysisQueued), "POST", `/incidents/${id}/analysis`, { body: {} })).data,
    onSettled: () => void qc.invalidateQueries({ queryKey: K.analysis(id) }),
  });
}

export function useSaveReport(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { markdown: string; expectedVersion: number }) =>
      (await apiFetch(single(Report), "PUT", `/incidents/${id}/report`, { body: input })).data,
    onSuccess: (r) => qc.setQueryData(K.report(id), r),
  });
}

export function useAddActionItem(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: ActionItemCreate) => (await apiFetch(single(ActionItem), "POST", `/incidents/${id}/action-items`, { body: input })).data,
    onSettled: () => void qc.invalidateQueries({ queryKey: K.actionItems(id) }),
  });
}

export function useUpdateActionItem(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ itemId, patch }: { itemId: string; patch: ActionItemPatch }) =>
      (await apiFetch(single(ActionItem), "PATCH", `/incidents/${id}/action-items/${itemId}`, { body: patch })).data,
    onSettled: () => void qc.invalidateQueries({ queryKey: K.actionItems(id) }),
  });
}

export function useCreateShareLink(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: Partial<ShareLinkCreate>) =>
      (await apiFetch(single(ShareLinkCreated), "POST", `/incidents/${id}/share-links`, { body: input })).data,
    onSettled: () => void qc.invalidateQueries({ queryKey: K.shareLinks(id) }),
  });
}

export function useRevokeShareLink(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (linkId: string) => (await apiFetch(single(ShareLink), "DELETE", `/incidents/${id}/share-links/${linkId}`)).data,
    onSettled: () => void qc.invalidateQueries({ queryKey: K.shareLinks(id) }),
  });
}

export function useLinkNodes(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (nodeIds: string[]) => (await apiFetch(single(z.array(IncidentNode)), "POST", `/incidents/${id}/nodes`, { body: { nodeIds } })).data,
    onSuccess: (nodes) => qc.setQueryData(K.nodes(id), nodes),
    onSettled: () => void qc.invalidateQueries({ queryKey: K.checklist(id) }),
  });
}

export function useUnlinkNode(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (nodeId: string) => (await apiFetch(single(z.array(IncidentNode)), "DELETE", `/incidents/${id}/nodes/${nodeId}`)).data,
    onSuccess: (nodes) => qc.setQueryData(K.nodes(id), nodes),
  });
}
