import { ok, pathId, route } from "@/lib/server/http";
import { unlinkIncidentNode } from "@/lib/server/services/incident-node/incident-nodes";

type Params = { params: Promise<{ id: string; nodeId: string }> };

export const DELETE = route({ role: "responder" }, async (_request: Request, context: Params, actor) =>
  ok(await unlinkIncidentNode(actor, await pathId(context), (await context.params).nodeId)),
);
