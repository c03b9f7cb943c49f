import { pathId, route, type IdParams } from "@/lib/server/http";
import { reportFile } from "@/lib/server/services/report/files";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => reportFile(actor, await pathId(context), "md"));
