"use client";

import { useState, type FormEvent } from "react";
import type { RoleName } from "@/lib/schemas/auth";
import { useCreateToken, useMyTokens, useRevokeToken } from "@/lib/client/auth";
import type { ApiTokenCreated } from "@/lib/schemas/auth";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { PageHeader } from "@/components/ui/PageHeader";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";
import { postJson } from "./authApi";
import type { CurrentUser } from "./CurrentUser";
import { TokenReveal } from "./TokenReveal";
import { TokenTable } from "./TokenTable";

const RANK: RoleName[] = ["viewer", "responder", "admin"];

export function AccountView({ user }: { user: CurrentUser }) {
  return (
    <div className="space-y-6">
      <PageHeader title="Your account" />
      <section aria-labelledby="profile-heading" className="card px-5 py-4">
        <h2 id="profile-heading" className="text-base font-semibold">
          Profile
        </h2>
        <dl className="mt-2 grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-600">Name</dt>
          <dd>{user.name}</dd>
          <dt className="text-slate-600">Email</dt>
          <dd>{user.email}</dd>
          <dt className="text-slate-600">Role</dt>
          <dd data-testid="my-role">{user.role}</dd>
        </dl>
      </section>
      <ChangePassword />
      <PersonalTokens role={user.role} />
    </div>
  );
}

function ChangePassword() {
  const announce = useAnnounce();
  const [v, setV] = useState({ current: "", next: "", confirm: "", others: true });
  const [errors, setErrors] = useState<{ current?: string; next?: string; confirm?: string }>({});
  const [result, setResult] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!v.current) errs.current = "Your current password.";
    if (v.next.length < 8) errs.next = "At least 8 characters.";
    if (v.confirm !== v.next) errs.confirm = "The two new passwords differ.";
    setErrors(errs);
    setResult(null);
    const first = (["current", "next", "confirm"] as const).find((k) => errs[k]);
    if (first) {
      document.getElementById(`pw-${first}`)?.focus();
      return;
    }
    setBusy(true);
    const r = await postJson("/api/auth/change-password", {
      currentPassword: v.current,
      newPassword: v.next,
      revokeOtherSessions: v.others,
    });
    setBusy(false);
    if (r.ok) {
      setV({ current: "", next: "", confirm: "", others: v.others });
      setResult({ tone: "success", text: v.others ? "Password changed. Your other sessions are signed out." : "Password changed." });
      announce("Password changed.");
    } else {
      const text = r.failure.status === 400 ? "The current password is not right, or the new one does not fit the rules." : r.failure.message;
      setResult({ tone: "error", text });
    }
  };

  return (
    <section aria-labelledby="password-heading" className="card px-5 py-4">
      <h2 id="password-heading" className="text-base font-semibold">
        Change password
      </h2>
      <form noValidate onSubmit={onSubmit} className="mt-3 grid max-w-md gap-3">
        {result ? <Notice tone={result.tone}>{result.text}</Notice> : null}
        <TextField id="pw-current" label="Current password" type="password" autoComplete="current-password" value={v.current} onChange={(e) => setV({ ...v, current: e.target.value })} error={errors.current} />
        <TextField id="pw-next" label="New password" type="password" autoComplete="new-password" hint="At least 8 characters." value={v.next} onChange={(e) => setV({ ...v, next: e.target.value })} error={errors.next} />
        <TextField id="pw-confirm" label="New password again" type="password" autoComplete="new-password" value={v.confirm} onChange={(e) => setV({ ...v, confirm: e.target.value })} error={errors.confirm} />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={v.others} onChange={(e) => setV({ ...v, others: e.target.checked })} />
          Sign out my other sessions
        </label>
        <div>
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? "Changing…" : "Change password"}
          </Button>
        </div>
      </form>
    </section>
  );
}

function PersonalTokens({ role }: { role: RoleName }) {
  const tokens = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const announce = useAnnounce();
  const [name, setName] = useState("");
  const [tokenRole, setTokenRole] = useState<RoleName>(role);
  const [days, setDays] = useState("90");
  const [nameError, setNameError] = useState<string | undefined>();
  const [made, setMade] = useState<ApiTokenCreated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roles = RANK.slice(0, RANK.indexOf(role) + 1);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) {
      setNameError("Name it after where it will be used.");
      document.getElementById("token-name")?.focus();
      return;
    }
    setNameError(undefined);
    create.mutate(
      { name: name.trim(), role: tokenRole, ...(days ? { expiresInDays: Number(days) } : {}) },
      {
        onSuccess: (t) => {
          setMade(t);
          setName("");
          announce("Token made. Copy it now.");
        },
        onError: (err) => setError(`Could not make the token: ${errorText(err)}`),
      },
    );
  };

  return (
    <section aria-labelledby="tokens-heading" className="card px-5 py-4">
      <h2 id="tokens-heading" className="text-base font-semibold">
        Personal API tokens
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        For scripts and the command line: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A token acts
        as you, with at most the role you give it (and never more than yours).
      </p>
      <form noValidate onSubmit={onSubmit} className="mt-3 grid gap-3 sm:grid-cols-[1fr_10rem_10rem_auto] sm:items-end">
        <TextField id="token-name" label="Token name" value={name} onChange={(e) => setName(e.target.value)} error={nameError} placeholder="ci-upload" />
        <SelectField id="token-role" label="Role" value={tokenRole} onChange={(e) => setTokenRole(e.target.value as RoleName)} options={roles.map((r) => ({ value: r, label: r }))} />
        <SelectField
          id="token-expiry"
          label="Expires"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          options={[
            { value: "30", label: "in 30 days" },
            { value: "90", label: "in 90 days" },
            { value: "365", label: "in a year" },
            { value: "", label: "never" },
          ]}
        />
        <Button type="submit" variant="primary" disabled={create.isPending}>
          {create.isPending ? "Making…" : "Make token"}
        </Button>
      </form>
      <div className="mt-3 space-y-3">
        {error ? <Notice tone="error">{error}</Notice> : null}
        {made ? <TokenReveal token={made.token} label={`Token “${made.name}” (${made.role})`} /> : null}
        {tokens.isPending ? (
          <Loading />
        ) : tokens.isError ? (
          <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
        ) : (
          <TokenTable
            caption="Your personal tokens"
            tokens={tokens.data}
            busy={revoke.isPending}
            onRevoke={(id) => revoke.mutate(id, { onSuccess: () => announce("Token revoked.") })}
          />
        )}
      </div>
    </section>
  );
}
