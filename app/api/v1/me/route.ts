import { ok, route } from "@/lib/server/http";

/** Who the caller is (session or token). */
export const GET = route({ role: "viewer" }, async (_request: Request, _context: unknown, actor) =>
  ok({ id: actor.userId, name: actor.name, email: actor.email, role: actor.role, via: actor.via }),
);
