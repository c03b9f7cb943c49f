import type { ChecklistViewItem } from "@/lib/schemas/warroom";

type Status = ChecklistViewItem["status"];

// Status is spelled out and shaped, never colour alone; colours keep ≥ 4.5:1 text contrast.
const STYLE: Record<Status, { label: string; cls: string; icon: string }> = {
  fail: { label: "Fail", cls: "bg-red-700 text-white", icon: "✕" },
  warn: { label: "Warn", cls: "bg-amber-300 text-amber-950", icon: "!" },
  pass: { label: "Pass", cls: "bg-emerald-700 text-white", icon: "✓" },
  unknown: { label: "Not enough evidence", cls: "bg-slate-200 text-slate-800", icon: "?" },
};

export function StatusPill({ status, compact = false }: { status: Status; compact?: boolean }) {
  const s = STYLE[status];
  return (
    <span
      className={`inline-flex shrink-0 items-center gap-1 rounded px-1.5 py-0.5 text-[11px] leading-4 font-semibold ${s.cls}`}
      data-status={status}
    >
      <span aria-hidden="true">{s.icon}</span>
      {compact && status === "unknown" ? "Unknown" : s.label}
    </span>
  );
}

export const STATUS_LABEL: Record<Status, string> = { fail: "Fail", warn: "Warn", pass: "Pass", unknown: "Not enough evidence" };
