// /api/auth/* — better-auth's own endpoints, behind an allow-list, with our sign-in limits and audit entries around
// them. app/api/auth/[...all]/route.ts hands every request here.
import { getPrisma } from "../db";
import { sessionUser } from "./actor";
import { audit } from "./audit";
import { getAuth } from "./auth";
import { signInSucceeded, takeSignInAttempt } from "./rate-limit";
import { clientAddress } from "./request-info";

/**
 * The endpoints the app uses; anything else of better-auth's answers 404 (sign-up, password reset by email, and
 * get-session/list-sessions, which would hand the httpOnly cookie's token to page scripts: GET /api/v1/me says who
 * is signed in).
 */
const ALLOWED: Record<string, readonly string[]> = {
  "/sign-in/email": ["POST"],
  "/sign-out": ["POST"],
  "/change-password": ["POST"],
  "/ok": ["GET"],
};

function errorBody(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

export async function handleAuthRequest(request: Request): Promise<Response> {
  try {
    const path = new URL(request.url).pathname.replace(/^\/api\/auth/, "").replace(/\/+$/, "") || "/";
    const methods = ALLOWED[path];
    if (!methods) return errorBody(404, "not_found", "not found");
    if (!methods.includes(request.method)) return errorBody(405, "method_not_allowed", `use ${methods.join(" or ")}`);
    if (path === "/sign-in/email") return await signIn(request);
    const auth = await getAuth();
    if (path === "/sign-out" || path === "/change-password") {
      const user = await sessionUser(request.headers);
      const res = await auth.handler(request);
      if (res.ok && user) {
        await audit(null, {
          action: path === "/sign-out" ? "sign-out" : "user.password-changed",
          actor: user,
          target: { type: "user", id: user.userId },
          request,
        });
      }
      return res;
    }
    return await auth.handler(request);
  } catch (err) {
    console.error("[auth] unhandled error:", err);
    return errorBody(500, "internal", "internal error");
  }
}

/**
 * better-auth's sign-in answer carries the session token in its body; the cookie (httpOnly) is where it belongs,
 * so the body keeps only who signed in.
 */
async function withoutSessionToken(res: Response): Promise<Response> {
  let user: unknown = null;
  try {
    const body = (await res.clone().json()) as { user?: { id?: string; email?: string; name?: string; role?: string } };
    if (body.user) user = { id: body.user.id, email: body.user.email, name: body.user.name, role: body.user.role };
  } catch {
    user = null;
  }
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify({ user }), { status: res.status, headers });
}

async function emailOf(request: Request): Promise<string | null> {
  try {
    const type = request.headers.get("content-type") ?? "";
    const text = await request.clone().text();
    if (text.length > 64 * 1024) return null;
    const email = type.includes("application/x-www-form-urlencoded")
      ? new URLSearchParams(text).get("email")
      : (JSON.parse(text) as { email?: unknown }).email;
    return typeof email === "string" && email.length <= 254 ? email.trim().toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * Counts the attempt first (per email and per address), then lets better-auth check the password: the 6th attempt
 * within the window after five failures is a 429 with Retry-After whatever the password. Every outcome is audited.
 */
async function signIn(request: Request): Promise<Response> {
  const email = await emailOf(request);
  const auth = await getAuth();
  if (!email) return auth.handler(request); // better-auth answers the malformed body (400)
  const address = clientAddress(request.headers);
  const allowance = await takeSignInAttempt(email, address);
  if (!allowance.ok) {
    await audit(null, {
      action: "sign-in.blocked",
      actorLabel: email,
      request,
      details: { limit: allowance.reason, retryAfterSeconds: allowance.retryAfterSeconds },
    });
    return errorBody(
      429,
      "rate_limited",
      allowance.reason === "email"
        ? "too many failed sign-ins for this email; try again later"
        : "too many sign-ins from this address; try again later",
      { "retry-after": String(allowance.retryAfterSeconds) },
    );
  }
  const prisma = await getPrisma();
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, banned: true } });
  // A disabled user gets the answer of a wrong password (no session is made, nothing is revealed).
  const res = user?.banned
    ? errorBody(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password")
    : await auth.handler(request);
  if (res.ok) {
    await signInSucceeded(email, address);
    await audit(null, { action: "sign-in.ok", actorUserId: user?.id, actorLabel: email, request });
    return withoutSessionToken(res);
  } else {
    let code: string | undefined;
    try {
      code = ((await res.clone().json()) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    await audit(null, {
      action: "sign-in.failed",
      actorLabel: email,
      request,
      details: { status: res.status, ...(code ? { code } : {}), ...(user?.banned ? { disabled: true } : {}) },
    });
  }
  return res;
}
