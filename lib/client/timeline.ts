"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "./api";
import { queryKeys } from "./keys";
import { page, single, TimelineEvent, type WritableTimelineKind } from "./models";

const PAGE_SIZE = 100;

/** Oldest first; later pages hold newer events. */
export function useTimeline(incidentId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.incidents.timeline(incidentId),
    queryFn: ({ pageParam, signal }) =>
      apiFetch(page(TimelineEvent), "GET", `/incidents/${incidentId}/timeline`, {
        query: { limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export type AddTimelineEventInput = { kind: WritableTimelineKind; body: string; at?: string };

export function useAddTimelineEvent(incidentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: AddTimelineEventInput) =>
      (await apiFetch(single(TimelineEvent), "POST", `/incidents/${incidentId}/timeline`, { body: input })).data,
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.incidents.timeline(incidentId) }),
  });
}
