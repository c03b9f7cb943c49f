"use client";

import { useState } from "react";
import { INCIDENT_LIMITS } from "@/lib/client/forms";
import { useUpdateIncident } from "@/lib/client/incidents";
import type { Incident } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { TextAreaField } from "@/components/ui/Field";
import { errorText } from "@/components/ui/States";

export function SummaryEditor({ incident }: { incident: Incident }) {
  const update = useUpdateIncident(incident.id);
  const announce = useAnnounce();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();

  if (draft === null) {
    return (
      <div>
        {incident.summary ? (
          <p className="text-sm whitespace-pre-wrap text-slate-800" data-testid="incident-summary">{incident.summary}</p>
        ) : (
          <p className="text-sm text-slate-600 italic">No summary yet.</p>
        )}
        <Button size="sm" variant="ghost" className="mt-1 -ml-2.5" onClick={() => setDraft(incident.summary ?? "")}>
          Edit summary
        </Button>
      </div>
    );
  }

  const save = () => {
    if (draft.length > INCIDENT_LIMITS.summary) {
      setError(`At most ${INCIDENT_LIMITS.summary} characters.`);
      return;
    }
    update.mutate(
      { summary: draft },
      {
        onSuccess: () => {
          setDraft(null);
          setError(undefined);
          announce("Summary saved.");
        },
        onError: (err) => setError(errorText(err)),
      },
    );
  };

  return (
    <div className="space-y-2">
      <TextAreaField
        label="Summary"
        rows={5}
        value={draft}
        autoFocus
        onChange={(e) => setDraft(e.target.value)}
        error={error}
        hint={`${draft.length}/${INCIDENT_LIMITS.summary}`}
        onKeyDown={(e) => {
          if (e.key === "Escape") setDraft(null);
        }}
      />
      <div className="flex gap-2">
        <Button size="sm" variant="primary" onClick={save} disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save summary"}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setDraft(null)}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
