import { openApiDocument } from "@/lib/server/openapi/document";
import { route } from "@/lib/server/http";

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas (lib/server/openapi). Signed-in users. */
export const GET = route({ role: "viewer" }, async () =>
  Response.json(openApiDocument(), { headers: { "cache-control": "no-cache" } }),
);
