import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createPersonalToken } from "@/lib/server/services/token/create";
import { listTokens } from "@/lib/server/services/token/list";

/** The caller's personal tokens (prefix, last use; never the token); admins: ?owner=all for every token. */
export const GET = route({ role: "viewer" }, async (request: Request, _context: unknown, actor) =>
  list(await listTokens(actor, searchParams(request))),
);

/** { name, role?, expiresInDays? } → 201 with `token`, shown this once. */
export const POST = route({ role: "viewer" }, async (request: Request, _context: unknown, actor) =>
  ok(await createPersonalToken(actor, await readJson(request), request), 201),
);
