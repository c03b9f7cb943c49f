// The latest analysis of an incident (the one the war room shows), read tolerantly: the stored JSON is the
// engine's Analysis of whatever version computed it.
import { Analysis } from "../../analysis/diagnosis/model";
import type { Prisma, PrismaClient } from "../../generated/prisma/client";

type Client = PrismaClient | Prisma.TransactionClient;

export type LatestAnalysis = { id: string; version: number; createdAt: Date; analysis: Analysis; evidenceIds: string[] };

export async function latestAnalysis(db: Client, incidentId: string): Promise<LatestAnalysis | null> {
  const row = await db.analysis.findFirst({
    where: { incidentId },
    orderBy: { version: "desc" },
    select: { id: true, version: true, createdAt: true, result: true, evidenceIds: true },
  });
  if (!row) return null;
  const parsed = Analysis.safeParse(row.result);
  if (!parsed.success) {
    console.error(`[warroom] analysis ${row.id} does not parse as an Analysis: ${parsed.error.issues[0]?.message ?? "?"}`);
    return null;
  }
  return { id: row.id, version: row.version, createdAt: row.createdAt, analysis: parsed.data, evidenceIds: row.evidenceIds };
}
