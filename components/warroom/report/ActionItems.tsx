"use client";

import { useState } from "react";
import { useActionItems, useAddActionItem, useUpdateActionItem } from "@/lib/client/warroom";
import { ACTION_STATUSES } from "@/lib/schemas/warroom";
import { Button } from "@/components/ui/Button";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";

/** Action items of the postmortem: owner, due date, status (they go into the report's draft). */
export function ActionItems({ incidentId, canEdit, people }: { incidentId: string; canEdit: boolean; people: Array<{ id: string; name: string }> }) {
  const q = useActionItems(incidentId);
  const add = useAddActionItem(incidentId);
  const update = useUpdateActionItem(incidentId);
  const [title, setTitle] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (q.isPending) return <Loading label="Loading action items…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the action items" onRetry={() => void q.refetch()} />;
  return (
    <div className="space-y-3" data-testid="action-items">
      {q.data.length === 0 ? <p className="text-sm text-slate-600">No action items yet.</p> : null}
      {q.data.length > 0 ? (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Action items</caption>
          <thead className="text-xs text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3 font-semibold">Action</th>
              <th scope="col" className="py-1 pr-3 font-semibold">Owner</th>
              <th scope="col" className="py-1 pr-3 font-semibold">Due</th>
              <th scope="col" className="py-1 font-semibold">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {q.data.map((a) => (
              <tr key={a.id} data-testid="action-item">
                <td className="py-1.5 pr-3">{a.title}</td>
                <td className="py-1.5 pr-3">{a.owner?.name ?? "—"}</td>
                <td className="py-1.5 pr-3 tabular-nums">{a.dueDate ?? "—"}</td>
                <td className="py-1.5">
                  {canEdit ? (
                    <>
                      <label htmlFor={`ai-status-${a.id}`} className="sr-only">
                        Status of {a.title}
                      </label>
                      <select id={`ai-status-${a.id}`} className="input w-36 py-1" value={a.status} onChange={(e) => update.mutate({ itemId: a.id, patch: { status: e.target.value as (typeof ACTION_STATUSES)[number] } })}>
                        {ACTION_STATUSES.map((s) => (
                          <option key={s} value={s}>
                            {s}
                          </option>
                        ))}
                      </select>
                    </>
                  ) : (
                    a.status
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canEdit ? (
        <form
          className="grid gap-2 sm:grid-cols-[1fr_12rem_10rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (!title.trim()) {
              setError("Say what is to be done.");
              return;
            }
            add.mutate(
              { title: title.trim(), ownerId: owner || null, dueDate: due || null },
              {
                onSuccess: () => {
                  setTitle("");
                  setDue("");
                },
                onError: (err) => setError(errorText(err)),
              },
            );
          }}
        >
          <div>
            <label htmlFor="ai-title" className="label">
              New action item
            </label>
            <input id="ai-title" className="input" maxLength={500} value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <div>
            <label htmlFor="ai-owner" className="label">
              Owner
            </label>
            <select id="ai-owner" className="input" value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value="">Nobody yet</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="ai-due" className="label">
              Due
            </label>
            <input id="ai-due" type="date" className="input" value={due} onChange={(e) => setDue(e.target.value)} />
          </div>
          <Button type="submit" size="sm" disabled={add.isPending}>
            Add
          </Button>
          {error ? (
            <div className="sm:col-span-4">
              <Notice tone="error">{error}</Notice>
            </div>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
