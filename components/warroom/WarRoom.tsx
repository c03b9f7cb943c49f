"use client";

import * as Tabs from "@radix-ui/react-tabs";
import { useEffect, useState, type ReactNode } from "react";
import { useLiveIncident } from "@/lib/client/live";
import type { Incident } from "@/lib/client/models";
import { useChecklist, useFindings } from "@/lib/client/warroom";
import { IncidentView } from "@/components/incident/IncidentView";
import { Charts } from "./charts/Charts";
import { ChecklistPanel } from "./checklist/Checklist";
import { Compare } from "./compare/Compare";
import { EvidenceList } from "./evidence/EvidenceList";
import { LinkedNodes } from "./evidence/LinkedNodes";
import { PasteBox } from "./evidence/PasteBox";
import { AnalysisProgress, UploadBox } from "./evidence/Upload";
import { Findings } from "./findings/Findings";
import { Presence } from "./Presence";
import { ActionItems } from "./report/ActionItems";
import { ReportEditor } from "./report/ReportEditor";
import { ShareLinks } from "./report/ShareLinks";
import { WarRoomTimeline } from "./WarRoomTimeline";

import { WAR_ROOM_TABS, type WarRoomTab } from "./tabs";

export type Viewer = { id: string; name: string; role: "admin" | "responder" | "viewer" };

const TAB_LABEL: Record<WarRoomTab, string> = {
  checklist: "Checklist",
  evidence: "Evidence",
  findings: "Findings",
  charts: "Charts",
  compare: "Compare",
  report: "Report",
  timeline: "Timeline",
};

function Panel({ value, children }: { value: WarRoomTab; children: ReactNode }) {
  return (
    <Tabs.Content value={value} className="pt-4 outline-none" data-testid={`panel-${value}`}>
      {children}
    </Tabs.Content>
  );
}

function Card({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className="card p-4" aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-sm font-semibold text-slate-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The war room: the incident's header, who is here, and the tabs of the guided investigation. */
export function WarRoom({
  incident,
  viewer,
  tab: initialTab,
  people,
  checklist: checklistSlot,
}: {
  incident: Incident;
  viewer: Viewer;
  tab: WarRoomTab;
  people: Array<{ id: string; name: string }>;
  /** the checklist rendered on the server (streamed behind the header); the client one otherwise */
  checklist?: ReactNode;
}) {
  const id = incident.id;
  const live = useLiveIncident(id);
  const canEdit = viewer.role !== "viewer";
  const [tab, setTab] = useState<WarRoomTab>(initialTab);
  // badges read what the panels loaded; they do not fetch on their own
  const checklist = useChecklist(id, undefined, false);
  const findings = useFindings(id, undefined, false);
  const fails = checklist.data?.counts.fail ?? 0;
  const open = (findings.data?.findings ?? []).filter((f) => !f.decision).length;
  const hosts = [...new Set((checklist.data?.steps ?? []).flatMap((s) => s.items.flatMap((i) => i.facts.map((f) => f.host))))].filter((h) => !h.startsWith("("));

  // a cited fact links to its file in the evidence list (#ev-…): open that tab, the list scrolls to it
  useEffect(() => {
    const follow = () => {
      if (window.location.hash.startsWith("#ev-")) setTab("evidence");
    };
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  const onTab = (v: string) => {
    const t = v as WarRoomTab;
    setTab(t);
    const url = new URL(window.location.href);
    if (t === "checklist") url.searchParams.delete("tab");
    else url.searchParams.set("tab", t);
    window.history.replaceState(window.history.state, "", url);
  };

  return (
    <IncidentView id={id} initial={incident}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Presence incidentId={id} selfId={viewer.id} live={live} />
        <div className="min-w-64 text-xs">
          <AnalysisProgress incidentId={id} />
        </div>
      </div>
      <Tabs.Root value={tab} onValueChange={onTab}>
        <Tabs.List aria-label="War room" className="flex flex-wrap gap-1 border-b border-slate-300">
          {WAR_ROOM_TABS.map((t) => (
            <Tabs.Trigger
              key={t}
              value={t}
              className="-mb-px rounded-t-md border border-transparent px-3 py-1.5 text-sm font-medium text-slate-700 hover:text-slate-900 data-[state=active]:border-slate-300 data-[state=active]:border-b-slate-100 data-[state=active]:bg-slate-100 data-[state=active]:text-slate-900"
              data-testid={`tab-${t}`}
            >
              {TAB_LABEL[t]}
              {t === "checklist" && fails > 0 ? <span className="ml-1.5 rounded bg-red-700 px-1 text-[10px] font-semibold text-white">{fails}</span> : null}
              {t === "findings" && open > 0 ? <span className="ml-1.5 rounded bg-slate-700 px-1 text-[10px] font-semibold text-white">{open}</span> : null}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        <Panel value="checklist">
          {checklistSlot ?? <ChecklistPanel incidentId={id} canEdit={canEdit} />}
        </Panel>
        <Panel value="evidence">
          <div className="space-y-4">
            {canEdit ? (
              <div className="grid gap-4 lg:grid-cols-2">
                <Card title="Upload" id="upload-title">
                  <UploadBox incidentId={id} />
                </Card>
                <Card title="Paste" id="paste-title">
                  <PasteBox incidentId={id} hosts={hosts} />
                </Card>
              </div>
            ) : null}
            <Card title="Linked nodes" id="nodes-title">
              <LinkedNodes incidentId={id} clusterId={incident.clusterId ?? null} canEdit={canEdit} />
            </Card>
            <section aria-labelledby="evidence-title">
              <h2 id="evidence-title" className="mb-2 text-sm font-semibold text-slate-900">
                What arrived, per node and time
              </h2>
              <EvidenceList incidentId={id} />
            </section>
          </div>
        </Panel>
        <Panel value="findings">
          <Findings incidentId={id} canEdit={canEdit} />
        </Panel>
        <Panel value="charts">
          <Charts incidentId={id} startedAt={incident.startedAt} />
        </Panel>
        <Panel value="compare">
          <Compare incidentId={id} />
        </Panel>
        <Panel value="report">
          <div className="space-y-4">
            <Card title="Postmortem" id="report-title">
              <ReportEditor incidentId={id} canEdit={canEdit} />
            </Card>
            <div className="grid gap-4 lg:grid-cols-2">
              <Card title="Action items" id="actions-title">
                <ActionItems incidentId={id} canEdit={canEdit} people={people} />
              </Card>
              <Card title="Share links" id="share-title">
                <ShareLinks incidentId={id} canEdit={canEdit} />
              </Card>
            </div>
          </div>
        </Panel>
        <Panel value="timeline">
          <WarRoomTimeline incidentId={id} canEdit={canEdit} />
        </Panel>
      </Tabs.Root>
    </IncidentView>
  );
}
