// PUT …/report: save the editor's Markdown over the version it was loaded from. A stale version is refused (409,
// with the report as it now is, so the editor can show both texts); every saved version is kept as a revision.
import { Id } from "../../../schemas/common";
import { ReportSave, type Report } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { ConflictError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { publish } from "../../events";
import { logToTimeline } from "../../warroom/timeline";
import { currentReport } from "./get";

export async function saveReport(actor: UserActor, incidentIdRaw: string, input: unknown): Promise<Report> {
  const incidentId = Id.parse(incidentIdRaw);
  const body = ReportSave.parse(input);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  try {
    return await prisma.$transaction(async (tx) => {
      let version: number;
      if (body.expectedVersion === 0) {
        // the first save: a concurrent first save loses on the primary key (P2002 → 409 below)
        await tx.report.create({ data: { incidentId, markdown: body.markdown, version: 1, updatedById: actor.userId } });
        version = 1;
      } else {
        const n = await tx.report.updateMany({
          where: { incidentId, version: body.expectedVersion },
          data: { markdown: body.markdown, version: { increment: 1 }, updatedById: actor.userId },
        });
        if (n.count === 0) throw new StaleReport();
        version = body.expectedVersion + 1;
      }
      await tx.reportRevision.create({ data: { incidentId, version, markdown: body.markdown, editedById: actor.userId } });
      await logToTimeline(tx, actor, incidentId, `Postmortem report saved (version ${version})`, "note");
      await publish(tx, { incidentId, kind: "report", entityId: String(version), actorId: actor.userId });
      return currentReport(tx, incidentId);
    });
  } catch (err) {
    if (err instanceof StaleReport || isPrismaError(err, "P2002")) {
      const now = await currentReport(prisma, incidentId);
      throw new ConflictError(`the report was saved by someone else meanwhile (now version ${now.version}); your text was not saved`, now);
    }
    throw err;
  }
}

class StaleReport extends Error {}
