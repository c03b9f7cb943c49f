"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Notice } from "@/components/ui/States";
import { postJson, signIn } from "./authApi";

export function InviteForm({ token, email, name }: { token: string; email: string; name: string }) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (password.length < 8) errs.password = "At least 8 characters.";
    if (confirm !== password) errs.confirm = "The two passwords differ.";
    setErrors(errs);
    setError(null);
    if (errs.password || errs.confirm) {
      document.getElementById(errs.password ? "invite-password" : "invite-confirm")?.focus();
      return;
    }
    setBusy(true);
    const r = await postJson("/api/v1/invites/accept", { token, password });
    if (!r.ok) {
      setBusy(false);
      setError(r.failure.status === 404 ? "This invitation cannot be used any more." : r.failure.message);
      return;
    }
    const failed = await signIn(email, password);
    window.location.assign(failed ? "/sign-in" : "/incidents");
  };

  return (
    <div className="mx-auto mt-10 max-w-md">
      <div className="card px-6 py-6">
        <h1 className="text-xl font-semibold">Welcome, {name}</h1>
        <p className="mt-2 text-sm text-slate-700">
          Set the password for <strong>{email}</strong>.
        </p>
        <form noValidate onSubmit={onSubmit} className="mt-4 space-y-4">
          {error ? <Notice tone="error">{error}</Notice> : null}
          <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
          <TextField id="invite-password" label="Password" type="password" autoComplete="new-password" hint="At least 8 characters." value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
          <TextField id="invite-confirm" label="Password again" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
          <Button type="submit" variant="primary" className="w-full" disabled={busy}>
            {busy ? "Saving…" : "Set password and sign in"}
          </Button>
        </form>
      </div>
    </div>
  );
}
