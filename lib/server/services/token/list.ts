import type { Prisma } from "../../../generated/prisma/client";
import { TokenListQuery, type ApiToken } from "../../../schemas/auth";
import { Id, PageQuery } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { presentToken, tokenInclude } from "../../auth/present";
import { visibleCluster } from "../../auth/scope";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { ForbiddenError } from "../../errors";

type Page = { data: ApiToken[]; nextCursor: string | null };

async function listWhere(where: Prisma.ApiTokenWhereInput, limit: number, cursor: string | undefined): Promise<Page> {
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  const rows = await prisma.apiToken.findMany({
    where: {
      ...where,
      ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: tokenInclude,
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), presentToken);
}

/** The caller's personal tokens, newest first (revoked ones included, marked); admins may ask for every token. */
export async function listTokens(actor: UserActor, query: unknown): Promise<Page> {
  const { limit, cursor, owner } = TokenListQuery.parse(query);
  if (owner === "all" && actor.role !== "admin") throw new ForbiddenError("only admins may list every token");
  return listWhere(owner === "all" ? {} : { kind: "personal", ownerId: actor.userId }, limit, cursor);
}

/** A cluster's ingest tokens (admins). */
export async function listIngestTokens(actor: UserActor, clusterId: string, query: unknown): Promise<Page> {
  const cluster = Id.parse(clusterId).toLowerCase();
  const { limit, cursor } = PageQuery.parse(query);
  await visibleCluster(actor, cluster);
  return listWhere({ kind: "ingest", clusterId: cluster }, limit, cursor);
}
