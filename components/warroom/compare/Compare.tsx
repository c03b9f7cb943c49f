"use client";

import { useState } from "react";
import { useCompare, useCompareSources } from "@/lib/client/warroom";
import type { Comparison } from "@/lib/schemas/warroom";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";

/** "It works on node A but not on B": pick two nodes, or one node at two times, and see what differs. */
export function Compare({ incidentId }: { incidentId: string }) {
  const sources = useCompareSources(incidentId);
  const [a, setA] = useState("");
  const [b, setB] = useState("");
  const cmp = useCompare(incidentId, a || null, b || null);
  if (sources.isPending) return <Loading label="Loading what can be compared…" />;
  if (sources.isError) return <ErrorState error={sources.error} title="Could not load the nodes to compare" onRetry={() => void sources.refetch()} />;
  const list = sources.data;
  if (list.length < 2) return <EmptyState title="Nothing to compare yet">Evidence of two nodes, or two snapshots of one node, is needed.</EmptyState>;
  const option = (s: (typeof list)[number]) => (
    <option key={s.source} value={s.source}>
      {s.label}
    </option>
  );
  return (
    <div className="space-y-4" data-testid="compare">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="cmp-a" className="label">
            A
          </label>
          <select id="cmp-a" className="input w-72" value={a} onChange={(e) => setA(e.target.value)}>
            <option value="">Choose…</option>
            {list.map(option)}
          </select>
        </div>
        <div>
          <label htmlFor="cmp-b" className="label">
            B
          </label>
          <select id="cmp-b" className="input w-72" value={b} onChange={(e) => setB(e.target.value)}>
            <option value="">Choose…</option>
            {list.map(option)}
          </select>
        </div>
      </div>
      {a && b && a === b ? <p className="text-sm text-slate-700">Pick two different sources.</p> : null}
      {cmp.isFetching && !cmp.data ? <Loading label="Comparing…" /> : null}
      {cmp.isError ? <ErrorState error={cmp.error} title="Could not compare" /> : null}
      {cmp.data ? <Result c={cmp.data} /> : null}
    </div>
  );
}

function Result({ c }: { c: Comparison }) {
  const groups: Array<{ key: keyof Comparison["compared"]; title: string; rows: Comparison["sysctls"] }> = [
    { key: "sysctls", title: "Sysctls", rows: c.sysctls },
    { key: "mtus", title: "Interface MTUs", rows: c.mtus },
    { key: "routes", title: "Routes", rows: c.routes },
    { key: "counters", title: "Counters", rows: c.counters },
  ];
  return (
    <div className="space-y-3" data-testid="compare-result">
      <p className="text-sm text-slate-700">
        <strong>A</strong> {c.a.label} (kernel {c.a.kernel ?? "unknown"}) · <strong>B</strong> {c.b.label} (kernel {c.b.kernel ?? "unknown"})
      </p>
      {groups.map((g) => (
        <section key={g.key} className="card" aria-labelledby={`cmp-${g.key}`}>
          <h3 id={`cmp-${g.key}`} className="border-b border-slate-100 px-4 py-2 text-sm font-semibold text-slate-900">
            {g.title}: {g.rows.length} differ{g.rows.length === 1 ? "s" : ""} of {c.compared[g.key]} compared
          </h3>
          {g.rows.length > 0 ? (
            <div className="max-h-80 overflow-auto" tabIndex={0} role="region" aria-label={`${g.title} that differ`}>
              <table className="w-full text-left text-xs">
                <thead className="sticky top-0 bg-white">
                  <tr>
                    <th scope="col" className="px-4 py-1 font-semibold">Name</th>
                    <th scope="col" className="px-2 py-1 font-semibold">A: {c.a.label}</th>
                    <th scope="col" className="px-2 py-1 font-semibold">B: {c.b.label}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 font-mono">
                  {g.rows.map((r) => (
                    <tr key={r.name} data-testid="compare-diff">
                      <td className="px-4 py-1">{r.name}</td>
                      <td className="px-2 py-1">{r.a ?? "—"}</td>
                      <td className="px-2 py-1">{r.b ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ))}
    </div>
  );
}
