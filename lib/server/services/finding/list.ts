// GET …/findings: the latest analysis' findings, ranked, each with the engineers' current verdict.
import { Id } from "../../../schemas/common";
import type { FindingDecision, FindingList } from "../../../schemas/warroom";
import type { Prisma, PrismaClient } from "../../../generated/prisma/client";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { latestAnalysis } from "../../warroom/analysis";
import { peopleById } from "../../warroom/people";

type Client = PrismaClient | Prisma.TransactionClient;

export async function findingsOf(db: Client, incidentId: string): Promise<FindingList> {
  const latest = await latestAnalysis(db, incidentId);
  const rows = await db.findingDecision.findMany({ where: { incidentId } });
  const people = await peopleById(db, rows.map((r) => r.decidedById));
  const byId = new Map<string, FindingDecision>(
    rows.map((r) => [
      r.findingId,
      { verdict: r.verdict, reason: r.reason, by: r.decidedById ? (people.get(r.decidedById) ?? null) : null, at: r.decidedAt.toISOString() },
    ]),
  );
  const findings = (latest?.analysis.findings ?? []).map((f, i) => ({ ...f, rank: i + 1, decision: byId.get(f.id) ?? null }));
  return { analysisId: latest?.id ?? null, rootCause: latest?.analysis.rootCause ?? null, findings };
}

export async function listFindings(actor: UserActor, incidentIdRaw: string): Promise<FindingList> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return findingsOf(await getPrisma(), incidentId);
}
