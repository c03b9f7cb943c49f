import { json, route, searchParams } from "@/lib/server/http";
import { pollCaptureRequests } from "@/lib/server/services/capture-request";

export const dynamic = "force-dynamic";

/** ?node=NAME: the capture requests waiting for that node's agent, handed out once. */
export const GET = route({ ingest: true }, async (request: Request, _context: unknown, actor) =>
  json({ data: await pollCaptureRequests(actor, searchParams(request)) }),
);
