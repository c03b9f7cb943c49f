"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { useDecideFinding, useFindings } from "@/lib/client/warroom";
import type { FindingList, FindingView } from "@/lib/schemas/warroom";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { EmptyState, ErrorState, Loading, Notice, errorText } from "@/components/ui/States";
import { evidenceAnchor } from "../evidenceAnchor";

/** Ranked hypotheses: confidence, evidence for and against, the fix with its risk; confirm one or reject with a reason. */
export function Findings({ incidentId, initial, canEdit }: { incidentId: string; initial?: FindingList; canEdit: boolean }) {
  const q = useFindings(incidentId, initial);
  if (q.isPending) return <Loading label="Loading findings…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the findings" onRetry={() => void q.refetch()} />;
  const { findings } = q.data;
  if (findings.length === 0)
    return <EmptyState title="No findings">{q.data.analysisId ? "The analysis found no network or kernel cause." : "No analysis yet."}</EmptyState>;
  const confirmed = findings.find((f) => f.decision?.verdict === "confirmed");
  return (
    <ol className="space-y-3" data-testid="findings">
      {findings.map((f) => (
        <FindingCard key={`${f.rank}-${f.id}`} incidentId={incidentId} f={f} canEdit={canEdit} otherConfirmed={Boolean(confirmed && confirmed.id !== f.id)} />
      ))}
    </ol>
  );
}

function FindingCard({ incidentId, f, canEdit, otherConfirmed }: { incidentId: string; f: FindingView; canEdit: boolean; otherConfirmed: boolean }) {
  const decide = useDecideFinding(incidentId);
  const announce = useAnnounce();
  const [error, setError] = useState<string | null>(null);
  const d = f.decision;
  const pct = Math.round(f.confidence * 100);
  const run = (verdict: "confirmed" | "rejected" | "open", reason?: string) => {
    setError(null);
    decide.mutate(
      { findingId: f.id, verdict, reason },
      {
        onSuccess: () => announce(verdict === "confirmed" ? `Confirmed ${f.title} as the root cause.` : verdict === "rejected" ? `Rejected ${f.title}.` : `Reopened ${f.title}.`),
        onError: (err) => setError(errorText(err)),
      },
    );
  };
  return (
    <li className={`card p-4 ${d?.verdict === "confirmed" ? "ring-2 ring-red-700" : d?.verdict === "rejected" ? "opacity-80" : ""}`} data-testid="finding" data-finding={f.id} data-verdict={d?.verdict ?? "open"}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="text-xs text-slate-600">
            #{f.rank} · <span className="font-mono">{f.id}</span>
          </p>
          <h3 className="text-base font-semibold text-slate-900">{f.title}</h3>
        </div>
        <div className="w-40 shrink-0">
          <p className="text-right text-sm font-semibold text-slate-900">{pct} %</p>
          <div className="mt-0.5 h-1.5 w-full rounded bg-slate-200" role="img" aria-label={`Confidence ${pct} %`}>
            <div className={`h-1.5 rounded ${f.confidence >= 0.5 ? "bg-red-700" : "bg-amber-500"}`} style={{ width: `${pct}%` }} />
          </div>
        </div>
      </div>
      <p className="mt-2 text-sm text-slate-800">{f.summary}</p>
      {d ? (
        <p className={`mt-2 rounded px-2 py-1 text-sm ${d.verdict === "confirmed" ? "bg-red-50 text-red-900" : "bg-slate-100 text-slate-800"}`} data-testid="decision">
          <strong>{d.verdict === "confirmed" ? "Confirmed as the root cause" : "Rejected"}</strong>
          {d.by ? ` by ${d.by.name}` : ""}, <LocalTime value={d.at} seconds={false} />
          {d.reason ? `: ${d.reason}` : ""}
        </p>
      ) : null}
      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Evidence for</h4>
          <ul className="mt-1 space-y-0.5 text-xs">
            {f.evidence.slice(0, 8).map((e, i) => (
              <li key={i}>
                <a href={`#${evidenceAnchor(e.host, e.file)}`} className="font-mono text-sky-800 hover:underline">
                  {e.host}:{e.file}
                  {e.line ? `:${e.line}` : ""}
                </a>{" "}
                {e.fact}
              </li>
            ))}
            {f.evidence.length > 8 ? <li className="text-slate-600">… and {f.evidence.length - 8} more (in the report&apos;s appendix)</li> : null}
          </ul>
        </div>
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Against</h4>
          {f.against.length ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-4 text-xs text-slate-800">
              {f.against.map((a, i) => (
                <li key={i}>{a}</li>
              ))}
            </ul>
          ) : (
            <p className="mt-1 text-xs text-slate-600">Nothing checked speaks against it.</p>
          )}
        </div>
      </div>
      {f.fix.length ? (
        <div className="mt-3">
          <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Fix</h4>
          <ul className="mt-1 space-y-1.5">
            {f.fix.map((x, i) => (
              <li key={i} className="text-xs">
                <pre className="overflow-x-auto rounded bg-slate-900 px-2 py-1 font-mono text-slate-50" tabIndex={0} aria-label="Fix command">
                  {x.command}
                </pre>
                <p className="mt-0.5 text-slate-700">
                  <strong className="font-semibold">Risk:</strong> {x.risk}
                </p>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? (
        <div className="mt-2">
          <Notice tone="error">{error}</Notice>
        </div>
      ) : null}
      {canEdit ? (
        <div className="mt-3 flex flex-wrap gap-2">
          {d?.verdict !== "confirmed" ? (
            <Button size="sm" variant="primary" disabled={decide.isPending} onClick={() => run("confirmed")} title={otherConfirmed ? "Replaces the current root cause" : undefined}>
              Confirm as root cause
            </Button>
          ) : null}
          {d?.verdict !== "rejected" ? <RejectDialog title={f.title} onReject={(reason) => run("rejected", reason)} busy={decide.isPending} /> : null}
          {d ? (
            <Button size="sm" variant="ghost" disabled={decide.isPending} onClick={() => run("open")}>
              Reopen
            </Button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function RejectDialog({ title, onReject, busy }: { title: string; onReject: (reason: string) => void; busy: boolean }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button size="sm">Reject…</Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
          <Dialog.Title className="text-base font-semibold text-slate-900">Reject “{title}”</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-600">Say why: the reason goes on the timeline and into the postmortem.</Dialog.Description>
          <form
            className="mt-3 space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (!reason.trim()) {
                setError("A reason is needed.");
                return;
              }
              onReject(reason.trim());
              setReason("");
              setOpen(false);
            }}
          >
            <div>
              <label htmlFor="reject-reason" className="label">
                Reason
              </label>
              <textarea id="reject-reason" className="input" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? "reject-reason-error" : undefined} />
              {error ? (
                <p id="reject-reason-error" className="field-error">
                  {error}
                </p>
              ) : null}
            </div>
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button variant="ghost">Cancel</Button>
              </Dialog.Close>
              <Button type="submit" variant="danger" disabled={busy}>
                Reject
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
