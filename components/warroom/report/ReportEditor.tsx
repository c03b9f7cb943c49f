"use client";

import * as Tabs from "@radix-ui/react-tabs";
import { useState } from "react";
import { API_BASE, isApiError } from "@/lib/client/api";
import { useReport, useSaveReport } from "@/lib/client/warroom";
import { Report } from "@/lib/schemas/warroom";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button, buttonClass } from "@/components/ui/Button";
import { LocalTime } from "@/components/ui/LocalTime";
import { ErrorState, Loading, Notice, errorText } from "@/components/ui/States";
import { ReportDocument } from "./ReportDocument";

type Conflict = { mine: string; theirs: Report };

/**
 * The postmortem editor. Markdown, saved over the version it was loaded from: when someone saved in between, the
 * server refuses (409) and both texts stay on screen — mine in the editor, theirs beside it — until the editor
 * chooses; nothing is lost either way.
 */
export function ReportEditor({ incidentId, canEdit }: { incidentId: string; canEdit: boolean }) {
  const q = useReport(incidentId);
  const save = useSaveReport(incidentId);
  const announce = useAnnounce();
  const [draft, setDraft] = useState<{ text: string; base: number; dirty: boolean } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error" | "warning"; text: string } | null>(null);
  const [tab, setTab] = useState("write");

  // Follow the server while nothing is typed (derived during render, not in an effect); once typing, keep the text.
  const server = q.data;
  if (server && (draft === null || (!draft.dirty && (server.version !== draft.base || server.markdown !== draft.text)))) {
    setDraft({ text: server.markdown, base: server.version, dirty: false });
  }

  if (q.isPending || !draft) return <Loading label="Drafting the report…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the report" onRetry={() => void q.refetch()} />;
  const r = q.data!;
  const text = draft.text;
  const newer = draft.dirty && r.version > draft.base && !conflict;

  const doSave = (markdown: string, expectedVersion: number) => {
    setNotice(null);
    save.mutate(
      { markdown, expectedVersion },
      {
        onSuccess: (saved) => {
          setConflict(null);
          setDraft({ text: saved.markdown, base: saved.version, dirty: false });
          setNotice({ tone: "success", text: `Saved as version ${saved.version}.` });
          announce(`Report saved as version ${saved.version}.`);
        },
        onError: (err) => {
          if (isApiError(err) && err.status === 409) {
            const theirs = Report.safeParse(err.current);
            if (theirs.success) setConflict({ mine: markdown, theirs: theirs.data });
            setNotice({ tone: "error", text: "Not saved: someone saved a newer version while you were editing. Your text is kept below; choose what to keep." });
            announce("Report not saved: edit conflict.");
          } else setNotice({ tone: "error", text: `Not saved: ${errorText(err)}` });
        },
      },
    );
  };

  return (
    <div className="space-y-3" data-testid="report-editor">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-slate-600" data-testid="report-version">
          {r.saved ? (
            <>
              Version {r.version}
              {r.updatedBy ? ` by ${r.updatedBy.name}` : ""}
              {r.updatedAt ? (
                <>
                  , <LocalTime value={r.updatedAt} seconds={false} />
                </>
              ) : null}
            </>
          ) : (
            "Draft from the analysis, the confirmed root cause and the timeline: not saved yet"
          )}
        </p>
        <div className="flex flex-wrap gap-2">
          <a className={buttonClass("secondary", "sm")} href={`${API_BASE}/incidents/${incidentId}/report.md`} download data-testid="download-md">
            Download Markdown
          </a>
          <a className={buttonClass("secondary", "sm")} href={`${API_BASE}/incidents/${incidentId}/report.pdf`} download data-testid="download-pdf">
            Download PDF
          </a>
          <Button
            size="sm"
            onClick={() => {
              // the print stylesheet prints the preview only
              setTab("preview");
              window.setTimeout(() => window.print(), 100);
            }}
          >
            Print
          </Button>
        </div>
      </div>
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      {newer ? (
        <Notice tone="warning">
          {r.updatedBy?.name ?? "Someone"} saved version {r.version} meanwhile. Saving will show both texts.
        </Notice>
      ) : null}
      {conflict ? (
        <section className="rounded-md border border-red-300 bg-red-50 p-3" aria-labelledby="conflict-title" data-testid="report-conflict">
          <h3 id="conflict-title" className="text-sm font-semibold text-red-900">
            Edit conflict: version {conflict.theirs.version} by {conflict.theirs.updatedBy?.name ?? "someone"}
          </h3>
          <p className="mt-1 text-sm text-red-900">Your text is in the editor; theirs is here. Merge by hand, or pick one.</p>
          <label htmlFor="theirs" className="label mt-2">
            Their version {conflict.theirs.version}
          </label>
          <textarea id="theirs" readOnly className="input font-mono text-xs" rows={8} value={conflict.theirs.markdown} data-testid="conflict-theirs" />
          <div className="mt-2 flex flex-wrap gap-2">
            <Button size="sm" variant="danger" onClick={() => doSave(text, conflict.theirs.version)} disabled={save.isPending}>
              Save mine over version {conflict.theirs.version}
            </Button>
            <Button
              size="sm"
              onClick={() => {
                setDraft({ text: conflict.theirs.markdown, base: conflict.theirs.version, dirty: false });
                setConflict(null);
                setNotice({ tone: "warning", text: "Took their version; your text was copied to the clipboard if the browser allowed it." });
                void navigator.clipboard?.writeText(conflict.mine).catch(() => undefined);
              }}
            >
              Take theirs
            </Button>
          </div>
        </section>
      ) : null}
      <Tabs.Root value={tab} onValueChange={setTab}>
        <Tabs.List aria-label="Report editor" className="flex gap-1 border-b border-slate-200">
          <Tabs.Trigger value="write" className="rounded-t px-3 py-1.5 text-sm font-medium text-slate-700 data-[state=active]:bg-white data-[state=active]:text-slate-900 data-[state=active]:shadow-sm">
            Markdown
          </Tabs.Trigger>
          <Tabs.Trigger value="preview" className="rounded-t px-3 py-1.5 text-sm font-medium text-slate-700 data-[state=active]:bg-white data-[state=active]:text-slate-900 data-[state=active]:shadow-sm">
            Preview
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="write" className="pt-2">
          <label htmlFor="report-markdown" className="sr-only">
            Report (Markdown)
          </label>
          <textarea
            id="report-markdown"
            className="input min-h-[28rem] font-mono text-xs"
            value={text}
            readOnly={!canEdit}
            onChange={(e) => setDraft({ text: e.target.value, base: draft.base, dirty: true })}
            data-testid="report-markdown"
          />
          {canEdit ? (
            <div className="mt-2 flex gap-2">
              <Button variant="primary" onClick={() => doSave(text, draft.base)} disabled={save.isPending} data-testid="report-save">
                {save.isPending ? "Saving…" : "Save report"}
              </Button>
            </div>
          ) : null}
        </Tabs.Content>
        <Tabs.Content value="preview" className="pt-2">
          <div className="card report-print-root p-6">
            <ReportDocument markdown={text} />
          </div>
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}
