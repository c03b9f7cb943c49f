// The answer of an ingest route: `{ data }` with the status, and the handler's timings as Server-Timing.
import type { IngestOutcome } from "../services/ingest/snapshot";
import { json } from "../http";

export function ingestResponse(out: IngestOutcome): Response {
  const res = json({ data: out.body }, out.status);
  if (out.timings) {
    res.headers.set("server-timing", Object.entries(out.timings).map(([k, v]) => `${k};dur=${v}`).join(", "));
  }
  return res;
}
