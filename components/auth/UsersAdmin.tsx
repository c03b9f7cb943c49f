"use client";

import { useState, type FormEvent } from "react";
import { ROLE_NAMES, type RoleName, type User } from "@/lib/schemas/auth";
import { useCreateUser, useUpdateUser, useUsers, type UserCreated } from "@/lib/client/auth";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { PageHeader } from "@/components/ui/PageHeader";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";
import { TokenReveal } from "./TokenReveal";

const roleOptions = ROLE_NAMES.map((r) => ({ value: r, label: r }));

export function UsersAdmin({ meId }: { meId: string }) {
  const users = useUsers();
  return (
    <div className="space-y-6">
      <PageHeader title="Users">
        <p className="text-sm text-slate-700">
          Viewers read, responders work incidents, admins manage users, clusters and tokens. Viewers and responders see the
          clusters they are members of (set on each cluster&apos;s page).
        </p>
      </PageHeader>
      <NewUserForm />
      <section aria-labelledby="users-heading" className="card px-5 py-4">
        <h2 id="users-heading" className="text-base font-semibold">
          Accounts
        </h2>
        {users.isPending ? (
          <Loading />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <UserTable users={users.data} meId={meId} />
        )}
      </section>
    </div>
  );
}

function NewUserForm() {
  const create = useCreateUser();
  const announce = useAnnounce();
  const [v, setV] = useState({ name: "", email: "", role: "viewer" as RoleName, password: "" });
  const [errors, setErrors] = useState<Partial<Record<"name" | "email" | "password", string>>>({});
  const [made, setMade] = useState<UserCreated | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!v.name.trim()) errs.name = "Their name, as others will see it.";
    if (!/^\S+@\S+\.\S+$/.test(v.email.trim())) errs.email = "An email address.";
    if (v.password && v.password.length < 8) errs.password = "At least 8 characters, or empty for an invitation.";
    setErrors(errs);
    setError(null);
    const first = (["name", "email", "password"] as const).find((k) => errs[k]);
    if (first) {
      document.getElementById(`new-user-${first}`)?.focus();
      return;
    }
    create.mutate(
      { name: v.name.trim(), email: v.email.trim(), role: v.role, ...(v.password ? { password: v.password } : {}) },
      {
        onSuccess: (u) => {
          setMade(u);
          setV({ name: "", email: "", role: v.role, password: "" });
          announce(u.invite ? "Invitation made. Copy the link now." : "User made.");
        },
        onError: (err) => setError(`Could not make the user: ${errorText(err)}`),
      },
    );
  };

  return (
    <section aria-labelledby="new-user-heading" className="card px-5 py-4">
      <h2 id="new-user-heading" className="text-base font-semibold">
        Add a user
      </h2>
      <form noValidate onSubmit={onSubmit} className="mt-3 grid gap-3 sm:grid-cols-2">
        <TextField id="new-user-name" label="Name" autoComplete="off" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} error={errors.name} />
        <TextField id="new-user-email" label="Email" type="email" autoComplete="off" value={v.email} onChange={(e) => setV({ ...v, email: e.target.value })} error={errors.email} />
        <SelectField id="new-user-role" label="Role" value={v.role} onChange={(e) => setV({ ...v, role: e.target.value as RoleName })} options={roleOptions} />
        <TextField
          id="new-user-password"
          label="Password (optional)"
          type="password"
          autoComplete="new-password"
          hint="Leave empty to get an invitation link (valid 7 days) with which they set their own."
          value={v.password}
          onChange={(e) => setV({ ...v, password: e.target.value })}
          error={errors.password}
        />
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </Button>
        </div>
      </form>
      <div className="mt-3 space-y-2">
        {error ? <Notice tone="error">{error}</Notice> : null}
        {made?.invite ? (
          <TokenReveal token={`${window.location.origin}${made.invite.path}`} label={`Invitation link for ${made.email}`} />
        ) : made ? (
          <Notice tone="success">
            {made.name} ({made.email}) can sign in now as {made.role}.
          </Notice>
        ) : null}
      </div>
    </section>
  );
}

function UserTable({ users, meId }: { users: User[]; meId: string }) {
  const update = useUpdateUser();
  const announce = useAnnounce();
  const [error, setError] = useState<string | null>(null);
  const change = (u: User, patch: { role?: RoleName; disabled?: boolean }, done: string) => {
    setError(null);
    update.mutate(
      { id: u.id, ...patch },
      {
        onSuccess: () => announce(done),
        onError: (err) => setError(`Could not change ${u.email}: ${errorText(err)}`),
      },
    );
  };
  return (
    <div className="mt-2 space-y-2">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Accounts</caption>
          <thead className="border-b border-slate-200 text-xs text-slate-600 uppercase">
            <tr>
              <th scope="col" className="py-2 pr-3 font-semibold">Name</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Email</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Role</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Clusters</th>
              <th scope="col" className="py-2 pr-3 font-semibold">Status</th>
              <th scope="col" className="py-2 font-semibold"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-slate-100 last:border-0" data-testid="user-row" data-email={u.email}>
                <td className="py-2 pr-3 font-medium">
                  {u.name}
                  {u.id === meId ? <span className="ml-1 text-xs text-slate-600">(you)</span> : null}
                </td>
                <td className="py-2 pr-3">{u.email}</td>
                <td className="py-2 pr-3">
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.email}
                  </label>
                  <select
                    id={`role-${u.id}`}
                    className="input w-32 py-1"
                    value={u.role}
                    disabled={update.isPending}
                    onChange={(e) => change(u, { role: e.target.value as RoleName }, `${u.email} is now ${e.target.value}.`)}
                  >
                    {roleOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="py-2 pr-3 tabular-nums">{u.role === "admin" ? "all" : u.clusterIds.length}</td>
                <td className="py-2 pr-3">
                  {u.disabled ? <span className="text-red-800">disabled</span> : u.invited ? <span className="text-amber-800">invited</span> : <span className="text-emerald-800">active</span>}
                </td>
                <td className="py-2 text-right">
                  {u.id === meId ? null : u.disabled ? (
                    <Button size="sm" onClick={() => change(u, { disabled: false }, `${u.email} is enabled.`)}>
                      Enable<span className="sr-only"> {u.email}</span>
                    </Button>
                  ) : (
                    <Button size="sm" variant="danger" onClick={() => change(u, { disabled: true }, `${u.email} is disabled and signed out.`)}>
                      Disable<span className="sr-only"> {u.email}</span>
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
