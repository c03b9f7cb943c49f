"use client";

import { useState } from "react";
import type { ApiToken } from "@/lib/schemas/auth";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState } from "@/components/ui/States";

/** Tokens with prefix, creator and last use; revoking asks once more before it happens. */
export function TokenTable({
  tokens,
  onRevoke,
  busy,
  caption,
}: {
  tokens: ApiToken[];
  onRevoke: (id: string) => void;
  busy: boolean;
  caption: string;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (tokens.length === 0) return <EmptyState title="No tokens yet" />;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
          <tr>
            <th scope="col" className="py-2 pr-3 font-semibold">Name</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Token</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Role</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Created by</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Created</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Last used</th>
            <th scope="col" className="py-2 pr-3 font-semibold">Status</th>
            <th scope="col" className="py-2 font-semibold"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} className="border-b border-slate-100 last:border-0" data-testid="token-row">
              <td className="py-2 pr-3 font-medium">{t.name}</td>
              <td className="py-2 pr-3 font-mono text-xs">{t.prefix}…</td>
              <td className="py-2 pr-3">{t.kind === "ingest" ? "ingest" : (t.role ?? "—")}</td>
              <td className="py-2 pr-3">{t.createdBy?.name ?? "—"}</td>
              <td className="py-2 pr-3"><LocalTime value={t.createdAt} seconds={false} /></td>
              <td className="py-2 pr-3">{t.lastUsedAt ? <LocalTime value={t.lastUsedAt} seconds={false} /> : "never"}</td>
              <td className="py-2 pr-3">
                {t.revokedAt ? (
                  <span className="text-red-800">revoked</span>
                ) : t.expiresAt && new Date(t.expiresAt) < new Date() ? (
                  <span className="text-slate-600">expired</span>
                ) : (
                  <span className="text-emerald-800">active</span>
                )}
              </td>
              <td className="py-2 text-right">
                {t.revokedAt ? null : confirming === t.id ? (
                  <span className="inline-flex gap-1">
                    <Button size="sm" variant="danger" disabled={busy} onClick={() => onRevoke(t.id)}>
                      Confirm revoke {t.name}
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => setConfirming(null)}>
                      Cancel
                    </Button>
                  </span>
                ) : (
                  <Button size="sm" onClick={() => setConfirming(t.id)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
