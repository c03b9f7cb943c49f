import { pathId, route, type IdParams } from "@/lib/server/http";
import { reportFile } from "@/lib/server/services/report/files";

// Chromium prints the page: up to a few seconds on a loaded machine.
export const maxDuration = 60;

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => reportFile(actor, await pathId(context), "pdf"));
