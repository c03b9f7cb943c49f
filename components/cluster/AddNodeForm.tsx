"use client";

import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { useCreateNode } from "@/lib/client/clusters";
import { validateNode, type FieldErrors, type NodeField, type NodeFormValues } from "@/lib/client/forms";
import { NODE_ROLES } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { focusFirstError } from "@/components/ui/focus";
import { Notice, errorText } from "@/components/ui/States";

const EMPTY: NodeFormValues = { name: "", role: "worker", addresses: "", kernelVersion: "" };
const ORDER: NodeField[] = ["name", "role", "addresses", "kernelVersion"];
const fid = (f: NodeField) => `node-${f}`;

export function AddNodeForm({ clusterId }: { clusterId: string }) {
  const create = useCreateNode(clusterId);
  const announce = useAnnounce();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors<NodeField>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (k: NodeField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    if (errors[k]) setErrors((o) => ({ ...o, [k]: undefined }));
  };
  const field = (k: NodeField) => ({ id: fid(k), name: k, value: values[k], onChange: set(k), error: errors[k] });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const r = validateNode(values);
    if (!r.ok) {
      setErrors(r.errors);
      focusFirstError(ORDER, r.errors, fid);
      return;
    }
    create.mutate(r.value, {
      onSuccess: (n) => {
        setValues((v) => ({ ...EMPTY, role: v.role }));
        setErrors({});
        announce(`Node ${n.name} added.`);
        document.getElementById(fid("name"))?.focus();
      },
      onError: (err) => {
        if (isApiError(err)) {
          const fe = err.fieldErrors();
          const known: FieldErrors<NodeField> = {};
          for (const f of ORDER) if (fe[f]) known[f] = fe[f];
          if (err.status === 409 && !known.name) known.name = err.message;
          setErrors(known);
        }
        setFormError(`Could not add the node: ${errorText(err)}`);
        announce("Could not add the node.");
      },
    });
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-3" aria-labelledby="add-node-heading">
      <h2 id="add-node-heading" className="text-sm font-semibold text-slate-800">
        Add a node
      </h2>
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="Name" required placeholder="worker-3" {...field("name")} />
        <SelectField label="Role" options={NODE_ROLES.map((r) => ({ value: r, label: r }))} {...field("role")} />
        <TextField label="Addresses" placeholder="10.0.0.13, fd00::13" hint="Comma-separated IPs, up to 16" {...field("addresses")} />
        <TextField label="Kernel version" placeholder="5.15.0-105-generic" {...field("kernelVersion")} />
      </div>
      <Button type="submit" variant="primary" size="sm" disabled={create.isPending}>
        {create.isPending ? "Adding…" : "Add node"}
      </Button>
    </form>
  );
}
