"use client";

import Link from "next/link";
import { useEffect } from "react";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as Error & { digest?: string }).digest ?? "") : "";
  return (
    <div role="alert" className="card mx-auto max-w-lg px-6 py-8 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-700">This page failed to render. Your data is safe; try again.</p>
      {digest ? <p className="mt-1 font-mono text-xs text-slate-600">ref {digest}</p> : null}
      <div className="mt-4 flex justify-center gap-3 text-sm">
        <button type="button" onClick={() => retry()} className="rounded-md bg-slate-900 px-3.5 py-1.5 font-medium text-white hover:bg-slate-700">
          Try again
        </button>
        <Link href="/incidents" className="rounded-md border border-slate-300 bg-white px-3.5 py-1.5 font-medium text-slate-800">
          Incidents
        </Link>
      </div>
    </div>
  );
}
