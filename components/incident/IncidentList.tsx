"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useClusters } from "@/lib/client/clusters";
import { incidentFiltersToSearch, type IncidentFilters } from "@/lib/client/filters";
import { useIncidents } from "@/lib/client/incidents";
import { INCIDENT_STATUSES, type IncidentStatus } from "@/lib/client/models";
import { formatDuration } from "@/lib/client/time";
import { Button } from "@/components/ui/Button";
import { SelectField } from "@/components/ui/Field";
import { LocalTime, ZoneNote } from "@/components/ui/LocalTime";
import { PageHeader } from "@/components/ui/PageHeader";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { SeverityBadge, StatusBadge } from "./badges";

export function IncidentList({ filters }: { filters: IncidentFilters }) {
  const router = useRouter();
  const incidents = useIncidents(filters);
  const clusters = useClusters();
  const clusterOptions = [
    { value: "", label: "All clusters" },
    ...(clusters.data?.pages.flatMap((p) => p.data) ?? []).map((c) => ({ value: c.id, label: c.name })),
  ];
  // A filter pointing at a cluster not (yet) in the list still needs an option, or the select lies.
  if (filters.clusterId && !clusterOptions.some((o) => o.value === filters.clusterId))
    clusterOptions.push({ value: filters.clusterId, label: clusters.isPending ? "Loading…" : "Unknown cluster" });

  const setFilters = (next: IncidentFilters) => router.replace(`/incidents${incidentFiltersToSearch(next)}`, { scroll: false });
  const rows = incidents.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Boolean(filters.status || filters.clusterId);

  return (
    <>
      <PageHeader title="Incidents" />

      <form role="search" aria-label="Filter incidents" className="mb-3 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Status"
          className="w-40"
          value={filters.status ?? ""}
          onChange={(e) => setFilters({ ...filters, status: (e.target.value || undefined) as IncidentStatus | undefined })}
          options={[{ value: "", label: "Any status" }, ...INCIDENT_STATUSES.map((s) => ({ value: s, label: s }))]}
        />
        <SelectField
          label="Cluster"
          className="w-56"
          value={filters.clusterId ?? ""}
          onChange={(e) => setFilters({ ...filters, clusterId: e.target.value || undefined })}
          options={clusterOptions}
        />
        {filtered ? (
          <Button variant="ghost" onClick={() => setFilters({})}>
            Clear filters
          </Button>
        ) : null}
      </form>

      <section aria-labelledby="incident-table-caption" className="card overflow-x-auto">
        {incidents.isPending ? (
          <Loading label="Loading incidents…" />
        ) : incidents.isError && !incidents.data ? (
          <div className="p-4">
            <ErrorState error={incidents.error} title="Could not load incidents" onRetry={() => void incidents.refetch()} />
          </div>
        ) : rows.length === 0 ? (
          <EmptyState title={filtered ? "No incidents match these filters" : "No incidents yet"}>
            {filtered ? (
              "Try another status or cluster."
            ) : (
              <Link href="/incidents/new" className="font-medium text-sky-800 underline">
                Declare the first one
              </Link>
            )}
          </EmptyState>
        ) : (
          <table className="w-full table-fixed text-sm">
            <caption id="incident-table-caption" className="sr-only">
              Incidents, newest first
            </caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="w-16 px-3 py-2">Sev</th>
                <th scope="col" className="px-3 py-2">Title</th>
                <th scope="col" className="w-28 px-3 py-2">Status</th>
                <th scope="col" className="hidden w-40 px-3 py-2 md:table-cell">Cluster</th>
                <th scope="col" className="w-44 px-3 py-2">
                  Started <span className="font-normal normal-case">(<ZoneNote prefix="" />)</span>
                </th>
                <th scope="col" className="hidden w-24 px-3 py-2 lg:table-cell">Duration</th>
                <th scope="col" className="hidden w-36 px-3 py-2 lg:table-cell">Commander</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((i) => {
                const end = i.resolvedAt ?? null;
                return (
                  <tr key={i.id} className="hover:bg-slate-50" data-testid="incident-row">
                    <td className="px-3 py-2 align-top">
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td className="px-3 py-2 align-top [overflow-wrap:anywhere]">
                      <Link href={`/incidents/${i.id}`} className="font-medium text-slate-900 hover:text-sky-800 hover:underline">
                        {i.title}
                      </Link>
                    </td>
                    <td className="px-3 py-2 align-top">
                      <StatusBadge status={i.status} />
                    </td>
                    <td className="hidden truncate px-3 py-2 align-top text-slate-700 md:table-cell">
                      {i.cluster ? (
                        <Link href={`/clusters/${i.cluster.id}`} className="hover:underline">
                          {i.cluster.name}
                        </Link>
                      ) : (
                        <span className="text-slate-500">—</span>
                      )}
                    </td>
                    <td className="px-3 py-2 align-top whitespace-nowrap text-slate-700">
                      <LocalTime value={i.startedAt} seconds={false} />
                    </td>
                    <td className="hidden px-3 py-2 align-top whitespace-nowrap text-slate-700 tabular-nums lg:table-cell">
                      {end ? formatDuration(i.startedAt, end) : <span className="text-slate-500">ongoing</span>}
                    </td>
                    <td className="hidden truncate px-3 py-2 align-top text-slate-700 lg:table-cell">{i.commander ?? <span className="text-slate-500">—</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {incidents.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <Button onClick={() => void incidents.fetchNextPage()} disabled={incidents.isFetchingNextPage}>
            {incidents.isFetchingNextPage ? "Loading…" : "Load more"}
          </Button>
        </div>
      ) : null}
      {incidents.isFetchNextPageError ? (
        <div className="mt-3">
          <ErrorState error={incidents.error} title="Could not load more" />
        </div>
      ) : null}
    </>
  );
}
