// The one place where errors become HTTP responses, plus the request-reading helpers every route uses.
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { Id } from "../schemas/common";
import { resolveActor } from "./auth/actor";
import { roleAtLeast, type Actor, type IngestActor, type Policy, type Role, type UserActor } from "./auth/policy";
import { takeIngestRequest } from "./auth/rate-limit";
import { isSafeMethod, sameOriginWrite } from "./auth/request-info";
import {
  ConflictError,
  IncompleteBodyError,
  ForbiddenError,
  InvalidJsonError,
  InvalidTransitionError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
  type Issue,
} from "./errors";

export const MAX_BODY_BYTES = 1_048_576;

export interface ErrorBody {
  error: { code: string; message: string; issues?: Issue[]; current?: unknown };
}

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store" } });
}

export function ok<T>(data: T, status = 200): Response {
  return json({ data }, status);
}

export function list<T>(page: { data: T[]; nextCursor: string | null }): Response {
  return json({ data: page.data, nextCursor: page.nextCursor });
}

function errorJson(status: number, code: string, message: string, extra: Partial<ErrorBody["error"]> = {}): Response {
  return json({ error: { code, message, ...extra } } satisfies ErrorBody, status);
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

function zodIssues(err: z.ZodError): Issue[] {
  return err.issues.map((i) => {
    // Name the unknown keys in the path so the form can point at them.
    const keys = i.code === "unrecognized_keys" ? i.keys : [];
    const base = i.path.map(String).join(".");
    return {
      path: keys.length > 0 ? [base, ...keys].filter(Boolean).join(".") : base,
      message: i.message,
    };
  });
}

export function errorResponse(err: unknown): Response {
  if (err instanceof z.ZodError) {
    return errorJson(400, "validation_failed", "the request is not valid", { issues: zodIssues(err) });
  }
  if (err instanceof ValidationError) return errorJson(400, "validation_failed", err.message, { issues: err.issues });
  if (err instanceof InvalidJsonError) return errorJson(400, "invalid_json", err.message);
  if (err instanceof PayloadTooLargeError) return errorJson(413, "payload_too_large", err.message);
  if (err instanceof UnsupportedMediaTypeError) return errorJson(415, "unsupported_media_type", err.message);
  if (err instanceof IncompleteBodyError) return errorJson(400, "incomplete_body", err.message);
  if (err instanceof NotFoundError) return errorJson(404, "not_found", err.message);
  if (err instanceof ConflictError) {
    return errorJson(409, "conflict", err.message, err.current === undefined ? {} : { current: err.current });
  }
  if (err instanceof InvalidTransitionError) return errorJson(422, "invalid_transition", err.message);
  if (err instanceof UnauthenticatedError) {
    return withHeaders(errorJson(401, "unauthenticated", err.message), { "www-authenticate": 'Bearer realm="netmortem"' });
  }
  if (err instanceof ForbiddenError) return errorJson(403, err.code, err.message);
  if (err instanceof RateLimitedError) {
    return withHeaders(errorJson(429, "rate_limited", err.message), { "retry-after": String(err.retryAfterSeconds) });
  }
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    // Codes, not message text: https://www.prisma.io/docs/orm/reference/error-reference
    if (err.code === "P2025") return errorJson(404, "not_found", "not found");
    if (err.code === "P2003") return errorJson(404, "not_found", "a referenced record does not exist");
    if (err.code === "P2002") return errorJson(409, "conflict", "a record with the same unique value already exists");
  }
  console.error("[api] unhandled error:", err);
  return errorJson(500, "internal", "internal error");
}

/** The answer of app/api/[...path]: a path no API route has is a 404 with the error body (never Next's HTML page). */
export async function notFoundRoute(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const shown = pathname.length > 120 ? `${pathname.slice(0, 120)}…` : pathname;
  const res = errorJson(404, "not_found", `no API route ${JSON.stringify(shown)} (see /api/v1/openapi.json)`);
  return request.method === "HEAD" ? new Response(null, { status: 404, headers: res.headers }) : res;
}

/** What Next calls, with the policy it was made with (the route × role test reads it). */
export type RouteHandler<C> = ((request: Request, context: C) => Promise<Response>) & { readonly policy: Policy };

/**
 * Makes an app/api/v1 handler: resolves who is calling (session cookie, personal token, ingest token), enforces the
 * policy, refuses cross-site cookie writes, rate-limits ingest tokens, and turns every failure into the error
 * envelope (never a stack trace).
 *
 *   { public: true }      anyone; actor is null (no credential is even looked at)
 *   { role: "viewer" }    a signed-in user (session or personal token) with at least that role; 401 without, 403 below
 *   { ingest: true }      a cluster ingest token; 401 without, 403 for anything else (a user included)
 *
 * An ingest token on a role route is 403. Scoping (which incidents/clusters) is the service's job: scope.ts.
 */
