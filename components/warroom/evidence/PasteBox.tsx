"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { queryKeys } from "@/lib/client/keys";
import { uploadEvidence } from "@/lib/client/upload";
import { useAnnounce } from "@/components/ui/Announcer";
import { Button } from "@/components/ui/Button";
import { Notice, errorText } from "@/components/ui/States";

/** Text pasted from a terminal (netstat -s, ss, tcpdump lines, log lines…), sent as one text/plain evidence item. */
export function PasteBox({ incidentId, hosts }: { incidentId: string; hosts: string[] }) {
  const qc = useQueryClient();
  const announce = useAnnounce();
  const [text, setText] = useState("");
  const [host, setHost] = useState("");
  const [state, setState] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) {
          setState({ tone: "error", text: "Paste some output first." });
          return;
        }
        setBusy(true);
        setState(null);
        const name = `paste-${new Date().toISOString().replace(/[:.]/g, "-")}.txt`;
        uploadEvidence(incidentId, new Blob([text], { type: "text/plain" }), { filename: name, contentType: "text/plain; charset=utf-8", host: host.trim() || undefined })
          .then((r) => {
            setText("");
            setState({ tone: "success", text: r.duplicate ? "This exact text was pasted before." : "Pasted; it is being recognised and analysed." });
            announce("Paste received.");
            void qc.invalidateQueries({ queryKey: queryKeys.incidents.evidence(incidentId) });
            void qc.invalidateQueries({ queryKey: queryKeys.incidents.analysis(incidentId) });
          })
          .catch((err: unknown) => setState({ tone: "error", text: `Not accepted: ${errorText(err)}` }))
          .finally(() => setBusy(false));
      }}
    >
      <label htmlFor="paste-text" className="label">
        Paste command output
      </label>
      <textarea
        id="paste-text"
        className="input min-h-28 font-mono text-xs"
        placeholder={"$ netstat -s | grep -i listen\n    1281 times the listen queue of a socket overflowed"}
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={1_000_000}
        data-testid="paste-text"
        aria-describedby="paste-hint"
      />
      <p id="paste-hint" className="field-hint">
        Several commands in one paste are fine (with their prompts). Say which node it came from if you can.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="paste-host" className="label">
            From node (optional)
          </label>
          <input id="paste-host" className="input w-56" list="paste-hosts" value={host} onChange={(e) => setHost(e.target.value)} maxLength={253} />
          <datalist id="paste-hosts">
            {hosts.map((h) => (
              <option key={h} value={h} />
            ))}
          </datalist>
        </div>
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? "Sending…" : "Send paste"}
        </Button>
      </div>
      {state ? <Notice tone={state.tone}>{state.text}</Notice> : null}
    </form>
  );
}
