"use client";

import { useEffect } from "react";
import { useEvidence } from "@/lib/client/warroom";
import type { EvidenceItem } from "@/lib/schemas/evidence";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { evidenceAnchor } from "../evidenceAnchor";
import { formatBytes } from "./format";

type Row = { at: string; item: EvidenceItem; files: EvidenceItem["files"] };

/** Everything that arrived, per node and per time: what each file was recognised as, what was not and why. */
export function EvidenceList({ incidentId, initial }: { incidentId: string; initial?: EvidenceItem[] }) {
  const q = useEvidence(incidentId, initial);
  const loaded = Boolean(q.data);
  // arriving from a cited fact (#ev-…): bring that file into view once the list is there
  useEffect(() => {
    if (!loaded || !window.location.hash.startsWith("#ev-")) return;
    document.getElementById(window.location.hash.slice(1))?.scrollIntoView({ block: "center" });
  }, [loaded]);
  if (q.isPending) return <Loading label="Loading evidence…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the evidence" onRetry={() => void q.refetch()} />;
  const items = q.data;
  if (items.length === 0) return <EmptyState title="No evidence yet">Upload a bundle, a capture or an output above, or paste one.</EmptyState>;

  const failed = items.filter((i) => i.status === "failed");
  const byHost = new Map<string, Row[]>();
  for (const item of items) {
    if (item.status === "failed") continue;
    const hosts = item.hosts.length ? item.hosts : [item.node?.name ?? "(not read yet)"];
    for (const host of hosts) {
      const rows = byHost.get(host) ?? [];
      rows.push({ at: item.takenAt ?? item.createdAt, item, files: item.files.filter((f) => f.host === host) });
      byHost.set(host, rows);
    }
  }
  const anchors = new Set<string>();
  return (
    <div className="space-y-4" data-testid="evidence-list">
      {failed.length > 0 ? (
        <section aria-labelledby="ev-failed" className="rounded-md border border-red-200 bg-red-50 px-3 py-2">
          <h4 id="ev-failed" className="text-sm font-semibold text-red-900">
            Could not be read
          </h4>
          <ul className="mt-1 space-y-1 text-sm text-red-900">
            {failed.map((i) => (
              <li key={i.id} data-testid="evidence-failed">
                <strong>{i.filename ?? i.kind}</strong> ({formatBytes(i.sizeBytes)}): {i.error ?? "no reason given"}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {[...byHost].sort(([a], [b]) => a.localeCompare(b)).map(([host, rows]) => (
        <section key={host} aria-labelledby={`ev-host-${host}`} className="card" data-testid="evidence-host" data-host={host}>
          <h4 id={`ev-host-${host}`} className="border-b border-slate-100 px-4 py-2 text-sm font-semibold text-slate-900">
            {host} <span className="font-normal text-slate-600">· {rows.length} arrival{rows.length === 1 ? "" : "s"}</span>
          </h4>
          <ol className="divide-y divide-slate-100">
            {rows
              .sort((a, b) => b.at.localeCompare(a.at))
              .map((r) => (
                <li key={`${r.item.id}-${host}`} className="px-4 py-2">
                  <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
                    <LocalTime value={r.at} className="font-mono text-slate-700" />
                    <span className="rounded bg-slate-100 px-1.5 py-0.5 font-semibold text-slate-800">{r.item.kind}</span>
                    <span className="font-medium text-slate-900">{r.item.filename ?? "(no name)"}</span>
                    <span>{formatBytes(r.item.sizeBytes)}</span>
                    {r.item.source?.kind === "user" && r.item.source.name ? <span>from {r.item.source.name}</span> : null}
                    {r.item.source?.kind === "ingest" ? <span>from the node agent</span> : null}
                    {r.item.status !== "ready" ? <span className="font-semibold text-amber-800">{r.item.status}</span> : null}
                  </div>
                  {r.files.length > 0 ? (
                    <ul className="mt-1 grid gap-x-4 gap-y-0.5 sm:grid-cols-2" aria-label={`Files of ${r.item.filename ?? r.item.kind} on ${host}`}>
                      {r.files.map((f) => {
                        const a = evidenceAnchor(f.host, f.path);
                        const id = anchors.has(a) ? undefined : (anchors.add(a), a);
                        return (
                          <li key={f.id} id={id} className="flex min-w-0 items-baseline gap-1.5 text-xs target:bg-amber-100" data-testid="evidence-file" data-kind={f.kind}>
                            <span className="truncate font-mono text-slate-800" title={f.path}>
                              {f.path}
                            </span>
                            {f.recognised ? (
                              <span className="shrink-0 text-emerald-800">{f.kind}</span>
                            ) : (
                              <span className="shrink-0 text-red-800" title={f.note ?? undefined}>
                                not recognised{f.note ? `: ${f.note}` : ""}
                              </span>
                            )}
                            {f.capture ? (
                              <span className="shrink-0 text-slate-600">
                                {f.capture.packets.toLocaleString("en-US")} packets, {f.capture.flows.toLocaleString("en-US")} flows
                                {f.capture.error ? `; cut: ${f.capture.error}` : ""}
                              </span>
                            ) : null}
                          </li>
                        );
                      })}
                    </ul>
                  ) : null}
                  {r.item.filesTruncated ? <p className="mt-1 text-xs text-slate-600">({r.item.fileCount} files in all; the first ones are shown)</p> : null}
                </li>
              ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
