import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReportDocument } from "@/components/warroom/report/ReportDocument";
import { openSharedReport } from "@/lib/server/services/share/share-links";

// A shared postmortem: the report only, read-only, no navigation, never indexed. An unknown, revoked or expired
// token is a plain 404.
export const metadata: Metadata = { title: "Postmortem", robots: { index: false, follow: false, nocache: true } };

export default async function SharedReport({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const shared = await openSharedReport(token);
  if (!shared) notFound();
  return (
    <article className="report-print-root card mx-auto max-w-4xl p-8" aria-label={`Postmortem: ${shared.title}`}>
      <p className="no-print mb-4 text-xs text-slate-600">Shared read-only postmortem · netmortem</p>
      <ReportDocument markdown={shared.markdown} />
    </article>
  );
}
