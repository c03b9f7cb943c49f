import { ok, readJson, route } from "@/lib/server/http";
import { acceptInvite } from "@/lib/server/services/user/accept-invite";

/** { token, password }: the invitee sets their password (public: the token is the credential). */
export const POST = route({ public: true }, async (request: Request) => ok(await acceptInvite(await readJson(request), request)));
