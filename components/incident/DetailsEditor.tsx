"use client";

import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { useClusters } from "@/lib/client/clusters";
import { INCIDENT_LIMITS, type FieldErrors } from "@/lib/client/forms";
import { useUpdateIncident, type UpdateIncidentInput } from "@/lib/client/incidents";
import { SEVERITIES, type Incident, type Severity } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { focusFirstError } from "@/components/ui/focus";
import { Notice, errorText } from "@/components/ui/States";
import { SEVERITY_LABEL } from "./badges";

type Field = "title" | "severity" | "commander" | "clusterId";
const ORDER: Field[] = ["title", "severity", "clusterId", "commander"];
const fid = (f: Field) => `edit-${f}`;

/** Inline edit of the header fields; sends only what changed (PATCH). Status is not here: it has its own guarded endpoint. */
export function DetailsEditor({ incident, onDone }: { incident: Incident; onDone: () => void }) {
  const update = useUpdateIncident(incident.id);
  const clusters = useClusters();
  const announce = useAnnounce();
  const [values, setValues] = useState({
    title: incident.title,
    severity: incident.severity as string,
    commander: incident.commander ?? "",
    clusterId: incident.clusterId ?? "",
  });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (k: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const errs: FieldErrors<Field> = {};
    const title = values.title.trim();
    if (!title) errs.title = "Give the incident a title.";
    else if (title.length > INCIDENT_LIMITS.title) errs.title = `At most ${INCIDENT_LIMITS.title} characters (now ${title.length}).`;
    if (values.commander.trim().length > INCIDENT_LIMITS.commander) errs.commander = `At most ${INCIDENT_LIMITS.commander} characters.`;
    if (Object.keys(errs).length) {
      setErrors(errs);
      focusFirstError(ORDER, errs, fid);
      return;
    }
    const patch: UpdateIncidentInput = {};
    if (title !== incident.title) patch.title = title;
    if (values.severity !== incident.severity) patch.severity = values.severity as Severity;
    if (values.commander.trim() !== (incident.commander ?? "")) patch.commander = values.commander.trim();
    if (values.clusterId !== (incident.clusterId ?? "")) patch.clusterId = values.clusterId || null;
    if (Object.keys(patch).length === 0) {
      onDone();
      return;
    }
    update.mutate(patch, {
      onSuccess: () => {
        announce("Incident details saved.");
        onDone();
      },
      onError: (err) => {
        if (isApiError(err)) {
          const fe = err.fieldErrors();
          const known: FieldErrors<Field> = {};
          for (const f of ORDER) if (fe[f]) known[f] = fe[f];
          setErrors(known);
        }
        setFormError(`Could not save: ${errorText(err)}`);
      },
    });
  };

  const clusterOptions = [
    { value: "", label: "No cluster" },
    ...(clusters.data?.pages.flatMap((p) => p.data) ?? []).map((c) => ({ value: c.id, label: c.name })),
  ];
  if (values.clusterId && !clusterOptions.some((o) => o.value === values.clusterId))
    clusterOptions.push({ value: values.clusterId, label: incident.cluster?.name ?? "Current cluster" });

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-3" aria-label="Edit incident details">
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <TextField id={fid("title")} label="Title" autoFocus value={values.title} onChange={set("title")} error={errors.title} />
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          id={fid("severity")}
          label="Severity"
          value={values.severity}
          onChange={set("severity")}
          error={errors.severity}
          options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] }))}
        />
        <SelectField id={fid("clusterId")} label="Cluster" value={values.clusterId} onChange={set("clusterId")} error={errors.clusterId} options={clusterOptions} />
        <TextField id={fid("commander")} label="Commander" value={values.commander} onChange={set("commander")} error={errors.commander} />
      </div>
      <div className="flex gap-2">
        <Button type="submit" size="sm" variant="primary" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save details"}
        </Button>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
