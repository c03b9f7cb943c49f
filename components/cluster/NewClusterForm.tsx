"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { useCreateCluster } from "@/lib/client/clusters";
import { MTU_MAX, MTU_MIN, validateCluster, type ClusterField, type ClusterFormValues, type FieldErrors } from "@/lib/client/forms";
import { CNIS, KUBE_PROXY_MODES } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { focusFirstError } from "@/components/ui/focus";
import { Notice, errorText } from "@/components/ui/States";

const EMPTY: ClusterFormValues = {
  name: "",
  provider: "",
  kubernetesVersion: "",
  cni: "",
  cniMode: "",
  underlayMtu: "",
  overlayMtu: "",
  nodePortRange: "",
  podCidr: "",
  serviceCidr: "",
  kubeProxyMode: "",
};
const ORDER = Object.keys(EMPTY) as ClusterField[];
const fid = (f: ClusterField) => `cluster-${f}`;

export function NewClusterForm() {
  const create = useCreateCluster();
  const router = useRouter();
  const announce = useAnnounce();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors<ClusterField>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (k: ClusterField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    if (errors[k]) setErrors((o) => ({ ...o, [k]: undefined }));
  };
  const field = (k: ClusterField) => ({ id: fid(k), name: k, value: values[k], onChange: set(k), error: errors[k] });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const r = validateCluster(values);
    if (!r.ok) {
      setErrors(r.errors);
      focusFirstError(ORDER, r.errors, fid);
      return;
    }
    create.mutate(r.value, {
      onSuccess: (c) => {
        announce(`Cluster ${c.name} created.`);
        router.push(`/clusters/${c.id}`);
      },
      onError: (err) => {
        if (isApiError(err)) {
          const fe = err.fieldErrors();
          const known: FieldErrors<ClusterField> = {};
          for (const f of ORDER) if (fe[f]) known[f] = fe[f];
          // A duplicate name comes back as 409 without issues; it belongs next to the name field.
          if (err.status === 409 && !known.name) known.name = err.message;
          setErrors(known);
          focusFirstError(ORDER, known, fid);
        }
        setFormError(`Could not create the cluster: ${errorText(err)}`);
        announce("Could not create the cluster.");
      },
    });
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-3" aria-labelledby="new-cluster-heading">
      <h2 id="new-cluster-heading" className="text-sm font-semibold text-slate-800">
        Add a cluster
      </h2>
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <TextField label="Name" required placeholder="prod-eu-1" {...field("name")} />
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Provider" placeholder="eks, gke, on-prem…" {...field("provider")} />
        <TextField label="K8s version" placeholder="1.29.4" {...field("kubernetesVersion")} />
        <SelectField label="CNI" options={[{ value: "", label: "Unknown" }, ...CNIS.map((c) => ({ value: c, label: c }))]} {...field("cni")} />
        <TextField label="CNI mode" placeholder="vxlan, ipip, host-gw…" {...field("cniMode")} />
        <TextField label="Underlay MTU" inputMode="numeric" placeholder="1500" hint={`${MTU_MIN}–${MTU_MAX}`} {...field("underlayMtu")} />
        <TextField label="Overlay MTU" inputMode="numeric" placeholder="1450" hint={`${MTU_MIN}–${MTU_MAX}`} {...field("overlayMtu")} />
        <TextField label="NodePort range" placeholder="30000-32767" {...field("nodePortRange")} />
        <SelectField
          label="kube-proxy mode"
          options={[{ value: "", label: "Unknown" }, ...KUBE_PROXY_MODES.map((m) => ({ value: m, label: m }))]}
          {...field("kubeProxyMode")}
        />
        <TextField label="Pod CIDR" placeholder="10.244.0.0/16" {...field("podCidr")} />
        <TextField label="Service CIDR" placeholder="10.96.0.0/12" {...field("serviceCidr")} />
      </div>
      <Button type="submit" variant="primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create cluster"}
      </Button>
    </form>
  );
}
