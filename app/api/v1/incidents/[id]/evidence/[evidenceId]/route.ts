import { ok, route } from "@/lib/server/http";
import { getEvidence } from "@/lib/server/services/evidence/get";

export const dynamic = "force-dynamic";

export const GET = route(
  { role: "viewer" },
  async (_request: Request, context: { params: Promise<{ id: string; evidenceId: string }> }, actor) => {
    const { id, evidenceId } = await context.params;
    return ok(await getEvidence(actor, id, evidenceId));
  },
);
