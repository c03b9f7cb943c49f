import { list, route, searchParams } from "@/lib/server/http";
import { listAudit } from "@/lib/server/services/audit/list";

/** The audit log, newest first: ?action=sign-in.failed (or a prefix "token."), ?actorId=…, keyset paged. */
export const GET = route({ role: "admin" }, async (request: Request, _context: unknown, actor) =>
  list(await listAudit(actor, searchParams(request))),
);
