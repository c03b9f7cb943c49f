// Action items of an incident's postmortem: list, create, change (owner, due date, status, title), delete.
import { Id } from "../../../schemas/common";
import { ActionItemCreate, ActionItemPatch, type ActionItem } from "../../../schemas/warroom";
import type { ActionItem as Row, Prisma } from "../../../generated/prisma/client";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { toApiEnum, toDbEnum } from "../../enums";
import { NotFoundError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { peopleById } from "../../warroom/people";

function present(r: Row, people: Map<string, { id: string; name: string }>): ActionItem {
  return {
    id: r.id,
    title: r.title,
    kind: r.kind,
    owner: r.ownerId ? (people.get(r.ownerId) ?? null) : null,
    dueDate: r.dueDate ? r.dueDate.toISOString().slice(0, 10) : null,
    status: toApiEnum(r.status) as ActionItem["status"],
    createdAt: r.createdAt.toISOString(),
  };
}

async function checkOwner(tx: Prisma.TransactionClient, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const u = await tx.user.findUnique({ where: { id: ownerId }, select: { id: true } });
  if (!u) throw new ValidationError("the owner is not a user", [{ path: "ownerId", message: "no such user" }]);
}

export async function listActionItems(actor: UserActor, incidentIdRaw: string): Promise<ActionItem[]> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  const rows = await prisma.actionItem.findMany({ where: { incidentId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const people = await peopleById(prisma, rows.map((r) => r.ownerId));
  return rows.map((r) => present(r, people));
}

export async function createActionItem(actor: UserActor, incidentIdRaw: string, input: unknown): Promise<ActionItem> {
  const incidentId = Id.parse(incidentIdRaw);
  const body = ActionItemCreate.parse(input);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    await checkOwner(tx, body.ownerId);
    const row = await tx.actionItem.create({
      data: {
        incidentId,
        title: body.title,
        kind: body.kind ?? null,
        ownerId: body.ownerId ?? null,
        dueDate: body.dueDate ? new Date(`${body.dueDate}T00:00:00Z`) : null,
        status: toDbEnum(body.status),
        createdById: actor.userId,
      },
    });
    await publish(tx, { incidentId, kind: "report", entityId: row.id, actorId: actor.userId });
    return present(row, await peopleById(tx, [row.ownerId]));
  });
}

export async function updateActionItem(actor: UserActor, incidentIdRaw: string, itemIdRaw: string, input: unknown): Promise<ActionItem> {
  const incidentId = Id.parse(incidentIdRaw);
  const itemId = Id.parse(itemIdRaw);
  const body = ActionItemPatch.parse(input);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const existing = await tx.actionItem.findFirst({ where: { id: itemId, incidentId }, select: { id: true } });
    if (!existing) throw new NotFoundError("action item", itemId);
    await checkOwner(tx, body.ownerId);
    const row = await tx.actionItem.update({
      where: { id: itemId },
      data: {
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.ownerId !== undefined ? { ownerId: body.ownerId } : {}),
        ...(body.dueDate !== undefined ? { dueDate: body.dueDate ? new Date(`${body.dueDate}T00:00:00Z`) : null } : {}),
        ...(body.status !== undefined ? { status: toDbEnum(body.status) } : {}),
      },
    });
    await publish(tx, { incidentId, kind: "report", entityId: row.id, actorId: actor.userId });
    return present(row, await peopleById(tx, [row.ownerId]));
  });
}

export async function deleteActionItem(actor: UserActor, incidentIdRaw: string, itemIdRaw: string): Promise<void> {
  const incidentId = Id.parse(incidentIdRaw);
  const itemId = Id.parse(itemIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const gone = await tx.actionItem.deleteMany({ where: { id: itemId, incidentId } });
    if (gone.count === 0) throw new NotFoundError("action item", itemId);
    await publish(tx, { incidentId, kind: "report", entityId: itemId, actorId: actor.userId });
  });
}
