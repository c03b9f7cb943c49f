"use client";

import { useState } from "react";
import { Button } from "@/components/ui/Button";

/** A token shown once, with a copy button and the warning that it will not be shown again. */
export function TokenReveal({ token, label, children }: { token: string; label: string; children?: React.ReactNode }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-3 text-sm text-amber-950" role="status">
      <p className="font-semibold">{label}</p>
      <p className="mt-0.5">Copy it now: it is stored only as a hash and will not be shown again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="new-token" className="rounded bg-white px-2 py-1 font-mono text-xs break-all text-slate-900">
          {token}
        </code>
        <Button
          size="sm"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(token);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
      {children}
    </div>
  );
}
