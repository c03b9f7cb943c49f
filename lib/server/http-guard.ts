/**
 * Requests Next cannot answer properly, answered at the Node HTTP server before Next sees them (installed by
 * instrumentation.ts's register(), which runs in the server process before it serves; issue 10 item 5):
 *
 *   - TRACE and TRACK (the Fetch standard forbids them: building the Web Request for a proxy or a route handler
 *     throws, and Next 16.4.5 answers a plain-text 500 on every path), CONNECT (Node would drop the
 *     connection without a word) and any method outside GET HEAD OPTIONS POST PUT PATCH DELETE (Next answers a
 *     bare 400 before route code runs): 405 `method_not_allowed`;
 *   - a path with an invalid percent-escape (`/api/v1/incidents/%ZZ`, `%E0%A4%A`): Next's param decoding throws
 *     and it answers a plain-text 500: here a 400 `bad_request`;
 *   - a request Node's HTTP parser itself refuses (an unknown method token, a malformed request line or header):
 *     Node's bare `400 Bad Request` with no body becomes the same with the error body (431 for headers too large,
 *     408 for a request too slow, as Node does);
 *   - a method a route file does not export (`DELETE /api/v1/nodes/X`, also reached as
 *     `/api/v1/incidents/%2e%2e/nodes/X`): Next answers a bare 405, no body and no Allow, before any code of ours
 *     runs. The guard watches each answer's end: a 405 that ends with no body and no content type gets the
 *     `method_not_allowed` body and the route's `Allow` (lib/server/route-methods.ts, generated from app/**\/route.ts).
 * Each with the usual `{ "error": { "code", "message" } }` JSON body. It patches `http.Server.prototype.emit`
 * (once): a proxy cannot do this (TRACE never reaches it, and routing every request body through the proxy
 * would cut uploads at its 10 MB), and `next start` offers no other hook before routing.
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { ROUTE_METHODS } from "./route-methods";

const ALLOWED = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);
const ALLOW = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE";
/** how much of a refused request's body is read (and dropped) so that its client gets the answer */
const DRAIN_MAX = 64 * 1024 * 1024;

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** printable, short: a method or path quoted back to the client */
function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

/** what the guard answers for a request, or undefined to let Next have it */
export function refusal(method: string | undefined, url: string | undefined): { status: number; code: string; message: string } | undefined {
  const m = method ?? "";
  if (!ALLOWED.has(m)) {
    return { status: 405, code: "method_not_allowed", message: `the method ${quote(m)} is not supported (${ALLOW})` };
  }
  const u = url ?? "/";
  const q = u.indexOf("?");
  const pathname = q < 0 ? u : u.slice(0, q);
  if (pathname.includes("%")) {
    try {
      decodeURIComponent(pathname);
    } catch {
      return { status: 400, code: "bad_request", message: `the path has an invalid percent-escape: ${quote(pathname)}` };
    }
  }
  return undefined;
}

