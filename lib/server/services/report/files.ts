// GET …/report.md and …/report.pdf: the current report (saved, else the draft) as a file.
import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { reportPdf } from "../../warroom/pdf";
import { currentReport } from "./get";

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "incident";
}

export async function reportFile(actor: UserActor, incidentIdRaw: string, kind: "md" | "pdf"): Promise<Response> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  const incident = await prisma.incident.findUniqueOrThrow({ where: { id: incidentId }, select: { title: true } });
  const name = `postmortem-${slug(incident.title)}`;
  const headers = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
  const r = await currentReport(prisma, incidentId);
  if (kind === "md") {
    return new Response(r.markdown, {
      headers: { ...headers, "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${name}.md"` },
    });
  }
  const pdf = await reportPdf(r.markdown, `Postmortem: ${incident.title}`);
  return new Response(new Uint8Array(pdf), {
    headers: { ...headers, "content-type": "application/pdf", "content-disposition": `attachment; filename="${name}.pdf"` },
  });
}
