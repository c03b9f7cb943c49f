"use client";

import { useTimeline } from "@/lib/client/timeline";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { KindBadge } from "./badges";

export function Timeline({ incidentId }: { incidentId: string }) {
  const timeline = useTimeline(incidentId);
  if (timeline.isPending) return <Loading label="Loading timeline…" />;
  if (timeline.isError && !timeline.data)
    return <ErrorState error={timeline.error} title="Could not load the timeline" onRetry={() => void timeline.refetch()} />;

  const events = timeline.data.pages.flatMap((p) => p.data);
  if (events.length === 0) return <EmptyState title="Nothing on the timeline yet">Add the first note below.</EmptyState>;

  return (
    <>
      <ol className="relative ml-1 border-l-2 border-slate-200" aria-label="Timeline, oldest first" data-testid="timeline">
        {events.map((ev) => (
          <li key={ev.id} className="relative pb-3 pl-4 last:pb-0" data-testid="timeline-event" data-kind={ev.kind}>
            <span
              aria-hidden="true"
              className={`absolute top-1.5 -left-[7px] h-3 w-3 rounded-full border-2 border-white ${ev.kind === "status-change" ? "bg-slate-800" : ev.kind === "key-moment" ? "bg-amber-500" : "bg-slate-400"}`}
            />
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
              <LocalTime value={ev.at} className="font-mono text-slate-700" />
              <KindBadge kind={ev.kind} />
              {ev.author ? <span className="font-medium text-slate-700">{ev.author.name}</span> : null}
            </div>
            <p className="mt-0.5 text-sm break-words whitespace-pre-wrap text-slate-900">{ev.body}</p>
          </li>
        ))}
      </ol>
      {timeline.hasNextPage ? (
        <Button size="sm" className="mt-3" onClick={() => void timeline.fetchNextPage()} disabled={timeline.isFetchingNextPage}>
          {timeline.isFetchingNextPage ? "Loading…" : "Load newer events"}
        </Button>
      ) : null}
    </>
  );
}
