// One helper to document one operation of the /api/v1 API in a few lines (see README.md beside this file).
// The standard error responses are added from `access` (401/403 for anything not public) and `errors`, so every
// operation lists what it can answer besides success, in the one error shape lib/server/http.ts produces.
import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiParameters, ZodOpenApiResponseObject } from "zod-openapi";

/** Who may call it (the route's policy, lib/server/auth/policy.ts): a role, an ingest token, or anyone. */
export type Access = "public" | "viewer" | "responder" | "admin" | "ingest";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({
        description:
          "validation_failed | invalid_json | unauthenticated | forbidden | not_found | conflict | payload_too_large | " +
          "unsupported_media_type | invalid_transition | rate_limited | internal | …",
      }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      current: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

const ERROR_TEXT: Record<number, string> = {
  400: "validation_failed (issues name the fields) or invalid_json",
  401: "unauthenticated: no session or token, or a revoked one",
  403: "forbidden: the role or token may not do this",
  404: "not_found: no such object, or one the caller may not see",
  409: "conflict: a stale version or a uniqueness rule (error.current holds the state now)",
  411: "length_required",
  413: "payload_too_large: the body is over the route's cap",
  415: "unsupported_media_type: a Content-Type or Content-Encoding the route cannot read",
  422: "invalid_transition: well-formed but not allowed now",
  429: "rate_limited: wait for Retry-After seconds",
  500: "internal: logged server-side; no details are sent",
  503: "unavailable: the database is not reachable",
};

export type BodySpec =
  | { json: z.ZodType; description?: string; required?: boolean }
  | { raw: readonly string[]; description: string };

export interface OpSpec {
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  path?: ZodOpenApiParameters["path"];
  query?: ZodOpenApiParameters["query"];
  headers?: ZodOpenApiParameters["header"];
  body?: BodySpec;
  /** the success answer: `data` wraps `schema` (`list`: `{ data: schema[], nextCursor }`); no schema: no body */
  ok: { status: number; description: string; schema?: z.ZodType; list?: boolean; contentType?: string; raw?: boolean };
  /** error statuses besides the automatic ones (401/403 when not public, 500 always) */
  errors?: number[];
}

export function op(spec: OpSpec): ZodOpenApiOperationObject {
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.access !== "public") {
    statuses.add(401);
    statuses.add(403);
  }
  if (spec.access === "ingest") statuses.add(429);
  statuses.add(500);
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  const okContent = (() => {
    const { schema, list, contentType = "application/json", raw } = spec.ok;
    if (!schema) return undefined;
    if (raw) return { [contentType]: { schema } };
    const wrapped = list
      ? z.object({ data: z.array(schema), nextCursor: z.string().nullable() })
      : z.object({ data: schema });
    return { [contentType]: { schema: wrapped } };
  })();
  responses[String(spec.ok.status)] = { description: spec.ok.description, ...(okContent ? { content: okContent } : {}) };
  for (const s of [...statuses].sort((a, b) => a - b)) {
    responses[String(s)] = {
      description: ERROR_TEXT[s] ?? "error",
      content: { "application/json": { schema: ErrorBody } },
    };
  }
  const operation: ZodOpenApiOperationObject = {
    summary: spec.summary,
    tags: spec.tags,
    "x-access": spec.access,
    responses: responses as ZodOpenApiOperationObject["responses"],
  } as ZodOpenApiOperationObject;
  if (spec.description) operation.description = spec.description;
  const params: ZodOpenApiParameters = {};
  if (spec.path) params.path = spec.path;
  if (spec.query) params.query = spec.query;
  if (spec.headers) params.header = spec.headers;
  if (Object.keys(params).length > 0) operation.requestParams = params;
  if (spec.body) {
    if ("json" in spec.body) {
      operation.requestBody = {
        required: spec.body.required ?? true,
        ...(spec.body.description ? { description: spec.body.description } : {}),
        content: { "application/json": { schema: spec.body.json } },
      };
    } else {
      const binary = z.string().meta({ format: "binary" });
      operation.requestBody = {
        required: true,
        description: spec.body.description,
        content: Object.fromEntries(spec.body.raw.map((t) => [t, { schema: binary }])),
      };
    }
  }
  if (spec.access === "public") operation.security = [];
  else if (spec.access === "ingest") operation.security = [{ bearer: [] }];
  else operation.security = [{ session: [] }, { bearer: [] }];
  return operation;
}

/** The `{id}` path parameter every `[id]` route has. */
export const idPath = (what: string) =>
  z.object({ id: z.guid().meta({ description: `the ${what}'s id (UUID)` }) });
