import { Badge } from "@/components/ui/Badge";
import type { IncidentStatus, Severity, TimelineKind } from "@/lib/client/models";

// Colours chosen for ≥4.5:1 text contrast; severity is also spelled out, never colour alone.
const severityClass: Record<Severity, string> = {
  sev1: "bg-red-700 text-white",
  sev2: "bg-orange-700 text-white",
  sev3: "bg-amber-300 text-amber-950",
  sev4: "bg-slate-200 text-slate-800",
};
const severityTitle: Record<Severity, string> = {
  sev1: "SEV1: critical, customer-facing outage",
  sev2: "SEV2: major degradation",
  sev3: "SEV3: minor impact",
  sev4: "SEV4: no user impact",
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  sev1: "SEV1 · critical",
  sev2: "SEV2 · major",
  sev3: "SEV3 · minor",
  sev4: "SEV4 · low",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge className={severityClass[severity]} title={severityTitle[severity]}>
      {severity}
    </Badge>
  );
}

const statusClass: Record<IncidentStatus, string> = {
  open: "bg-red-50 text-red-800 ring-1 ring-red-300 ring-inset",
  mitigated: "bg-amber-50 text-amber-900 ring-1 ring-amber-400 ring-inset",
  resolved: "bg-emerald-50 text-emerald-800 ring-1 ring-emerald-300 ring-inset",
};

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge className={statusClass[status]}>
      <span
        aria-hidden="true"
        className={`mr-1 inline-block h-1.5 w-1.5 rounded-full ${status === "open" ? "bg-red-600" : status === "mitigated" ? "bg-amber-500" : "bg-emerald-600"}`}
      />
      {status}
    </Badge>
  );
}

const kindClass: Record<TimelineKind, string> = {
  note: "bg-slate-100 text-slate-700",
  detection: "bg-sky-100 text-sky-900",
  diagnosis: "bg-violet-100 text-violet-900",
  repair: "bg-emerald-100 text-emerald-900",
  "key-moment": "bg-amber-100 text-amber-900",
  "status-change": "bg-slate-800 text-white",
};

export function KindBadge({ kind }: { kind: TimelineKind }) {
  return <Badge className={kindClass[kind]}>{kind}</Badge>;
}
