"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useState, type FormEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { useAddManualCheck, useChecklist, useChecklistEntry } from "@/lib/client/warroom";
import type { ChecklistView, ChecklistViewItem } from "@/lib/schemas/warroom";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";
import { evidenceAnchor } from "../evidenceAnchor";
import { StatusPill } from "../StatusPill";

const SEND_LABEL = { paste: "paste it into the paste box", upload: "upload the file", agent: "or let the node's agent collect it" } as const;

export function ChecklistPanel({ incidentId, initial, canEdit }: { incidentId: string; initial?: ChecklistView; canEdit: boolean }) {
  const q = useChecklist(incidentId, initial);
  if (q.isPending) return <Loading label="Computing the checklist…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the checklist" onRetry={() => void q.refetch()} />;
  const c = q.data;
  return (
    <div className="space-y-4" data-testid="checklist">
      <Headline view={c} />
      <p className="text-xs text-slate-600" data-testid="checklist-counts">
        {c.counts.fail} fail · {c.counts.warn} warn · {c.counts.pass} pass · {c.counts.unknown} not enough evidence
        {c.analysisId ? null : " · no analysis yet: upload or paste evidence"}
      </p>
      <ol className="space-y-4">
        {c.steps.map((s, n) => (
          <li key={s.step} className="card" data-testid={`step-${s.step}`}>
            <section aria-labelledby={`step-${s.step}-title`}>
              <header className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
                <h3 id={`step-${s.step}-title`} className="text-sm font-semibold text-slate-900">
                  <span className="mr-1.5 text-slate-500">{n + 1}.</span>
                  {s.title}
                </h3>
                <StatusPill status={s.status} compact />
              </header>
              <ul className="divide-y divide-slate-100">
                {s.items.map((i) => (
                  <Item key={i.key} incidentId={incidentId} item={i} canEdit={canEdit} />
                ))}
              </ul>
              {canEdit ? (
                <div className="border-t border-slate-100 px-4 py-2">
                  <ManualCheckDialog incidentId={incidentId} step={s.step} stepTitle={s.title} />
                </div>
              ) : null}
            </section>
          </li>
        ))}
      </ol>
    </div>
  );
}

function Headline({ view }: { view: ChecklistView }) {
  const h = view.headline;
  if (!h) {
    return (
      <div className="card px-4 py-3 text-sm text-slate-700" data-testid="checklist-headline">
        {view.analysisId ? "The analysis points at no network or kernel cause yet." : "No analysis yet."}
      </div>
    );
  }
  return (
    <div className={`card border-l-4 px-4 py-3 ${h.confirmed ? "border-l-red-700" : "border-l-amber-500"}`} data-testid="checklist-headline">
      <p className="text-[11px] font-semibold tracking-wide text-slate-600 uppercase">{h.confirmed ? "Root cause (analysis)" : "Leading hypothesis"}</p>
      <p className="mt-0.5 text-base font-semibold text-slate-900" data-testid="leading-finding">
        {h.title} <span className="font-mono text-xs font-normal text-slate-600">{h.id}</span>
      </p>
      <p className="text-sm text-slate-700">Confidence {Math.round(h.confidence * 100)} %{h.confirmed ? "" : ": too thin to confirm. Collect next:"}</p>
      {h.next.length > 0 ? <CollectList collect={h.next} /> : null}
    </div>
  );
}

function CollectList({ collect }: { collect: ChecklistViewItem["collect"] }) {
  return (
    <ul className="mt-2 space-y-2" aria-label="What to collect">
      {collect.map((k, i) => (
        <li key={`${k.host}-${i}`} className="rounded-md bg-slate-50 px-3 py-2 text-sm">
          <p className="text-xs text-slate-700">
            On <strong className="font-semibold text-slate-900">{k.host}</strong>: {k.why}
          </p>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-900 px-2 py-1 font-mono text-xs text-slate-50" tabIndex={0} aria-label={`Command for ${k.host}`}>
            {k.command}
          </pre>
          <p className="mt-1 text-xs text-slate-600">Then {k.send.map((s) => SEND_LABEL[s]).join(", ")}.</p>
        </li>
      ))}
    </ul>
  );
}

