"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type DragEvent } from "react";
import { isApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/keys";
import { uploadEvidence } from "@/lib/client/upload";
import { useAnalysis } from "@/lib/client/warroom";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { errorText } from "@/components/ui/States";
import { STAGES, formatBytes, stageLabel } from "./format";

type Upload = {
  key: string;
  name: string;
  size: number;
  loaded: number;
  state: "sending" | "received" | "duplicate" | "refused" | "failed";
  message?: string;
};

/**
 * Drop or pick files (bundles, captures, single outputs): each is sent as the raw request body with a real
 * progress bar of the bytes sent; once the server has it, the analysis job's stages take over.
 */
export function UploadBox({ incidentId }: { incidentId: string }) {
  const qc = useQueryClient();
  const announce = useAnnounce();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  // redaction at upload: the key stays in this form (never stored by the page); sent as a header with each file
  const [redact, setRedact] = useState(false);
  const [redactKey, setRedactKey] = useState("");
  const keyOk = /^[0-9a-fA-F]{64}$/.test(redactKey.trim());
  const update = (key: string, patch: Partial<Upload>) => setUploads((us) => us.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const send = (files: File[]) => {
    if (redact && !keyOk) {
      announce("Redaction is on: paste the 64-hex-digit key first (from ~/.netmortem/redact.key).");
      return;
    }
    for (const file of files) {
      const key = `${file.name}-${file.size}-${Date.now()}-${Math.random()}`;
      setUploads((us) => [{ key, name: file.name, size: file.size, loaded: 0, state: "sending" as const }, ...us].slice(0, 20));
      uploadEvidence(incidentId, file, { filename: file.name, ...(redact ? { redactKey: redactKey.trim() } : {}), onProgress: (p) => update(key, { loaded: p.loaded, size: p.total || file.size }) })
        .then((r) => {
          update(key, { state: r.duplicate ? "duplicate" : "received", loaded: file.size });
          announce(r.duplicate ? `${file.name} was already here.` : `${file.name} received; analysing.`);
          void qc.invalidateQueries({ queryKey: queryKeys.incidents.evidence(incidentId) });
          void qc.invalidateQueries({ queryKey: queryKeys.incidents.analysis(incidentId) });
        })
        .catch((err: unknown) => {
          const refused = isApiError(err) && err.status >= 400 && err.status < 500;
          update(key, { state: refused ? "refused" : "failed", message: errorText(err) });
          announce(`${file.name} ${refused ? "was refused" : "failed"}: ${errorText(err)}`);
        });
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = Array.from(e.dataTransfer.files);
    if (files.length) send(files);
  };

  return (
    <div className="space-y-3">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        className={`rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm ${over ? "border-sky-600 bg-sky-50" : "border-slate-300 bg-white"}`}
        data-testid="drop-zone"
      >
        <p className="font-medium text-slate-800">Drop bundles, captures or outputs here</p>
        <p className="mt-1 text-xs text-slate-600">.tar.gz, .tar, .zip (one folder per node), .pcap/.pcapng, or any single output file</p>
        <Button className="mt-3" size="sm" onClick={() => input.current?.click()}>
          Choose files…
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          className="sr-only"
          aria-label="Choose evidence files to upload"
          data-testid="file-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = "";
            if (files.length) send(files);
          }}
        />
      </div>
      <div className="space-y-1 text-sm text-slate-700" data-testid="redact-options">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} data-testid="redact-toggle" />
          Redact before storing (addresses, MACs and host names pseudonymised with your key)
        </label>
        {redact ? (
          <label className="block">
            <span className="text-xs text-slate-600">Key (64 hex digits, as in ~/.netmortem/redact.key; kept in this page only)</span>
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={redactKey}
              onChange={(e) => setRedactKey(e.target.value)}
              aria-invalid={redactKey !== "" && !keyOk}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
              data-testid="redact-key"
            />
          </label>
        ) : null}
      </div>
      {uploads.length > 0 ? (
        <ul className="space-y-2" aria-label="Uploads" data-testid="uploads">
          {uploads.map((u) => (
            <UploadRow key={u.key} u={u} incidentId={incidentId} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function UploadRow({ u, incidentId }: { u: Upload; incidentId: string }) {
  const pct = u.size > 0 ? Math.min(100, Math.round((u.loaded / u.size) * 100)) : 0;
  return (
    <li className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm" data-testid="upload-row" data-state={u.state}>
      <div className="flex items-center justify-between gap-2">
        <span className="truncate font-medium text-slate-900">{u.name}</span>
        <span className="shrink-0 text-xs text-slate-600 tabular-nums">
          {formatBytes(u.loaded)} / {formatBytes(u.size)}
        </span>
      </div>
      {u.state === "sending" ? (
        <progress className="mt-1 h-2 w-full accent-sky-700" max={100} value={pct} aria-label={`Uploading ${u.name}: ${pct} %`} data-testid="upload-progress" />
      ) : u.state === "refused" || u.state === "failed" ? (
        <p className="mt-1 text-sm text-red-800" role="alert" data-testid="upload-error">
          {u.state === "refused" ? "Refused" : "Failed"}: {u.message}
        </p>
      ) : (
        <>
          <p className="mt-1 text-xs text-slate-700">{u.state === "duplicate" ? "Already here: the same bytes were uploaded before." : "Received."}</p>
          <AnalysisProgress incidentId={incidentId} />
        </>
      )}
    </li>
  );
}

/** The analysis job's stage, with a bar of its own (bytes or files where the job counts them). */
export function AnalysisProgress({ incidentId }: { incidentId: string }) {
  const a = useAnalysis(incidentId);
  const s = a.data;
  if (!s || s.status === "none") return null;
  if (s.status === "failed") {
    return (
      <p className="mt-1 text-sm text-red-800" role="alert" data-testid="analysis-failed">
        Analysis failed: {s.error ?? s.job?.error ?? "no reason given"}
      </p>
    );
  }
  if (s.status === "done") {
    // what the analysis could not read (issue 10 item 4): never silent, as the CLI's "Incomplete:" lines
    const u = s.unreadable ?? [];
    return (
      <>
        <p className="mt-1 text-xs font-medium text-emerald-800" data-testid="analysis-done">
          Analysed{s.rootCause && s.rootCause !== "none" ? `: ${s.rootCause}` : ""}.
        </p>
        {u.length > 0 ? (
          <div className="mt-1 text-xs text-amber-900" role="status" data-testid="analysis-incomplete">
            <p className="font-medium">
              Incomplete: {u.length} input{u.length > 1 ? "s" : ""} could not be read (in full); the diagnosis lacks what {u.length > 1 ? "they hold" : "it holds"}:
            </p>
            <ul className="list-disc pl-4">
              {u.slice(0, 10).map((x, i) => (
                <li key={`${x.host}/${x.file}/${i}`} className="break-words">
                  <span className="font-mono">{x.host}/{x.file}</span>: {x.message}
                </li>
              ))}
              {u.length > 10 ? <li>… {u.length - 10} more</li> : null}
            </ul>
          </div>
        ) : null}
      </>
    );
  }
  const p = s.progress ?? s.job?.progress ?? { stage: "queued" as const };
  const idx = STAGES.indexOf(p.stage);
  const frac = p.total && p.total > 0 && p.done !== undefined ? p.done / p.total : 0;
  const value = Math.round(((Math.max(0, idx) + frac) / STAGES.length) * 100);
  return (
    <div className="mt-1" data-testid="analysis-progress" data-stage={p.stage}>
      <progress className="h-2 w-full accent-emerald-700" max={100} value={value} aria-label={`Analysis: ${stageLabel(p.stage)}`} />
      <p className="text-xs text-slate-700">
        {stageLabel(p.stage)}
        {p.total ? ` (${p.stage === "reading" ? `${formatBytes(p.done ?? 0)} of ${formatBytes(p.total)}` : `${p.done ?? 0} of ${p.total}`})` : ""}
        {p.message ? `: ${p.message}` : ""}
      </p>
    </div>
  );
}
