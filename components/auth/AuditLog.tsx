"use client";

import { useState } from "react";
import { useAudit } from "@/lib/client/auth";
import { Button } from "@/components/ui/Button";
import { SelectField } from "@/components/ui/Field";
import { LocalTime, ZoneNote } from "@/components/ui/LocalTime";
import { PageHeader } from "@/components/ui/PageHeader";
import { EmptyState, ErrorState, Loading } from "@/components/ui/States";

const FILTERS = [
  { value: "", label: "everything" },
  { value: "sign-in.", label: "sign-ins" },
  { value: "sign-in.failed", label: "failed sign-ins" },
  { value: "user.", label: "users and roles" },
  { value: "token.", label: "tokens" },
  { value: "share.", label: "share links" },
  { value: "evidence.", label: "evidence" },
  { value: "cluster.", label: "cluster members" },
];

export function AuditLog() {
  const [action, setAction] = useState("");
  const audit = useAudit(action);
  const rows = audit.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="space-y-4">
      <PageHeader title="Audit log">
        <p className="text-sm text-slate-700">
          Who did what, when, from where; newest first (<ZoneNote />).
        </p>
      </PageHeader>
      <div className="card px-5 py-4">
        <SelectField id="audit-filter" label="Show" className="max-w-xs" value={action} onChange={(e) => setAction(e.target.value)} options={FILTERS} />
        {audit.isPending ? (
          <Loading />
        ) : audit.isError ? (
          <ErrorState error={audit.error} onRetry={() => void audit.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Audit log entries, newest first</caption>
              <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-3 font-semibold">When</th>
                  <th scope="col" className="py-2 pr-3 font-semibold">What</th>
                  <th scope="col" className="py-2 pr-3 font-semibold">Who</th>
                  <th scope="col" className="py-2 pr-3 font-semibold">On</th>
                  <th scope="col" className="py-2 pr-3 font-semibold">From</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.id} className="border-b border-slate-100 align-top last:border-0" data-testid="audit-row" data-action={e.action}>
                    <td className="py-2 pr-3 whitespace-nowrap"><LocalTime value={e.at} /></td>
                    <td className="py-2 pr-3 font-mono text-xs">{e.action}</td>
                    <td className="py-2 pr-3">{e.actor ? `${e.actor.name} (${e.actor.email})` : (e.actorLabel ?? "—")}</td>
                    <td className="py-2 pr-3 text-xs">{e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—"}</td>
                    <td className="py-2 pr-3 text-xs">
                      <span className="font-mono">{e.ip ?? "—"}</span>
                      {e.userAgent ? <span className="block max-w-xs truncate text-slate-600" title={e.userAgent}>{e.userAgent}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {audit.hasNextPage ? (
          <Button size="sm" className="mt-3" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
            {audit.isFetchingNextPage ? "Loading…" : "Load older entries"}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
