"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { isApiError } from "@/lib/client/api";
import { useIncident } from "@/lib/client/incidents";
import { formatDuration } from "@/lib/client/time";
import type { Incident } from "@/lib/client/models";
import { LocalTime, ZoneNote } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { Button } from "@/components/ui/Button";
import { AddNoteForm } from "./AddNoteForm";
import { DetailsEditor } from "./DetailsEditor";
import { SeverityBadge, StatusBadge } from "./badges";
import { StatusActions } from "./StatusActions";
import { SummaryEditor } from "./SummaryEditor";
import { Timeline } from "./Timeline";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] font-semibold tracking-wide text-slate-600 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const dash = <span className="text-slate-500">—</span>;

/**
 * The incident's header (title, badges, status actions, times, summary) and below it either `children` (the war
 * room passes its tabs) or the timeline with the note form.
 */
export function IncidentView({ id, initial, children }: { id: string; initial?: Incident; children?: ReactNode }) {
  const q = useIncident(id, initial);
  const [editing, setEditing] = useState(false);
  if (q.isPending) return <Loading label="Loading incident…" />;
  if (q.isError) {
    if (isApiError(q.error) && q.error.status === 404)
      return (
        <div className="card">
          <EmptyState title="Incident not found">
            It may have been deleted, or the link is wrong.{" "}
            <Link href="/incidents" className="font-medium text-sky-800 underline">
              All incidents
            </Link>
          </EmptyState>
        </div>
      );
    return <ErrorState error={q.error} title="Could not load the incident" onRetry={() => void q.refetch()} />;
  }
  const i = q.data;
  const ttd = i.detectedAt ? formatDuration(i.startedAt, i.detectedAt) : null;
  const ttm = i.mitigatedAt ? formatDuration(i.startedAt, i.mitigatedAt) : null;
  const ttr = i.resolvedAt ? formatDuration(i.startedAt, i.resolvedAt) : null;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-slate-600">
        <Link href="/incidents" className="hover:underline">
          Incidents
        </Link>{" "}
        / <span className="font-mono">{i.id.slice(0, 8)}</span>
      </nav>

      <section className="card p-4" aria-labelledby="incident-title">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <div className="mb-1.5 flex items-center gap-2" data-testid="incident-badges">
              <SeverityBadge severity={i.severity} />
              <span data-testid="incident-status">
                <StatusBadge status={i.status} />
              </span>
            </div>
            <h1 id="incident-title" className="text-xl font-semibold tracking-tight text-slate-900 [overflow-wrap:anywhere]">
              {i.title}
            </h1>
            {!editing ? (
              <Button size="sm" variant="ghost" className="mt-1 -ml-2.5" onClick={() => setEditing(true)}>
                Edit details
              </Button>
            ) : null}
          </div>
          <StatusActions incident={i} />
        </div>

        {editing ? (
          <div className="mt-4 border-t border-slate-100 pt-3">
            <DetailsEditor incident={i} onDone={() => setEditing(false)} />
          </div>
        ) : null}

        <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 border-t border-slate-100 pt-3 sm:grid-cols-3 lg:grid-cols-6">
          <Fact label="Cluster">
            {i.cluster ? (
              <Link href={`/clusters/${i.cluster.id}`} className="text-sky-800 hover:underline">
                {i.cluster.name}
              </Link>
            ) : (
              dash
            )}
          </Fact>
          <Fact label="Commander">{i.commander || dash}</Fact>
          <Fact label="Started">
            <LocalTime value={i.startedAt} seconds={false} className="whitespace-nowrap" />
          </Fact>
          <Fact label="Detected">
            {i.detectedAt ? (
              <>
                <LocalTime value={i.detectedAt} seconds={false} className="whitespace-nowrap" />
                {ttd ? <span className="block text-xs text-slate-600">+{ttd} after start</span> : null}
              </>
            ) : (
              dash
            )}
          </Fact>
          <Fact label="Mitigated">
            {i.mitigatedAt ? (
              <>
                <LocalTime value={i.mitigatedAt} seconds={false} className="whitespace-nowrap" />
                {ttm ? <span className="block text-xs text-slate-600">+{ttm} after start</span> : null}
              </>
            ) : (
              dash
            )}
          </Fact>
          <Fact label="Resolved">
            {i.resolvedAt ? (
              <>
                <LocalTime value={i.resolvedAt} seconds={false} className="whitespace-nowrap" />
                {ttr ? <span className="block text-xs text-slate-600">+{ttr} after start</span> : null}
              </>
            ) : (
              dash
            )}
          </Fact>
        </dl>
        <p className="mt-2 text-xs text-slate-600">
          <ZoneNote prefix="Times in " />. Hover a time to see it in UTC.
        </p>

        <div className="mt-4 border-t border-slate-100 pt-3">
          <h2 className="mb-1 text-[11px] font-semibold tracking-wide text-slate-600 uppercase">Summary</h2>
          <SummaryEditor incident={i} />
        </div>
      </section>

      {children ?? (
      <section className="card p-4" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-3 text-sm font-semibold text-slate-800">
          Timeline{" "}
          <span className="font-normal text-slate-600">
            (oldest first, <ZoneNote />)
          </span>
        </h2>
        <Timeline incidentId={i.id} />
        <div className="mt-5 border-t border-slate-100 pt-4">
          <AddNoteForm incidentId={i.id} />
        </div>
      </section>
      )}
    </div>
  );
}
