"use client";

// The war room's live updates: one EventSource per incident page. Events carry ids only; each kind invalidates
// the queries that show it, and a reconnect (after an error) or a resync refetches everything of the incident,
// since what happened while the stream was down may not all be replayed.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { API_BASE } from "./api";
import { queryKeys } from "./keys";

const K = queryKeys.incidents;

type Kind = "timeline" | "evidence" | "analysis" | "job" | "checklist" | "finding" | "report" | "share" | "presence" | "node";

export function keysFor(id: string, kind: Kind): ReadonlyArray<readonly unknown[]> {
  switch (kind) {
    case "timeline":
      return [K.timeline(id)];
    case "evidence":
      return [K.evidence(id), K.analysis(id)];
    case "job":
      return [K.analysis(id), K.evidence(id)];
    case "analysis":
      return [K.analysis(id), K.checklist(id), K.findings(id), K.charts(id), K.report(id), K.compareSources(id)];
    case "checklist":
      return [K.checklist(id), K.timeline(id)];
    case "finding":
      return [K.findings(id), K.checklist(id), K.timeline(id), K.report(id)];
    case "report":
      return [K.report(id), K.actionItems(id)];
    case "share":
      return [K.shareLinks(id)];
    case "presence":
      return [K.presence(id)];
    case "node":
      return [K.nodes(id), K.checklist(id), K.compareSources(id)];
  }
}

export type LiveState = "connecting" | "live" | "reconnecting";

export function useLiveIncident(id: string): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const es = new EventSource(`${API_BASE}/incidents/${id}/events`);
    let broken = false;
    const refetchAll = () => void qc.invalidateQueries({ queryKey: K.detail(id) });
    es.onmessage = (e: MessageEvent<string>) => {
      let kind: Kind;
      try {
        kind = (JSON.parse(e.data) as { kind: Kind }).kind;
      } catch {
        return;
      }
      for (const key of keysFor(id, kind) ?? []) void qc.invalidateQueries({ queryKey: key });
      // a status change is a timeline event: the header (the incident itself) follows
      if (kind === "timeline") void qc.invalidateQueries({ queryKey: K.detail(id), exact: true });
    };
    es.addEventListener("ready", () => {
      if (broken) refetchAll();
      broken = false;
      setState("live");
    });
    es.addEventListener("resync", refetchAll);
    es.onerror = () => {
      broken = true;
      setState("reconnecting");
    };
    return () => es.close();
  }, [id, qc]);
  return state;
}
