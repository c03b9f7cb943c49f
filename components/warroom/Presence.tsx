"use client";

import type { LiveState } from "@/lib/client/live";
import { usePresence } from "@/lib/client/warroom";

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0]!.toUpperCase()).join("") || "?";
}

/** Who else has this incident open, and whether live updates are flowing. */
export function Presence({ incidentId, selfId, live }: { incidentId: string; selfId: string | null; live: LiveState }) {
  const q = usePresence(incidentId);
  const people = q.data ?? [];
  const others = people.filter((p) => p.userId !== selfId);
  return (
    <div className="flex flex-wrap items-center gap-3 text-xs text-slate-700" data-testid="presence">
      <span className="inline-flex items-center gap-1.5" data-testid="live-state" data-state={live}>
        <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${live === "live" ? "bg-emerald-600" : live === "reconnecting" ? "bg-amber-500" : "bg-slate-400"}`} />
        {live === "live" ? "Live" : live === "reconnecting" ? "Reconnecting…" : "Connecting…"}
      </span>
      <span className="sr-only">Also looking at this incident:</span>
      <ul className="flex items-center gap-1" aria-label="Also here">
        {others.map((p) => (
          <li key={p.userId} title={p.name} className="flex h-6 min-w-6 items-center justify-center rounded-full bg-slate-800 px-1.5 text-[10px] font-semibold text-white" data-testid="present-user">
            <span aria-hidden="true">{initials(p.name)}</span>
            <span className="sr-only">{p.name}</span>
          </li>
        ))}
      </ul>
      <span>{others.length === 0 ? "Nobody else here" : `${others.map((p) => p.name).join(", ")} ${others.length === 1 ? "is" : "are"} here too`}</span>
    </div>
  );
}
