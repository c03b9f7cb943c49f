// POST …/findings/{findingId}/decision: confirm a finding as the root cause (one at a time: confirming another
// reopens the previous one), reject one with a reason, or reopen it. Attributed, on the timeline, published.
import { RootCauseId } from "../../../analysis/diagnosis/model";
import { Id } from "../../../schemas/common";
import { FindingDecisionCreate, type FindingList } from "../../../schemas/warroom";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { publish } from "../../events";
import { latestAnalysis } from "../../warroom/analysis";
import { logToTimeline } from "../../warroom/timeline";
import { findingsOf } from "./list";

const FindingId = RootCauseId.exclude(["none"]);

export async function decideFinding(actor: UserActor, incidentIdRaw: string, findingIdRaw: string, input: unknown): Promise<FindingList> {
  const incidentId = Id.parse(incidentIdRaw);
  const findingId = FindingId.parse(findingIdRaw);
  const body = FindingDecisionCreate.parse(input);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const latest = await latestAnalysis(tx, incidentId);
    const finding = latest?.analysis.findings.find((f) => f.id === findingId);
    if (!latest || !finding) throw new NotFoundError("finding", findingId);
    const label = `${finding.title} (${finding.id}, confidence ${finding.confidence})`;
    if (body.verdict === "open") {
      const gone = await tx.findingDecision.deleteMany({ where: { incidentId, findingId } });
      if (gone.count > 0) await logToTimeline(tx, actor, incidentId, `Finding reopened: ${label}`);
    } else {
      if (body.verdict === "confirmed") {
        const previous = await tx.findingDecision.findMany({ where: { incidentId, verdict: "confirmed", findingId: { not: findingId } } });
        if (previous.length > 0) {
          await tx.findingDecision.deleteMany({ where: { id: { in: previous.map((p) => p.id) } } });
          await logToTimeline(tx, actor, incidentId, `Root cause no longer confirmed: ${previous.map((p) => p.findingId).join(", ")} (replaced)`);
        }
      }
      await tx.findingDecision.upsert({
        where: { incidentId_findingId: { incidentId, findingId } },
        create: { incidentId, findingId, verdict: body.verdict, reason: body.reason ?? null, analysisId: latest.id, decidedById: actor.userId },
        update: { verdict: body.verdict, reason: body.reason ?? null, analysisId: latest.id, decidedById: actor.userId, decidedAt: new Date() },
      });
      await logToTimeline(
        tx,
        actor,
        incidentId,
        body.verdict === "confirmed" ? `Root cause confirmed: ${label}${body.reason ? `. ${body.reason}` : ""}` : `Finding rejected: ${label}. Reason: ${body.reason}`,
      );
    }
    await publish(tx, { incidentId, kind: "finding", entityId: findingId, actorId: actor.userId });
    return findingsOf(tx, incidentId);
  });
}

