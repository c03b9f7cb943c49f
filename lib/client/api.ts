import { z } from "zod";

export const API_BASE = "/api/v1";

export type ApiIssue = { path: string; message: string };

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    // The contract says a dotted string; an array path (zod's native form) is accepted and joined so a
    // small backend drift does not hide field errors.
    issues: z
      .array(
        z.object({
          path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]),
          message: z.string(),
        }),
      )
      .optional(),
    current: z.unknown().optional(),
  }),
});

/** An API failure with the server's error code and field issues, or a transport failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  /** On 409 the server sends the current state of the resource so the UI can show it without a refetch. */
  readonly current: unknown;

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = [], current?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.current = current;
  }

  /** Issues keyed by their top-level field, first message wins: what a form shows next to an input. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const issue of this.issues) {
      const field = issue.path.split(/[.[]/)[0] ?? "";
      if (field && !(field in out)) out[field] = issue.message;
    }
    return out;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export type Query = Record<string, string | number | undefined | null>;

export function buildPath(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

/**
 * Calls the API and validates the success body against `schema`. Every failure becomes an ApiError:
 * the server's own `{ error }` body when there is one, otherwise a synthetic code (network_error,
 * bad_response) so callers only ever handle one error type.
 */
export async function apiFetch<S extends z.ZodType>(
  schema: S,
  method: Method,
  path: string,
  opts: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(buildPath(path, opts.query), {
      method,
      signal: opts.signal,
      headers: opts.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: "no-store",
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection and try again.");
  }

  let json: unknown = undefined;
  const text = await res.text();
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (res.status === 401 && typeof window !== "undefined" && !window.location.pathname.startsWith("/sign-in")) {
    // The session ended (signed out elsewhere, expired, the user disabled): sign in again and come back, with a full
    // load so no page of the old session stays in memory.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) {
      const { code, message, issues, current } = parsed.data.error;
      throw new ApiError(
        res.status,
        code,
        message,
        (issues ?? []).map((i) => ({ path: Array.isArray(i.path) ? i.path.join(".") : i.path, message: i.message })),
        current,
      );
    }
    throw new ApiError(res.status, "http_error", `The server answered ${res.status} ${res.statusText}`.trim());
  }

  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, "bad_response", "The server sent a response this page does not understand.");
  }
  return parsed.data;
}
