"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { useClusters } from "@/lib/client/clusters";
import { INCIDENT_LIMITS, validateIncident, type FieldErrors, type IncidentField, type IncidentFormValues } from "@/lib/client/forms";
import { useCreateIncident } from "@/lib/client/incidents";
import { SEVERITIES } from "@/lib/client/models";
import { toDateTimeLocal } from "@/lib/client/time";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextAreaField, TextField } from "@/components/ui/Field";
import { focusFirstError } from "@/components/ui/focus";
import { PageHeader } from "@/components/ui/PageHeader";
import { Notice, errorText } from "@/components/ui/States";
import { SEVERITY_LABEL } from "./badges";

const FIELD_ORDER: IncidentField[] = ["title", "severity", "clusterId", "startedAt", "detectedAt", "commander", "summary"];
const fieldId = (f: IncidentField) => `incident-${f}`;

export function NewIncidentForm({ defaultClusterId }: { defaultClusterId?: string }) {
  const router = useRouter();
  const announce = useAnnounce();
  const clusters = useClusters();
  const create = useCreateIncident();
  const [values, setValues] = useState<IncidentFormValues>({
    title: "",
    severity: "sev2",
    clusterId: defaultClusterId ?? "",
    startedAt: "",
    detectedAt: "",
    commander: "",
    summary: "",
  });
  const [errors, setErrors] = useState<FieldErrors<IncidentField>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (k: IncidentField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    if (errors[k]) setErrors((old) => ({ ...old, [k]: undefined }));
  };
  const now = (k: "startedAt" | "detectedAt") => () => set(k)({ target: { value: toDateTimeLocal(new Date()) } });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const r = validateIncident(values);
    if (!r.ok) {
      setErrors(r.errors);
      announce("The form has errors; fix the highlighted fields.");
      focusFirstError(FIELD_ORDER, r.errors, fieldId);
      return;
    }
    setErrors({});
    create.mutate(r.value, {
      onSuccess: (incident) => {
        announce(`Incident "${incident.title}" declared.`);
        router.push(`/incidents/${incident.id}`);
      },
      onError: (err) => {
        if (isApiError(err)) {
          const fe = err.fieldErrors();
          const known: FieldErrors<IncidentField> = {};
          for (const f of FIELD_ORDER) if (fe[f]) known[f] = fe[f];
          setErrors(known);
          const unplaced = err.issues.filter((i) => !FIELD_ORDER.includes(i.path.split(".")[0] as IncidentField));
          setFormError(
            Object.keys(known).length && !unplaced.length
              ? "The server refused some fields; see the messages below."
              : [err.message, ...unplaced.map((i) => `${i.path || "body"}: ${i.message}`)].join(" "),
          );
          focusFirstError(FIELD_ORDER, known, fieldId);
        } else setFormError(errorText(err));
        announce("Could not declare the incident.");
      },
    });
  };

  const clusterOptions = [
    { value: "", label: clusters.isPending ? "Loading clusters…" : "No cluster" },
    ...(clusters.data?.pages.flatMap((p) => p.data) ?? []).map((c) => ({ value: c.id, label: c.name })),
  ];

  return (
    <>
      <PageHeader title="Declare an incident" />
      <form noValidate onSubmit={onSubmit} className="card max-w-3xl space-y-4 p-5" aria-describedby={formError ? "incident-form-error" : undefined}>
        {formError ? (
          <div id="incident-form-error">
            <Notice tone="error">{formError}</Notice>
          </div>
        ) : null}
        <TextField
          id={fieldId("title")}
          label="Title"
          name="title"
          required
          maxLength={INCIDENT_LIMITS.title + 50}
          placeholder="e.g. Intermittent 502s from ingress after node upgrade"
          value={values.title}
          onChange={set("title")}
          error={errors.title}
          hint={`${values.title.trim().length}/${INCIDENT_LIMITS.title}`}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            id={fieldId("severity")}
            label="Severity"
            name="severity"
            value={values.severity}
            onChange={set("severity")}
            error={errors.severity}
            options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] }))}
          />
          <SelectField
            id={fieldId("clusterId")}
            label="Cluster"
            name="clusterId"
            value={values.clusterId}
            onChange={set("clusterId")}
            error={errors.clusterId}
            options={clusterOptions}
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="flex items-start gap-2">
            <TextField
              id={fieldId("startedAt")}
              className="flex-1"
              label="Started at"
              name="startedAt"
              type="datetime-local"
              required
              value={values.startedAt}
              onChange={set("startedAt")}
              error={errors.startedAt}
              hint="Your local time zone"
            />
            <Button size="sm" className="mt-6" onClick={now("startedAt")} aria-label="Set started at to now">
              Now
            </Button>
          </div>
          <div className="flex items-start gap-2">
            <TextField
              id={fieldId("detectedAt")}
              className="flex-1"
              label="Detected at (optional)"
              name="detectedAt"
              type="datetime-local"
              value={values.detectedAt}
              onChange={set("detectedAt")}
              error={errors.detectedAt}
              hint="When someone or something noticed"
            />
            <Button size="sm" className="mt-6" onClick={now("detectedAt")} aria-label="Set detected at to now">
              Now
            </Button>
          </div>
        </div>
        <TextField
          id={fieldId("commander")}
          label="Incident commander (optional)"
          name="commander"
          autoComplete="name"
          value={values.commander}
          onChange={set("commander")}
          error={errors.commander}
        />
        <TextAreaField
          id={fieldId("summary")}
          label="Summary (optional)"
          name="summary"
          rows={4}
          value={values.summary}
          onChange={set("summary")}
          error={errors.summary}
          hint="What is broken, for whom, since when."
        />
        <div className="flex items-center gap-3 pt-1">
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Declaring…" : "Declare incident"}
          </Button>
          <Button variant="ghost" onClick={() => router.back()}>
            Cancel
          </Button>
        </div>
      </form>
    </>
  );
}
