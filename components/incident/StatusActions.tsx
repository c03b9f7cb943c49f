"use client";

import { useState } from "react";
import { isApiError } from "@/lib/client/api";
import { useChangeIncidentStatus } from "@/lib/client/incidents";
import { STATUS_TRANSITIONS, type Incident, type IncidentStatus } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Notice, errorText } from "@/components/ui/States";

const actionLabel: Record<IncidentStatus, (from: IncidentStatus) => string> = {
  mitigated: () => "Mark mitigated",
  resolved: () => "Resolve",
  open: (from) => (from === "resolved" ? "Reopen" : "Back to open"),
};

type Outcome = { tone: "success" | "warning" | "error"; text: string } | null;

export function StatusActions({ incident }: { incident: Incident }) {
  const change = useChangeIncidentStatus(incident.id);
  const announce = useAnnounce();
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Why the status changed goes into the status-change event on the timeline.
  const [note, setNote] = useState("");
  const targets = STATUS_TRANSITIONS[incident.status];

  const go = (to: IncidentStatus) => {
    setOutcome(null);
    change.mutate(
      { to, expectedVersion: incident.version, ...(note.trim() ? { note: note.trim() } : {}) },
      {
        onSuccess: (updated) => {
          setNote("");
          const text = `Status changed to ${updated.status}.`;
          setOutcome({ tone: "success", text });
          announce(text);
        },
        onError: (err) => {
          let o: Outcome;
          if (isApiError(err) && err.status === 409)
            o = { tone: "warning", text: "Someone else changed the status; reloaded. Check the current state and try again if still needed." };
          else if (isApiError(err) && err.code === "invalid_transition")
            o = { tone: "error", text: `That change is not allowed: ${err.message}` };
          else o = { tone: "error", text: `Could not change the status: ${errorText(err)}` };
          setOutcome(o);
          announce(o.text);
        },
      },
    );
  };

  return (
    <div className="w-full max-w-xs space-y-2 sm:w-72">
      <TextField
        id="status-note"
        label="Status change note (optional)"
        placeholder="e.g. rolled back the MTU change"
        maxLength={10000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <div className="flex flex-wrap gap-2" role="group" aria-label="Change status">
        {targets.map((to) => (
          <Button
            key={to}
            size="sm"
            variant={to === "resolved" ? "primary" : "secondary"}
            disabled={change.isPending}
            onClick={() => go(to)}
          >
            {actionLabel[to](incident.status)}
          </Button>
        ))}
      </div>
      {outcome && outcome.tone !== "success" ? (
        <div data-testid="status-outcome">
          <Notice tone={outcome.tone}>{outcome.text}</Notice>
        </div>
      ) : null}
    </div>
  );
}
