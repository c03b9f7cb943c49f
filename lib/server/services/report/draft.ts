// The draft of an incident's postmortem from what the database holds now: the incident, the latest analysis as the
// engineers judged it, the timeline, the action items and the checklist's gaps (lib/analysis/report draftReport).
import { draftReport, type DraftInput } from "../../../analysis/report";
import type { Prisma, PrismaClient } from "../../../generated/prisma/client";
import { toApiEnum } from "../../enums";
import { latestAnalysis } from "../../warroom/analysis";
import { peopleById } from "../../warroom/people";

type Client = PrismaClient | Prisma.TransactionClient;

/** The timeline is the postmortem's, not the war room's: at most this many entries, oldest first. */
export const REPORT_TIMELINE_MAX = 400;

export async function draftFor(db: Client, incidentId: string, gaps: DraftInput["gaps"] = []): Promise<string> {
  const incident = await db.incident.findUniqueOrThrow({ where: { id: incidentId } });
  const latest = await latestAnalysis(db, incidentId);
  const decisions = await db.findingDecision.findMany({ where: { incidentId } });
  const events = await db.timelineEvent.findMany({ where: { incidentId }, orderBy: [{ at: "asc" }, { id: "asc" }], take: REPORT_TIMELINE_MAX });
  const items = await db.actionItem.findMany({ where: { incidentId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const people = await peopleById(db, [...decisions.map((d) => d.decidedById), ...events.map((e) => e.authorId), ...items.map((a) => a.ownerId)]);
  const name = (id: string | null) => (id ? (people.get(id)?.name ?? null) : null);
  return draftReport({
    incident: {
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      startedAt: incident.startedAt.toISOString(),
      detectedAt: incident.detectedAt?.toISOString() ?? null,
      mitigatedAt: incident.mitigatedAt?.toISOString() ?? null,
      resolvedAt: incident.resolvedAt?.toISOString() ?? null,
      commander: incident.commander,
      summary: incident.summary,
    },
    analysis: latest?.analysis ?? null,
    decisions: decisions.map((d) => ({ findingId: d.findingId, verdict: d.verdict, reason: d.reason, by: name(d.decidedById), at: d.decidedAt.toISOString() })),
    timeline: events.map((e) => ({ at: e.at.toISOString(), kind: toApiEnum(e.kind), author: name(e.authorId), body: e.body })),
    actionItems: items.map((a) => ({ title: a.title, owner: name(a.ownerId), dueDate: a.dueDate?.toISOString().slice(0, 10) ?? null, status: toApiEnum(a.status), kind: a.kind })),
    gaps,
  }).markdown;
}
