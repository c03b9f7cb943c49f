"use client";

import { useState } from "react";
import { isApiError } from "@/lib/client/api";
import { useChangeIncidentStatus } from "@/lib/client/incidents";
import { STATUS_TRANSITIONS, type Incident, type IncidentStatus } from "@/lib/client/models";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
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
  const targets = STATUS_TRANSITIONS[incident.status];

  const go = (to: IncidentStatus) => {
    setOutcome(null);
    change.mutate(
      { to, expectedVersion: incident.version },
      {
        onSuccess: (updated) => {
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
    <div className="space-y-2">
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
