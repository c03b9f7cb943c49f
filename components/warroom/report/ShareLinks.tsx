"use client";

import { useState } from "react";
import { useCreateShareLink, useRevokeShareLink, useShareLinks } from "@/lib/client/warroom";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";

/** Read-only postmortem links: the token is shown once (only its hash is kept), optional expiry, revocable at once. */
export function ShareLinks({ incidentId, canEdit }: { incidentId: string; canEdit: boolean }) {
  const q = useShareLinks(incidentId);
  const create = useCreateShareLink(incidentId);
  const revoke = useRevokeShareLink(incidentId);
  const announce = useAnnounce();
  const [days, setDays] = useState("7");
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (q.isPending) return <Loading label="Loading share links…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the share links" onRetry={() => void q.refetch()} />;
  return (
    <div className="space-y-3" data-testid="share-links">
      {canEdit ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            const n = Number(days);
            const expiresAt = n > 0 ? new Date(Date.now() + n * 86_400_000).toISOString() : null;
            create.mutate(
              { expiresAt },
              {
                onSuccess: (r) => {
                  const url = `${window.location.origin}${r.path}`;
                  setCreated(url);
                  announce("Share link created. Copy it now: it is shown once.");
                },
                onError: (err) => setError(errorText(err)),
              },
            );
          }}
        >
          <div>
            <label htmlFor="share-expiry" className="label">
              Expires
            </label>
            <select id="share-expiry" className="input w-44" value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="1">in 1 day</option>
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
              <option value="0">never (until revoked)</option>
            </select>
          </div>
          <Button type="submit" variant="primary" size="sm" disabled={create.isPending}>
            Create share link
          </Button>
        </form>
      ) : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {created ? (
        <div className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm" data-testid="share-created">
          <p className="font-semibold text-emerald-900">Copy this link now: it is shown only once.</p>
          <div className="mt-1 flex flex-wrap gap-2">
            <label htmlFor="share-url" className="sr-only">
              Share link
            </label>
            <input id="share-url" readOnly className="input flex-1 font-mono text-xs" value={created} onFocus={(e) => e.currentTarget.select()} data-testid="share-url" />
            <Button size="sm" onClick={() => void navigator.clipboard?.writeText(created).then(() => announce("Copied."), () => undefined)}>
              Copy
            </Button>
          </div>
        </div>
      ) : null}
      {q.data.length > 0 ? (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Share links of this postmortem</caption>
          <thead className="text-xs text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3 font-semibold">Link</th>
              <th scope="col" className="py-1 pr-3 font-semibold">Created</th>
              <th scope="col" className="py-1 pr-3 font-semibold">Expires</th>
              <th scope="col" className="py-1 pr-3 font-semibold">Last viewed</th>
              <th scope="col" className="py-1 font-semibold">State</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {q.data.map((l) => (
              <tr key={l.id} data-testid="share-link" data-active={l.active}>
                <td className="py-1.5 pr-3 font-mono text-xs">/r/{l.prefix}…</td>
                <td className="py-1.5 pr-3 text-xs">
                  <LocalTime value={l.createdAt} seconds={false} />
                  {l.createdBy ? ` by ${l.createdBy.name}` : ""}
                </td>
                <td className="py-1.5 pr-3 text-xs">{l.expiresAt ? <LocalTime value={l.expiresAt} seconds={false} /> : "never"}</td>
                <td className="py-1.5 pr-3 text-xs">{l.lastViewedAt ? <LocalTime value={l.lastViewedAt} seconds={false} /> : "—"}</td>
                <td className="py-1.5 text-xs">
                  {l.active ? (
                    canEdit ? (
                      <Button size="sm" variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate(l.id, { onSuccess: () => announce("Link revoked.") })} aria-label={`Revoke link ${l.prefix}`}>
                        Revoke
                      </Button>
                    ) : (
                      "active"
                    )
                  ) : l.revokedAt ? (
                    "revoked"
                  ) : (
                    "expired"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-600">No share link yet.</p>
      )}
    </div>
  );
}
