"use client";

import { useTimeline } from "@/lib/client/timeline";
import { AddNoteForm } from "@/components/incident/AddNoteForm";
import { KindBadge } from "@/components/incident/badges";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { VirtualRows } from "./VirtualRows";

/** The incident's timeline, oldest first, as a window of rows (an incident can gather thousands of entries). */
export function WarRoomTimeline({ incidentId, canEdit }: { incidentId: string; canEdit: boolean }) {
  const t = useTimeline(incidentId);
  if (t.isPending) return <Loading label="Loading timeline…" />;
  if (t.isError && !t.data) return <ErrorState error={t.error} title="Could not load the timeline" onRetry={() => void t.refetch()} />;
  const events = t.data.pages.flatMap((p) => p.data);
  return (
    <div className="space-y-4">
      {events.length === 0 ? (
        <EmptyState title="Nothing on the timeline yet" />
      ) : (
        <VirtualRows
          rows={events}
          estimate={56}
          label={`Timeline, oldest first: ${events.length}${t.hasNextPage ? "+" : ""} entries`}
          getKey={(e) => e.id}
          testId="timeline"
          onEndReached={t.hasNextPage && !t.isFetchingNextPage ? () => void t.fetchNextPage() : undefined}
          render={(ev) => (
            <div className="border-b border-slate-100 px-3 py-2" data-testid="timeline-event" data-kind={ev.kind}>
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
                <LocalTime value={ev.at} className="font-mono text-slate-700" />
                <KindBadge kind={ev.kind} />
                {ev.author ? <span className="font-medium text-slate-700">{ev.author.name}</span> : null}
              </div>
              <p className="mt-0.5 text-sm break-words whitespace-pre-wrap text-slate-900">{ev.body}</p>
            </div>
          )}
        />
      )}
      {canEdit ? (
        <div className="card p-4">
          <AddNoteForm incidentId={incidentId} />
        </div>
      ) : null}
    </div>
  );
}
