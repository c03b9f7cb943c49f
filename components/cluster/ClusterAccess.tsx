"use client";

import { useState, type FormEvent } from "react";
import type { ApiTokenCreated } from "@/lib/schemas/auth";
import {
  authKeys,
  useAddMember,
  useCreateIngestToken,
  useIngestTokens,
  useMembers,
  useRemoveMember,
  useRevokeToken,
  useUsers,
} from "@/lib/client/auth";
import { TokenReveal } from "@/components/auth/TokenReveal";
import { TokenTable } from "@/components/auth/TokenTable";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { EmptyState, ErrorState, Loading, Notice, errorText } from "@/components/ui/States";

/** Admins: who may see this cluster (members), and the ingest tokens its node agents send with. */
export function ClusterAccess({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  return (
    <>
      <Members clusterId={clusterId} />
      <IngestTokens clusterId={clusterId} clusterName={clusterName} />
    </>
  );
}

function Members({ clusterId }: { clusterId: string }) {
  const members = useMembers(clusterId);
  const users = useUsers();
  const add = useAddMember(clusterId);
  const remove = useRemoveMember(clusterId);
  const announce = useAnnounce();
  const [pick, setPick] = useState("");
  const [error, setError] = useState<string | null>(null);
  const memberIds = new Set((members.data ?? []).map((m) => m.user.id));
  const candidates = (users.data ?? []).filter((u) => !memberIds.has(u.id) && u.role !== "admin" && !u.disabled);

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    if (!pick) return;
    setError(null);
    add.mutate(pick, {
      onSuccess: (m) => {
        setPick("");
        announce(`${m.user.name} can now see this cluster.`);
      },
      onError: (err) => setError(errorText(err)),
    });
  };

  return (
    <section className="card p-4" aria-labelledby="members-heading">
      <h2 id="members-heading" className="text-sm font-semibold text-slate-800">
        Members
      </h2>
      <p className="mt-1 text-xs text-slate-600">
        Viewers and responders see this cluster, its nodes and incidents only as members. Admins see every cluster.
      </p>
      {error ? <div className="mt-2"><Notice tone="error">{error}</Notice></div> : null}
      {members.isPending ? (
        <Loading />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : members.data.length === 0 ? (
        <EmptyState title="No members yet" />
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 text-sm" aria-label="Members of this cluster">
          {members.data.map((m) => (
            <li key={m.user.id} className="flex items-center justify-between gap-3 py-1.5" data-testid="member-row">
              <span>
                <span className="font-medium">{m.user.name}</span> <span className="text-slate-600">{m.user.email}</span>{" "}
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{m.role}</span>
              </span>
              <Button
                size="sm"
                disabled={remove.isPending}
                onClick={() => remove.mutate(m.user.id, { onSuccess: () => announce(`${m.user.name} removed.`) })}
              >
                Remove<span className="sr-only"> {m.user.name}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onAdd} className="mt-3 flex flex-wrap items-end gap-2">
        <SelectField
          id="member-pick"
          label="Add a member"
          className="min-w-64"
          value={pick}
          onChange={(e) => setPick(e.target.value)}
          options={[{ value: "", label: candidates.length ? "Choose a user…" : "No one else to add" }, ...candidates.map((u) => ({ value: u.id, label: `${u.name} (${u.email}, ${u.role})` }))]}
        />
        <Button type="submit" size="sm" disabled={!pick || add.isPending}>
          Add member
        </Button>
      </form>
    </section>
  );
}

function IngestTokens({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const tokens = useIngestTokens(clusterId);
  const create = useCreateIngestToken(clusterId);
  const revoke = useRevokeToken(authKeys.ingestTokens(clusterId));
  const announce = useAnnounce();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | undefined>();
  const [made, setMade] = useState<ApiTokenCreated | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setNameError("Name it after where the agents run.");
      document.getElementById("ingest-token-name")?.focus();
      return;
    }
    setNameError(undefined);
    setError(null);
    create.mutate(
      { name: name.trim() },
      {
        onSuccess: (t) => {
          setMade(t);
          setName("");
          announce("Ingest token made. Copy it now.");
        },
        onError: (err) => setError(`Could not make the token: ${errorText(err)}`),
      },
    );
  };

  return (
    <section className="card p-4" aria-labelledby="ingest-heading">
      <h2 id="ingest-heading" className="text-sm font-semibold text-slate-800">
        Ingest tokens
      </h2>
      <p className="mt-1 text-xs text-slate-600">
        Node agents of <strong>{clusterName}</strong> send snapshots and captures with one of these (only to /api/v1/ingest, only
        for this cluster). Revoking one refuses its next request.
      </p>
      <form noValidate onSubmit={onSubmit} className="mt-3 flex flex-wrap items-end gap-2">
        <TextField id="ingest-token-name" label="Token name" className="min-w-64" placeholder="daemonset prod-east" value={name} onChange={(e) => setName(e.target.value)} error={nameError} />
        <Button type="submit" size="sm" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Making…" : "Make ingest token"}
        </Button>
      </form>
      <div className="mt-3 space-y-3">
        {error ? <Notice tone="error">{error}</Notice> : null}
        {made ? <TokenReveal token={made.token} label={`Ingest token “${made.name}”`} /> : null}
        {tokens.isPending ? (
          <Loading />
        ) : tokens.isError ? (
          <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
        ) : (
          <TokenTable
            caption={`Ingest tokens of ${clusterName}`}
            tokens={tokens.data}
            busy={revoke.isPending}
            onRevoke={(id) => revoke.mutate(id, { onSuccess: () => announce("Ingest token revoked.") })}
          />
        )}
      </div>
    </section>
  );
}
