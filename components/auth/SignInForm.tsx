"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Notice } from "@/components/ui/States";
import { signIn } from "./authApi";

export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  // Once the message is on the page, move focus to it so a screen reader reads it and the user is where to fix it.
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    setError(null);
    const failed = await signIn(email.trim(), password);
    if (!failed) {
      // A full load, so the server renders the next page with the new session.
      window.location.assign(next);
      return;
    }
    setBusy(false);
    setError(failed.message);
  };

  return (
    <div className="mx-auto mt-10 max-w-sm">
      <p className="flex items-center gap-2 text-lg font-semibold tracking-tight">
        <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-full bg-red-500" />
        netmortem
      </p>
      <div className="card mt-4 px-6 py-6">
        <h1 className="text-xl font-semibold">Sign in</h1>
        <form noValidate onSubmit={onSubmit} className="mt-4 space-y-4" aria-describedby={error ? "sign-in-error" : undefined}>
          {error ? (
            <div id="sign-in-error" ref={errorRef} tabIndex={-1}>
              <Notice tone="error">{error}</Notice>
            </div>
          ) : null}
          <TextField
            id="email"
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            id="password"
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" className="w-full" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </div>
      <p className="mt-3 text-center text-xs text-slate-600">Accounts are made by an administrator.</p>
    </div>
  );
}
