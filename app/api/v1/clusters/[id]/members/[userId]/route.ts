import { Id } from "@/lib/schemas/common";
import { pathId, route } from "@/lib/server/http";
import { ValidationError } from "@/lib/server/errors";
import { removeMember } from "@/lib/server/services/member/members";

type Params = { params: Promise<{ id: string; userId: string }> };

export const DELETE = route({ role: "admin" }, async (request: Request, context: Params, actor) => {
  const id = await pathId(context);
  const { userId } = await context.params;
  if (!Id.safeParse(userId).success) throw new ValidationError("the user id in the path is not a UUID", [{ path: "userId", message: "must be a UUID" }]);
  await removeMember(actor, id, userId, request);
  return new Response(null, { status: 204 });
});
