import { list, ok, readJson, route, searchParams } from "@/lib/server/http";
import { createUser } from "@/lib/server/services/user/create";
import { listUsers } from "@/lib/server/services/user/list";

export const GET = route({ role: "admin" }, async (request: Request, _context: unknown, actor) =>
  list(await listUsers(actor, searchParams(request))),
);

/** { name, email, role, password?, clusterIds? }; without a password the answer carries a one-time invite link. */
export const POST = route({ role: "admin" }, async (request: Request, _context: unknown, actor) =>
  ok(await createUser(actor, await readJson(request), request), 201),
);
