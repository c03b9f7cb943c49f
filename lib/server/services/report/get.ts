// GET …/report: the saved report, or (nothing saved yet, or ?draft=1) the draft from the current state.
import { Id } from "../../../schemas/common";
import type { Report } from "../../../schemas/warroom";
import type { Prisma, PrismaClient } from "../../../generated/prisma/client";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { peopleById } from "../../warroom/people";
import { cachedGaps } from "../../warroom/view";
import { draftFor } from "./draft";

type Client = PrismaClient | Prisma.TransactionClient;

export async function currentReport(db: Client, incidentId: string, opts: { draft?: boolean } = {}): Promise<Report> {
  const row = await db.report.findUnique({ where: { incidentId } });
  if (row && !opts.draft) {
    const people = await peopleById(db, [row.updatedById]);
    return {
      incidentId,
      saved: true,
      markdown: row.markdown,
      version: row.version,
      updatedBy: row.updatedById ? (people.get(row.updatedById) ?? null) : null,
      updatedAt: row.updatedAt.toISOString(),
    };
  }
  return { incidentId, saved: false, markdown: await draftFor(db, incidentId, cachedGaps(incidentId)), version: row?.version ?? 0, updatedBy: null, updatedAt: null };
}

export async function getReport(actor: UserActor, incidentIdRaw: string, query: { draft?: string } = {}): Promise<Report> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return currentReport(await getPrisma(), incidentId, { draft: query.draft === "1" || query.draft === "true" });
}
