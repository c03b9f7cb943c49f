"use client";

import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { NOTE_LIMITS, validateNote, type FieldErrors, type NoteField, type NoteFormValues } from "@/lib/client/forms";
import { WRITABLE_TIMELINE_KINDS } from "@/lib/client/models";
import { useAddTimelineEvent } from "@/lib/client/timeline";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { SelectField, TextAreaField } from "@/components/ui/Field";
import { focusFirstError } from "@/components/ui/focus";
import { Notice, errorText } from "@/components/ui/States";

const ORDER: NoteField[] = ["kind", "body"];
const fid = (f: NoteField) => `note-${f}`;

export function AddNoteForm({ incidentId }: { incidentId: string }) {
  const add = useAddTimelineEvent(incidentId);
  const announce = useAnnounce();
  const [values, setValues] = useState<NoteFormValues>({ kind: "note", body: "" });
  const [errors, setErrors] = useState<FieldErrors<NoteField>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (k: NoteField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [k]: e.target.value }));
    if (errors[k]) setErrors((o) => ({ ...o, [k]: undefined }));
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const r = validateNote(values);
    if (!r.ok) {
      setErrors(r.errors);
      focusFirstError(ORDER, r.errors, fid);
      return;
    }
    add.mutate(r.value, {
      onSuccess: () => {
        // The kind stays: people usually log several events of the same kind in a row.
        setValues((v) => ({ ...v, body: "" }));
        setErrors({});
        announce("Added to the timeline.");
      },
      onError: (err) => {
        if (isApiError(err)) {
          const fe = err.fieldErrors();
          setErrors({ kind: fe.kind, body: fe.body });
        }
        setFormError(`Could not add: ${errorText(err)}`);
        announce("Could not add to the timeline.");
      },
    });
  };

  return (
    <form noValidate onSubmit={onSubmit} aria-labelledby="add-note-heading" className="space-y-3">
      <h3 id="add-note-heading" className="text-sm font-semibold text-slate-800">
        Add to the timeline
      </h3>
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          id={fid("kind")}
          label="Kind"
          name="kind"
          value={values.kind}
          onChange={set("kind")}
          error={errors.kind}
          options={WRITABLE_TIMELINE_KINDS.map((k) => ({ value: k, label: k }))}
        />
      </div>
      <TextAreaField
        id={fid("body")}
        label="Note"
        name="body"
        rows={3}
        required
        maxLength={NOTE_LIMITS.body}
        placeholder="What happened, what you saw, what you did."
        value={values.body}
        onChange={set("body")}
        error={errors.body}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter posts without leaving the keyboard, as in most chat tools.
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        hint="Ctrl+Enter to add."
      />
      <Button type="submit" variant="primary" size="sm" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add to timeline"}
      </Button>
    </form>
  );
}
