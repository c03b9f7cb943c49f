"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { isApiError } from "@/lib/client/api";
import { useCluster, useNodes } from "@/lib/client/clusters";
import { Button, buttonClass } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";
import { useCan } from "@/components/auth/CurrentUser";
import { AddNodeForm } from "./AddNodeForm";
import { ClusterAccess } from "./ClusterAccess";

const dash = <span className="text-slate-500">—</span>;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] font-semibold tracking-wide text-slate-600 uppercase">{label}</dt>
      <dd className="mt-0.5 truncate font-mono text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function Nodes({ clusterId }: { clusterId: string }) {
  const nodes = useNodes(clusterId);
  if (nodes.isPending) return <Loading label="Loading nodes…" />;
  if (nodes.isError && !nodes.data)
    return <ErrorState error={nodes.error} title="Could not load nodes" onRetry={() => void nodes.refetch()} />;
  const rows = nodes.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) return <EmptyState title="No nodes recorded">Add the nodes involved in incidents below.</EmptyState>;
  return (
    <>
      <table className="w-full text-sm">
        <thead className="border-b border-slate-200 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3">Name</th>
            <th scope="col" className="py-2 pr-3">Role</th>
            <th scope="col" className="py-2 pr-3">Addresses</th>
            <th scope="col" className="py-2 pr-3">Kernel</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((n) => (
            <tr key={n.id} data-testid="node-row">
              <td className="py-2 pr-3 font-medium">{n.name}</td>
              <td className="py-2 pr-3">{n.role}</td>
              <td className="py-2 pr-3 font-mono text-xs">{n.addresses.length ? n.addresses.join(", ") : dash}</td>
              <td className="py-2 pr-3 font-mono text-xs">{n.kernelVersion ?? dash}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {nodes.hasNextPage ? (
        <Button size="sm" className="mt-2" onClick={() => void nodes.fetchNextPage()}>
          Load more
        </Button>
      ) : null}
    </>
  );
}

export function ClusterView({ id }: { id: string }) {
  const q = useCluster(id);
  if (q.isPending) return <Loading label="Loading cluster…" />;
  if (q.isError) {
    if (isApiError(q.error) && q.error.status === 404)
      return (
        <div className="card">
          <EmptyState title="Cluster not found">
            <Link href="/clusters" className="font-medium text-sky-800 underline">
              All clusters
            </Link>
          </EmptyState>
        </div>
      );
    return <ErrorState error={q.error} title="Could not load the cluster" onRetry={() => void q.refetch()} />;
  }
  const c = q.data;
  return <ClusterDetails c={c} />;
}

function ClusterDetails({ c }: { c: NonNullable<ReturnType<typeof useCluster>["data"]> }) {
  const isAdmin = useCan("admin");
  const canRespond = useCan("responder");
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-slate-600">
        <Link href="/clusters" className="hover:underline">
          Clusters
        </Link>{" "}
        / {c.name}
      </nav>
      <section className="card p-4" aria-labelledby="cluster-name">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 id="cluster-name" className="text-xl font-semibold tracking-tight">
              {c.name}
            </h1>
            <p className="text-xs text-slate-600">
              {c.provider ? `${c.provider} · ` : ""}added <LocalTime value={c.createdAt} seconds={false} />
            </p>
          </div>
          <div className="flex gap-2">
            <Link href={`/incidents?clusterId=${c.id}`} className={buttonClass("secondary", "sm")}>
              Incidents on this cluster
            </Link>
            {canRespond ? (
              <Link href={`/incidents/new?clusterId=${c.id}`} className={buttonClass("primary", "sm")}>
                Declare incident here
              </Link>
            ) : null}
          </div>
        </div>
        <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 border-t border-slate-100 pt-3 sm:grid-cols-4">
          <Fact label="Kubernetes">{c.kubernetesVersion ?? dash}</Fact>
          <Fact label="CNI">
            {c.cni ?? dash}
            {c.cniMode ? ` / ${c.cniMode}` : ""}
          </Fact>
          <Fact label="kube-proxy">{c.kubeProxyMode ?? dash}</Fact>
          <Fact label="NodePort range">{c.nodePortRange ?? dash}</Fact>
          <Fact label="Underlay MTU">{c.underlayMtu ?? dash}</Fact>
          <Fact label="Overlay MTU">{c.overlayMtu ?? dash}</Fact>
          <Fact label="Pod CIDR">{c.podCidr ?? dash}</Fact>
          <Fact label="Service CIDR">{c.serviceCidr ?? dash}</Fact>
        </dl>
      </section>
      <section className="card p-4" aria-labelledby="nodes-heading">
        <h2 id="nodes-heading" className="mb-2 text-sm font-semibold text-slate-800">
          Nodes
        </h2>
        <Nodes clusterId={c.id} />
        {isAdmin ? (
          <div className="mt-5 border-t border-slate-100 pt-4">
            <AddNodeForm clusterId={c.id} />
          </div>
        ) : null}
      </section>
      {isAdmin ? <ClusterAccess clusterId={c.id} clusterName={c.name} /> : null}
    </div>
  );
}
