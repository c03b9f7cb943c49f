import { ok, route } from "@/lib/server/http";
import { deleteEvidence } from "@/lib/server/services/evidence/delete";
import { getEvidence } from "@/lib/server/services/evidence/get";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; evidenceId: string }> };

export const GET = route({ role: "viewer" }, async (_request: Request, context: Params, actor) => {
  const { id, evidenceId } = await context.params;
  return ok(await getEvidence(actor, id, evidenceId));
});

export const DELETE = route({ role: "responder" }, async (request: Request, context: Params, actor) => {
  const { id, evidenceId } = await context.params;
  return ok(await deleteEvidence(actor, id, evidenceId, request));
});