export function route<C>(policy: { public: true }, handler: (request: Request, context: C, actor: null) => Promise<Response>): RouteHandler<C>;
export function route<C>(policy: { role: Role }, handler: (request: Request, context: C, actor: UserActor) => Promise<Response>): RouteHandler<C>;
export function route<C>(policy: { ingest: true }, handler: (request: Request, context: C, actor: IngestActor) => Promise<Response>): RouteHandler<C>;
export function route<C>(policy: Policy, handler: (request: Request, context: C, actor: Actor | null) => Promise<Response>): RouteHandler<C>;
export function route<C>(
  policy: Policy,
  handler: (request: Request, context: C, actor: never) => Promise<Response>,
): RouteHandler<C> {
  if (!policy || typeof policy !== "object" || !("public" in policy || "role" in policy || "ingest" in policy)) {
    throw new Error("route(policy, handler): policy must be { public: true }, { role } or { ingest: true }");
  }
  const call = handler as (request: Request, context: C, actor: Actor | null) => Promise<Response>;
  const wrapped = async (request: Request, context: C): Promise<Response> => {
    try {
      const actor = await authorize(policy, request);
      return await call(request, context, actor);
    } catch (err) {
      return errorResponse(err);
    }
  };
  return Object.assign(wrapped, { policy: Object.freeze({ ...policy }) as Policy });
}

async function authorize(policy: Policy, request: Request): Promise<Actor | null> {
  if ("public" in policy) return null;
  const who = await resolveActor(request.headers);
  if ("anonymous" in who) throw new UnauthenticatedError();
  if ("refused" in who) throw new UnauthenticatedError(who.refused);
  const actor = who.actor;
  if ("ingest" in policy) {
    if (actor.kind !== "ingest") throw new ForbiddenError("this route takes a cluster ingest token");
    const allowance = await takeIngestRequest(actor.tokenId);
    if (!allowance.ok) throw new RateLimitedError(allowance.retryAfterSeconds, "this ingest token is over its rate limit");
    return actor;
  }
  if (actor.kind !== "user") throw new ForbiddenError("an ingest token may only use the /api/v1/ingest routes");
  if (!roleAtLeast(actor.role, policy.role)) {
    throw new ForbiddenError(`this needs the ${policy.role} role; you are ${actor.role}`);
  }
  if (actor.via === "session" && !isSafeMethod(request.method) && !sameOriginWrite(request.headers, request.url)) {
    throw new ForbiddenError("cross-site request refused: a write with a session cookie must come from this site", "cross_site");
  }
  return actor;
}

/**
 * Reads at most MAX_BODY_BYTES (checking the declared length first, then counting, since a chunked body
 * declares none) and parses it as JSON. Validation is the caller's schema's job.
 */
export async function readJson(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw new PayloadTooLargeError(limit);
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new InvalidJsonError("request body is empty; expected a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new InvalidJsonError();
  }
  refuseNul(value, []);
  return value;
}

/** an unpaired UTF-16 surrogate (JSON's "\udfff" alone): not Unicode text */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * PostgreSQL text cannot hold U+0000 (a NUL in any string reached the database as a 500), and its json/jsonb
 * refuse an unpaired surrogate escape (`{"name":"x\udfffy"}` for an ingest token reached the audit event's JSON
 * as a 500, found by the API fuzz campaign): both refused here, for every body and query of every route, as a 400
 * naming the field. Keys are checked too.
 */
export function refuseNul(value: unknown, at: Array<string | number>): void {
  const bad = (path: Array<string | number>) =>
    new ValidationError("a string holds a NUL character (U+0000), which is not allowed", [{ path: path.join(".") || "(body)", message: "contains a NUL character" }]);
  const lone = (path: Array<string | number>) =>
    new ValidationError("a string holds an unpaired UTF-16 surrogate (such as \\udfff), which is not Unicode text", [{ path: path.join(".") || "(body)", message: "contains an unpaired surrogate" }]);
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw bad(at);
    if (LONE_SURROGATE.test(value)) throw lone(at);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => refuseNul(v, [...at, i]));
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes("\u0000")) throw bad([...at, k]);
      if (LONE_SURROGATE.test(k)) throw lone([...at, k]);
      refuseNul(v, [...at, k]);
    }
  }
}

/** Query string as a plain object; repeated keys keep the last value. A NUL anywhere is a 400 (see refuseNul). */
export function searchParams(request: Request): Record<string, string> {
  const q = Object.fromEntries(new URL(request.url).searchParams);
  refuseNul(q, []);
  return q;
}

/**
 * A user's text as a literal inside LIKE/ILIKE (Prisma's `contains`/`startsWith` pass it to LIKE as it is):
 * `%`, `_` and the escape character `\` lose their wildcard meaning, so `q=%` matches a literal percent sign.
 */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type IdParams = { params: Promise<{ id: string }> };

/** The `{id}` path segment, checked to be a UUID (400 validation_failed otherwise). */
export async function pathId(context: IdParams): Promise<string> {
  const { id } = await context.params;
  const parsed = Id.safeParse(id);
  if (!parsed.success) throw new ValidationError("the id in the path is not a UUID", [{ path: "id", message: "must be a UUID" }]);
  return parsed.data.toLowerCase();
}
