"use client";

import Link from "next/link";
import { useState } from "react";
import { useClusters } from "@/lib/client/clusters";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { LocalTime } from "@/components/ui/LocalTime";
import { PageHeader } from "@/components/ui/PageHeader";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { useCan } from "@/components/auth/CurrentUser";
import { NewClusterForm } from "./NewClusterForm";

const dash = <span className="text-slate-500">—</span>;

export function ClustersScreen() {
  const [q, setQ] = useState("");
  const clusters = useClusters(q.trim());
  const isAdmin = useCan("admin");
  const rows = clusters.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <>
      <PageHeader title="Clusters" />
      <div className="grid gap-4 lg:grid-cols-[1fr_24rem]">
        <div className="min-w-0">
          <form role="search" aria-label="Search clusters" className="mb-3 max-w-xs" onSubmit={(e) => e.preventDefault()}>
            <TextField label="Search by name" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </form>
          <section className="card overflow-x-auto" aria-label="Cluster list">
            {clusters.isPending ? (
              <Loading label="Loading clusters…" />
            ) : clusters.isError && !clusters.data ? (
              <div className="p-4">
                <ErrorState error={clusters.error} title="Could not load clusters" onRetry={() => void clusters.refetch()} />
              </div>
            ) : rows.length === 0 ? (
              <EmptyState title={q ? "No cluster matches" : "No clusters yet"}>
                {q ? "Try another name." : "Add one with the form; incidents can then be filed against it."}
              </EmptyState>
            ) : (
              <table className="w-full text-sm">
                <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase">
                  <tr>
                    <th scope="col" className="px-3 py-2">Name</th>
                    <th scope="col" className="px-3 py-2">Kubernetes</th>
                    <th scope="col" className="px-3 py-2">CNI</th>
                    <th scope="col" className="px-3 py-2" title="Underlay / overlay MTU">MTU u/o</th>
                    <th scope="col" className="px-3 py-2">kube-proxy</th>
                    <th scope="col" className="hidden px-3 py-2 xl:table-cell">Created</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((c) => (
                    <tr key={c.id} className="hover:bg-slate-50" data-testid="cluster-row">
                      <td className="px-3 py-2">
                        <Link href={`/clusters/${c.id}`} className="font-medium text-slate-900 hover:text-sky-800 hover:underline">
                          {c.name}
                        </Link>
                        {c.provider ? <span className="ml-2 text-xs text-slate-600">{c.provider}</span> : null}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs">{c.kubernetesVersion ?? dash}</td>
                      <td className="px-3 py-2 whitespace-nowrap">
                        {c.cni ?? dash}
                        {c.cniMode ? <span className="text-slate-600"> / {c.cniMode}</span> : null}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap tabular-nums">
                        {c.underlayMtu == null && c.overlayMtu == null ? dash : `${c.underlayMtu ?? "?"} / ${c.overlayMtu ?? "?"}`}
                      </td>
                      <td className="px-3 py-2">{c.kubeProxyMode ?? dash}</td>
                      <td className="hidden px-3 py-2 whitespace-nowrap text-slate-700 xl:table-cell">
                        <LocalTime value={c.createdAt} seconds={false} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {clusters.hasNextPage ? (
            <Button className="mt-3" onClick={() => void clusters.fetchNextPage()} disabled={clusters.isFetchingNextPage}>
              Load more
            </Button>
          ) : null}
        </div>
        {isAdmin ? (
          <aside className="card self-start p-4">
            <NewClusterForm />
          </aside>
        ) : null}
      </div>
    </>
  );
}
