// The document itself.
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { op } from "../op";

export const openapiPaths: ZodOpenApiPathsObject = {
  "/api/v1/openapi.json": {
    get: op({
      summary: "This document (OpenAPI 3.1)",
      description: "The same document the offline viewer at /docs/api renders.",
      tags: ["meta"],
      access: "viewer",
      ok: { status: 200, description: "the OpenAPI document", schema: z.looseObject({ openapi: z.string() }), raw: true },
    }),
  },
};
