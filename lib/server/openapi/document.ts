// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas of lib/schemas by zod-openapi. Each area's
// operations live in paths/<area>.ts (see README.md beside this file); add yours to PATH_GROUPS.
import { createDocument, type ZodOpenApiPathsObject } from "zod-openapi";
import { authPaths } from "./paths/auth";
import { corePaths } from "./paths/core";
import { evidencePaths } from "./paths/evidence";
import { ingestPaths } from "./paths/ingest";
import { openapiPaths } from "./paths/openapi";
import { warRoomPaths } from "./paths/warroom";

const PATH_GROUPS: ZodOpenApiPathsObject[] = [corePaths, evidencePaths, ingestPaths, openapiPaths, authPaths, warRoomPaths];

export type OpenApiDocument = ReturnType<typeof createDocument>;

function mergePaths(groups: ZodOpenApiPathsObject[]): ZodOpenApiPathsObject {
  const out: ZodOpenApiPathsObject = {};
  for (const g of groups) {
    for (const [path, item] of Object.entries(g)) {
      const existing = out[path];
      if (existing) {
        for (const method of Object.keys(item)) {
          if (method in existing) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is documented twice`);
        }
        out[path] = { ...existing, ...item };
      } else {
        out[path] = item;
      }
    }
  }
  return out;
}

let cached: OpenApiDocument | undefined;

export function openApiDocument(): OpenApiDocument {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "netmortem API",
      version: "1",
      description:
        "The REST API of netmortem, a war room for container and Kubernetes network incidents. Every answer is " +
        "JSON: `{ data }` (lists: `{ data, nextCursor }`) or `{ error: { code, message, issues? } }`. Ids are UUIDs; " +
        "times are ISO-8601 with an offset. People sign in (session cookie) or send a personal token " +
        "(`Authorization: Bearer …`); node agents send a cluster's ingest token.",
    },
    tags: [
      { name: "health" },
      { name: "incidents" },
      { name: "timeline" },
      { name: "clusters" },
      { name: "nodes" },
      { name: "evidence", description: "uploads, pastes and what the engine recognised in them" },
      { name: "analysis", description: "durable analysis jobs and their results" },
      { name: "ingest", description: "what node agents send (ingest token scoped to one cluster)" },
      { name: "accounts", description: "sign-in (better-auth, /api/auth), the first start, invitations" },
      { name: "tokens", description: "personal tokens and cluster ingest tokens (shown once, stored hashed)" },
      { name: "users", description: "admins manage accounts and roles" },
      { name: "audit", description: "who did what, when, from where" },
      { name: "meta" },
    ],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "netmortem.session_token", description: "a signed-in session" },
        bearer: { type: "http", scheme: "bearer", description: "a personal API token, or a cluster's ingest token" },
      },
    },
    paths: mergePaths(PATH_GROUPS),
  });
  return cached;
}