function Item({ incidentId, item, canEdit }: { incidentId: string; item: ChecklistViewItem; canEdit: boolean }) {
  const entry = useChecklistEntry(incidentId);
  const announce = useAnnounce();
  const [noteOpen, setNoteOpen] = useState(false);
  const [note, setNote] = useState(item.note ?? "");
  const [error, setError] = useState<string | null>(null);
  const tickId = `tick-${item.key}`;
  // The box follows the click at once (a controlled checkbox whose state changes only when the mutation's
  // re-render comes is put back by React first: the tick looked refused, and Playwright's check() saw it),
  // as long as the stored value is still the one the click was made on; a refused save puts it back.
  const [tick, setTick] = useState<{ wanted: boolean; base: boolean } | null>(null);
  const shownTicked = tick && tick.base === item.ticked ? tick.wanted : item.ticked;

  const save = (patch: { ticked?: boolean; note?: string | null }) => {
    setError(null);
    entry.mutate(
      { key: item.key, patch: { ...patch, expectedVersion: item.entry?.version ?? 0 } },
      {
        onSuccess: () => announce(patch.ticked !== undefined ? (patch.ticked ? `Ticked ${item.title}.` : `Unticked ${item.title}.`) : "Note saved."),
        onError: (err) => {
          setTick(null);
          setError(isApiError(err) && err.status === 409 ? "Someone else changed this item meanwhile: it now shows their version. Try again." : errorText(err));
          announce("Could not save the checklist item.");
        },
      },
    );
  };

  return (
    <li className="px-4 py-3" data-testid="checklist-item" data-key={item.key} data-status={item.status}>
      <div className="flex items-start gap-3">
        {canEdit ? (
          <input
            id={tickId}
            type="checkbox"
            className="mt-1 h-4 w-4 shrink-0 accent-slate-900"
            checked={shownTicked}
            disabled={entry.isPending}
            onChange={(e) => {
              setTick({ wanted: e.target.checked, base: item.ticked });
              save({ ticked: e.target.checked });
            }}
            aria-describedby={`${tickId}-summary`}
          />
        ) : null}
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <StatusPill status={item.status} />
            <label htmlFor={canEdit ? tickId : undefined} className="text-sm font-medium text-slate-900">
              {item.title}
            </label>
            {item.manual ? <span className="text-[11px] font-semibold text-slate-600 uppercase">manual</span> : null}
          </div>
          <p id={`${tickId}-summary`} className="mt-0.5 text-sm text-slate-700">
            {item.summary}
          </p>
          {item.facts.length > 0 ? (
            <ul className="mt-1.5 space-y-0.5" aria-label="Facts this rests on">
              {item.facts.map((f, i) => (
                <li key={i} className="text-xs text-slate-700">
                  <a href={`#${evidenceAnchor(f.host, f.file)}`} className="font-mono text-sky-800 underline-offset-2 hover:underline" data-testid="fact-link">
                    {f.host}:{f.file}
                    {f.line ? `:${f.line}` : ""}
                  </a>{" "}
                  {f.fact}
                </li>
              ))}
            </ul>
          ) : null}
          {item.status === "unknown" || (item.collect.length > 0 && item.status !== "pass") ? <CollectList collect={item.collect.slice(0, 4)} /> : null}
          {item.note && !noteOpen ? (
            <p className="mt-2 rounded bg-amber-50 px-2 py-1 text-sm whitespace-pre-wrap text-slate-900" data-testid="item-note">
              {item.note}
            </p>
          ) : null}
          {item.entry?.updatedBy ? (
            <p className="mt-1 text-xs text-slate-600">
              {item.ticked ? "Ticked" : "Changed"} by {item.entry.updatedBy.name}, <LocalTime value={item.entry.updatedAt} seconds={false} />
            </p>
          ) : null}
          {error ? (
            <div className="mt-2">
              <Notice tone="error">{error}</Notice>
            </div>
          ) : null}
          {canEdit ? (
            noteOpen ? (
              <form
                className="mt-2 space-y-2"
                onSubmit={(e: FormEvent) => {
                  e.preventDefault();
                  save({ note: note.trim() === "" ? null : note });
                  setNoteOpen(false);
                }}
              >
                <label htmlFor={`${tickId}-note`} className="sr-only">
                  Note on {item.title}
                </label>
                <textarea id={`${tickId}-note`} className="input" rows={2} maxLength={4000} value={note} onChange={(e) => setNote(e.target.value)} />
                <div className="flex gap-2">
                  <Button type="submit" size="sm" variant="primary">
                    Save note
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setNoteOpen(false)}>
                    Cancel
                  </Button>
                </div>
              </form>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                className="mt-1 -ml-2.5"
                onClick={() => {
                  setNote(item.note ?? "");
                  setNoteOpen(true);
                }}
                aria-label={`${item.note ? "Edit the note" : "Add a note"} on ${item.title}`}
              >
                {item.note ? "Edit note" : "Add note"}
              </Button>
            )
          ) : null}
        </div>
      </div>
    </li>
  );
}

function ManualCheckDialog({ incidentId, step, stepTitle }: { incidentId: string; step: ChecklistViewItem["step"]; stepTitle: string }) {
  const add = useAddManualCheck(incidentId);
  const announce = useAnnounce();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState("");
  const [result, setResult] = useState<ChecklistViewItem["status"]>("unknown");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const idp = `manual-${step}`;
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button size="sm" variant="ghost" className="-ml-2.5">
          + Add a manual check to {stepTitle}
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
          <Dialog.Title className="text-base font-semibold text-slate-900">Manual check: {stepTitle}</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-600">Something you checked by hand (a dashboard, a vendor console). It goes on the timeline.</Dialog.Description>
          <form
            className="mt-3 space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              setError(null);
              if (!title.trim()) {
                setError("Say what was checked.");
                return;
              }
              add.mutate(
                { step, title: title.trim(), result, note: note.trim() || null },
                {
                  onSuccess: () => {
                    announce("Manual check added.");
                    setTitle("");
                    setNote("");
                    setResult("unknown");
                    setOpen(false);
                  },
                  onError: (err) => setError(errorText(err)),
                },
              );
            }}
          >
            {error ? <Notice tone="error">{error}</Notice> : null}
            <div>
              <label htmlFor={`${idp}-title`} className="label">
                What was checked
              </label>
              <input id={`${idp}-title`} className="input" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${idp}-result`} className="label">
                Result
              </label>
              <select id={`${idp}-result`} className="input" value={result} onChange={(e) => setResult(e.target.value as ChecklistViewItem["status"])}>
                <option value="pass">Pass</option>
                <option value="warn">Warn</option>
                <option value="fail">Fail</option>
                <option value="unknown">Not enough evidence</option>
              </select>
            </div>
            <div>
              <label htmlFor={`${idp}-note`} className="label">
                Note (optional)
              </label>
              <textarea id={`${idp}-note`} className="input" rows={2} maxLength={4000} value={note} onChange={(e) => setNote(e.target.value)} />
            </div>
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button variant="ghost">Cancel</Button>
              </Dialog.Close>
              <Button type="submit" variant="primary" disabled={add.isPending}>
                {add.isPending ? "Adding…" : "Add check"}
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
