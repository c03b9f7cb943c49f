"use client";

import { useState } from "react";
import { useNodes } from "@/lib/client/clusters";
import { useIncidentNodes, useLinkNodes, useUnlinkNode } from "@/lib/client/warroom";
import type { IncidentNode } from "@/lib/schemas/warroom";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";

const TUNNEL = new Set(["vxlan", "geneve", "ipip", "gre", "wireguard"]);

function mtus(n: IncidentNode): string {
  const ifs = n.facts?.interfaces ?? [];
  const shown = ifs.filter((i) => i.kind !== "loopback" && i.kind !== "veth").slice(0, 6);
  return shown.length ? shown.map((i) => `${i.name} ${i.mtu}${TUNNEL.has(i.kind) ? ` (${i.kind})` : ""}`).join(", ") : "—";
}

/** Nodes of the incident's cluster linked to it: kernel, MTUs and CNI at a glance; where to collect from. */
export function LinkedNodes({ incidentId, clusterId, initial, canEdit }: { incidentId: string; clusterId: string | null; initial?: IncidentNode[]; canEdit: boolean }) {
  const q = useIncidentNodes(incidentId, initial);
  const unlink = useUnlinkNode(incidentId);
  if (q.isPending) return <Loading label="Loading linked nodes…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the linked nodes" onRetry={() => void q.refetch()} />;
  const nodes = q.data;
  return (
    <div className="space-y-3" data-testid="linked-nodes">
      {nodes.length === 0 ? (
        <p className="text-sm text-slate-600">{clusterId ? "No node linked yet." : "Set the incident's cluster to link its nodes."}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Nodes linked to this incident</caption>
            <thead className="text-xs text-slate-600">
              <tr>
                <th scope="col" className="py-1 pr-3 font-semibold">Node</th>
                <th scope="col" className="py-1 pr-3 font-semibold">Kernel</th>
                <th scope="col" className="py-1 pr-3 font-semibold">MTUs</th>
                <th scope="col" className="py-1 pr-3 font-semibold">CNI</th>
                <th scope="col" className="py-1 pr-3 font-semibold">Last snapshot</th>
                {canEdit ? <th scope="col" className="py-1 font-semibold"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {nodes.map((n) => (
                <tr key={n.id} data-testid="linked-node">
                  <td className="py-1.5 pr-3 font-medium text-slate-900">
                    {n.name} <span className="text-xs font-normal text-slate-600">{n.role}</span>
                  </td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{n.kernelVersion ?? "—"}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{mtus(n)}</td>
                  <td className="py-1.5 pr-3 text-xs">
                    {n.cluster.cni ?? "—"}
                    {n.cluster.cniMode ? ` (${n.cluster.cniMode})` : ""}
                    {n.cluster.overlayMtu ? `, overlay MTU ${n.cluster.overlayMtu}` : ""}
                  </td>
                  <td className="py-1.5 pr-3 text-xs">{n.lastSnapshotAt ? <LocalTime value={n.lastSnapshotAt} seconds={false} /> : "none"}</td>
                  {canEdit ? (
                    <td className="py-1.5">
                      <Button size="sm" variant="ghost" onClick={() => unlink.mutate(n.id)} aria-label={`Unlink ${n.name}`}>
                        Unlink
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canEdit && clusterId ? <LinkForm incidentId={incidentId} clusterId={clusterId} linked={new Set(nodes.map((n) => n.id))} /> : null}
    </div>
  );
}

function LinkForm({ incidentId, clusterId, linked }: { incidentId: string; clusterId: string; linked: Set<string> }) {
  const nodes = useNodes(clusterId);
  const link = useLinkNodes(incidentId);
  const [pick, setPick] = useState("");
  const [error, setError] = useState<string | null>(null);
  const all = (nodes.data?.pages ?? []).flatMap((p) => p.data).filter((n) => !linked.has(n.id));
  if (all.length === 0) return null;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const ids = pick === "*" ? all.map((n) => n.id) : pick ? [pick] : [];
        if (ids.length === 0) return;
        link.mutate(ids, { onSuccess: () => setPick(""), onError: (err) => setError(errorText(err)) });
      }}
    >
      <div>
        <label htmlFor="link-node" className="label">
          Link a node of the cluster
        </label>
        <select id="link-node" className="input w-64" value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">Choose…</option>
          <option value="*">All {all.length} nodes</option>
          {all.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" size="sm" disabled={!pick || link.isPending}>
        Link
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </form>
  );
}
