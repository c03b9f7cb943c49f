"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Notice } from "@/components/ui/States";
import { postJson, signIn } from "./authApi";

type Field = "name" | "email" | "password" | "confirm";

export function SetupForm() {
  const [values, setValues] = useState<Record<Field, string>>({ name: "", email: "", password: "", confirm: "" });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Partial<Record<Field, string>> = {};
    if (!values.name.trim()) errs.name = "Your name, as others will see it.";
    if (!/^\S+@\S+\.\S+$/.test(values.email.trim())) errs.email = "An email address.";
    if (values.password.length < 8) errs.password = "At least 8 characters.";
    if (values.confirm !== values.password) errs.confirm = "The two passwords differ.";
    setErrors(errs);
    setFormError(null);
    const first = (["name", "email", "password", "confirm"] as Field[]).find((f) => errs[f]);
    if (first) {
      document.getElementById(`setup-${first}`)?.focus();
      return;
    }
    setBusy(true);
    const made = await postJson("/api/v1/setup", { name: values.name.trim(), email: values.email.trim(), password: values.password });
    if (!made.ok) {
      setBusy(false);
      setFormError(made.failure.status === 404 ? "The set-up is already done: sign in instead." : made.failure.message);
      const fe: Partial<Record<Field, string>> = {};
      for (const i of made.issues) if (i.path in values) fe[i.path as Field] = i.message;
      setErrors(fe);
      return;
    }
    const failed = await signIn(values.email.trim(), values.password);
    window.location.assign(failed ? "/sign-in" : "/incidents");
  };

  return (
    <div className="mx-auto mt-10 max-w-md">
      <div className="card px-6 py-6">
        <h1 className="text-xl font-semibold">Set up netmortem</h1>
        <p className="mt-2 text-sm text-slate-700">
          No account exists yet. Make the first administrator; this page goes away once it exists. (To skip it, start the
          server with <code className="font-mono">NETMORTEM_ADMIN_EMAIL</code> and{" "}
          <code className="font-mono">NETMORTEM_ADMIN_PASSWORD</code>.)
        </p>
        <form noValidate onSubmit={onSubmit} className="mt-4 space-y-4">
          {formError ? <Notice tone="error">{formError}</Notice> : null}
          <TextField id="setup-name" label="Name" name="name" autoComplete="name" required value={values.name} onChange={set("name")} error={errors.name} />
          <TextField id="setup-email" label="Email" name="email" type="email" autoComplete="username" required value={values.email} onChange={set("email")} error={errors.email} />
          <TextField
            id="setup-password"
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            hint="At least 8 characters."
            value={values.password}
            onChange={set("password")}
            error={errors.password}
          />
          <TextField
            id="setup-confirm"
            label="Password again"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            value={values.confirm}
            onChange={set("confirm")}
            error={errors.confirm}
          />
          <Button type="submit" variant="primary" className="w-full" disabled={busy}>
            {busy ? "Creating…" : "Create the administrator"}
          </Button>
        </form>
      </div>
    </div>
  );
}
