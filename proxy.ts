// Pages only (never /api: the upload and ingest routes must not pass through a proxy, which would cut their bodies
// at 10 MB — shared/design/libraries.md §3; API responses get their headers from next.config.ts).
// - A fresh nonce per page request, in a Content-Security-Policy without 'unsafe-inline' scripts: Next reads the
//   nonce from the request's CSP header and puts it on its own scripts ('strict-dynamic' lets them load chunks).
// - An optimistic sign-in check: no session cookie → /sign-in (the page itself checks the session for real).
import { NextResponse, type NextRequest } from "next/server";

/** Pages reachable without a session. */
const PUBLIC_PAGES = [/^\/sign-in$/, /^\/setup$/, /^\/invite(\/|$)/, /^\/r\//];
const SESSION_COOKIE = "netmortem.session_token";

/**
 * `nonce` null: a page that is not React's (the API reference at /docs/api, whose scripts are files of this server,
 * never inline): scripts from this origin only.
 */
export function contentSecurityPolicy(nonce: string | null, dev: boolean): string {
  return [
    "default-src 'self'",
    nonce === null
      ? `script-src 'self'${dev ? " 'unsafe-eval'" : ""}`
      : `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React sets style attributes (and Next a few inline styles); scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(process.env.NETMORTEM_BASE_URL?.startsWith("https:") ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PAGES.some((re) => re.test(pathname));
  const hasSession = request.cookies.getAll().some((c) => c.name.endsWith(SESSION_COOKIE));
  if (!isPublic && !hasSession) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    const redirect = NextResponse.redirect(url);
    // a redirect is not a document either: the policy that allows nothing (next.config.ts adds the other headers)
    redirect.headers.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
    return redirect;
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = contentSecurityPolicy(pathname.startsWith("/docs/") ? null : nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("x-pathname", pathname);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      // Everything but the API, Next's static files and files with an extension (favicon.svg, /collect.sh).
      source: "/((?!api/|_next/static|_next/image|[^/]*\\.[a-z0-9]+$).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
