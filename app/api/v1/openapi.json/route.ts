import { openApiDocument } from "@/lib/server/openapi/document";
import { route } from "@/lib/server/http";

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas (lib/server/openapi). */
export const GET = route(async () =>
  Response.json(openApiDocument(), { headers: { "cache-control": "no-cache" } }),
);
