import { createFirstAdmin } from "@/lib/server/auth/setup";
import { ok, readJson, route } from "@/lib/server/http";

/**
 * The one-time set-up: makes the first admin while no account exists ({ name, email, password }); 404 once any
 * account exists. Then sign in with POST /api/auth/sign-in/email.
 */
export const POST = route({ public: true }, async (request: Request) =>
  ok(await createFirstAdmin(await readJson(request), request), 201),
);