type Segment = { kind: 0 | 1 | 2 | 3; text: string };
/** static segments first, then [x], then [...x], then [[...x]]: Next's order among routes matching one path */
const PATTERNS = ROUTE_METHODS.map(([pattern, methods]) => ({
  pattern,
  allow: methods.join(", "),
  segments: pattern.split("/").filter(Boolean).map((t): Segment => ({ kind: /^\[\[\.\.\./.test(t) ? 3 : /^\[\.\.\./.test(t) ? 2 : /^\[/.test(t) ? 1 : 0, text: t })),
}));

function matches(segments: Segment[], parts: string[]): number[] | undefined {
  const rank: number[] = [];
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k]!;
    if (s.kind >= 2) {
      if (s.kind === 2 && parts.length <= k) return undefined;
      rank.push(s.kind);
      return rank;
    }
    if (k >= parts.length) return undefined;
    if (s.kind === 0 && s.text !== parts[k]) return undefined;
    rank.push(s.kind);
  }
  return parts.length === segments.length ? rank : undefined;
}

/** the route a path reaches (its dot segments resolved as Next does: %2e%2e is ..) and the methods it answers */
export function routeOf(url: string | undefined): { pattern: string; allow: string } | undefined {
  let pathname: string;
  try {
    pathname = new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
  const parts = pathname.split("/").filter(Boolean);
  let best: { pattern: string; allow: string; rank: number[] } | undefined;
  for (const p of PATTERNS) {
    const rank = matches(p.segments, parts);
    if (!rank) continue;
    if (!best) best = { ...p, rank };
    else {
      // the first segment where they differ decides: the more specific wins
      for (let k = 0; k < Math.max(rank.length, best.rank.length); k++) {
        const a = rank[k] ?? 4;
        const b = best.rank[k] ?? 4;
        if (a !== b) {
          if (a < b) best = { ...p, rank };
          break;
        }
      }
    }
  }
  return best && { pattern: best.pattern, allow: best.allow };
}

/**
 * Next's bare 405 (a method the route file does not export: no body, no content type) gets the error body and
 * the route's Allow; any other answer is left as it is. Decided when the headers go out (`writeHead`, which
 * `end`, `flushHeaders` and Next's compression middleware all reach): a 405 without a content type is Next's
 * (every 405 of ours carries the error body); its headers become the error body's, Next's empty chunks are
 * dropped and the body is written at `end`. (In the production server Next's compression middleware wraps `end`
 * and sends the headers before calling it; Next also sends the 405 as an empty body stream: headers flushed, an
 * empty chunk, then `end`.)
 */
function fixBare405(req: http.IncomingMessage, res: http.ServerResponse): void {
  const writeHead = res.writeHead;
  const write = res.write;
  const end = res.end;
  let body: string | undefined;
  let wrote = false;
  const hasType = (h: unknown) =>
    Array.isArray(h) ? h.some((x, i) => (Array.isArray(x) ? String(x[0]).toLowerCase() === "content-type" : i % 2 === 0 && String(x).toLowerCase() === "content-type"))
    : !!h && typeof h === "object" && Object.keys(h).some((k) => k.toLowerCase() === "content-type");
  const isEmpty = (chunk: unknown) => chunk === undefined || chunk === null || typeof chunk === "function" || ((typeof chunk === "string" || chunk instanceof Uint8Array) && chunk.length === 0);
  res.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
    const status = typeof args[0] === "number" ? args[0] : res.statusCode;
    if (body === undefined && status === 405 && !wrote && !res.headersSent && res.getHeader("content-type") === undefined && !args.slice(1).some(hasType)) {
      const route = routeOf(req.url);
      body = errorBody("method_not_allowed", `the method ${quote(req.method ?? "")} is not allowed on this path${route ? ` (${route.allow})` : ""}`);
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (res.getHeader(k) === undefined) res.setHeader(k, v);
      if (route) res.setHeader("allow", route.allow);
      res.removeHeader("transfer-encoding");
      res.setHeader("content-length", req.method === "HEAD" ? 0 : Buffer.byteLength(body));
    }
    return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  res.write = function (this: http.ServerResponse, ...args: unknown[]) {
    if (body !== undefined) {
      // Next's (empty) body of its bare 405: the error body goes at end
      const cb = args.find((a) => typeof a === "function") as (() => void) | undefined;
      if (cb) process.nextTick(cb);
      return true;
    }
    if (!isEmpty(args[0])) wrote = true;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof res.write;
  res.end = function (this: http.ServerResponse, ...args: unknown[]) {
    if (body === undefined && !res.headersSent && res.statusCode === 405 && !wrote && isEmpty(args[0]) && res.getHeader("content-type") === undefined) {
      res.writeHead(405);
    }
    if (body !== undefined) {
      const cb = args.find((a) => typeof a === "function");
      return (end as (...a: unknown[]) => http.ServerResponse).call(this, req.method === "HEAD" ? undefined : body, ...(cb ? [cb] : []));
    }
    return (end as (...a: unknown[]) => http.ServerResponse).apply(this, args);
  } as typeof res.end;
}

/**
 * The security headers next.config.ts puts on every non-page answer (issue 11: on every response); these answers
 * never reach Next, so they carry them here. Keep the two lists the same.
 */
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
};
const SECURITY_LINES = Object.entries(SECURITY_HEADERS)
  .map(([k, v]) => `${k}: ${v}\r\n`)
  .join("");

function rawResponse(status: number, reason: string, body: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n${SECURITY_LINES}connection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${status === 405 ? `allow: ${ALLOW}\r\n` : ""}\r\n${body}`;
}

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
const INSTALLED = Symbol.for("netmortem.httpGuard");

/** Installs the guard on every http.Server of this process (idempotent). */
export function installHttpGuard(): void {
  const proto = http.Server.prototype as unknown as { emit: Emit; [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit;
  proto.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const r = refusal(req.method, req.url);
      if (r) {
        const body = errorBody(r.code, r.message);
        const declared = Number(req.headers["content-length"] ?? 0);
        const hasBody = declared > 0 || req.headers["transfer-encoding"] !== undefined;
        res.writeHead(r.status, {
          "content-type": "application/json",
          "cache-control": "no-store",
          ...SECURITY_HEADERS,
          "content-length": Buffer.byteLength(body),
          ...(r.status === 405 ? { allow: ALLOW } : {}),
          // past DRAIN_MAX the connection ends after this answer
          ...(declared > DRAIN_MAX ? { connection: "close" } : {}),
        });
        res.end(req.method === "HEAD" ? undefined : body);
        // a body that came with it is read and dropped, so the client gets this answer: closing with its bytes
        // unread resets the connection and the client sees EPIPE/ECONNRESET instead (the API fuzz campaign: a
        // 1 MiB body to /api/v1/incidents/%ZZ/…); one past DRAIN_MAX is cut there
        if (hasBody) {
          let n = 0;
          req.on("data", (c: Buffer) => {
            n += c.length;
            if (n > DRAIN_MAX) req.destroy();
          });
          req.on("error", () => undefined);
          req.resume();
        }
        return true;
      }
      fixBare405(req, res);
    } else if (event === "connection" && this.listenerCount("connect") === 0) {
      // Node emits "connect" only to a server listening for it (else it drops the connection silently)
      this.on("connect", (_req: http.IncomingMessage, socket: Duplex) => {
        socket.end(rawResponse(405, "Method Not Allowed", errorBody("method_not_allowed", `the method "CONNECT" is not supported (${ALLOW})`)));
      });
    } else if (event === "clientError" && this.listenerCount("clientError") === 0) {
      const [err, socket] = args as [NodeJS.ErrnoException, Duplex];
      if (err.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return true;
      }
      const [status, reason, code, message] =
        err.code === "HPE_HEADER_OVERFLOW" ? [431, "Request Header Fields Too Large", "headers_too_large", "the request's headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? [408, "Request Timeout", "request_timeout", "the request did not arrive in time"]
        : [400, "Bad Request", "bad_request", `the request is not valid HTTP (${err.code ?? "parse error"})`];
      socket.end(rawResponse(status as number, reason as string, errorBody(code as string, message as string)));
      return true;
    }
    return emit.call(this, event, ...args);
  };
}
