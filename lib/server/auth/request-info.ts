// What a request says about where it came from: the Origin check of cookie-authenticated writes, and the client's
// address for rate limits and the audit log.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The origins this app is served from: NETMORTEM_BASE_URL (and NETMORTEM_TRUSTED_ORIGINS) when set, else the Host.
 * Also better-auth's trustedOrigins, so its own check of /api/auth/* writes agrees with ours.
 */
export function ownOrigins(headers: Headers, requestUrl: string): string[] {
  const out: string[] = [];
  for (const raw of [process.env.NETMORTEM_BASE_URL, ...(process.env.NETMORTEM_TRUSTED_ORIGINS ?? "").split(",")]) {
    const v = raw?.trim();
    if (!v) continue;
    try {
      out.push(new URL(v).origin);
    } catch {
      // a malformed entry trusts nothing
    }
  }
  if (out.length > 0) return out;
  // The origin the request was made to: its Host header, and the request URL (which Next builds from the Host). A
  // third-party page cannot set either on a cross-site request without a CORS preflight this app never grants.
  const host = headers.get("host");
  if (host) out.push(`http://${host}`, `https://${host}`);
  try {
    out.push(new URL(requestUrl).origin);
  } catch {
    // no URL origin
  }
  return out;
}

/**
 * Whether a cookie-authenticated write may proceed: a browser always sends Origin on a cross-origin POST/PATCH/DELETE
 * (and Sec-Fetch-Site on any request), so a request whose Origin is another site, "null", or whose Sec-Fetch-Site
 * is cross-site/same-site is refused. A request with neither header is not a browser's (curl, a script) and carries
 * no ambient credential a third-party page could have lent it.
 */
export function sameOriginWrite(headers: Headers, requestUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin !== null) {
    if (origin === "null") return false;
    return ownOrigins(headers, requestUrl).includes(origin.toLowerCase());
  }
  const site = headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" || site === "none";
  return true;
}

/**
 * The client's address. Next's server puts the socket's address in X-Forwarded-For unless the request already had
 * one, so with no proxy in front a client can claim any address (the per-address limit is then advisory; the
 * per-email limit still holds). Behind N reverse proxies that append to X-Forwarded-For, set
 * NETMORTEM_PROXY_HOPS=N: the entry the outermost proxy appended is used.
 */
export function clientAddress(headers: Headers): string | null {
  const xff = headers.get("x-forwarded-for");
  if (!xff) return null;
  const entries = xff
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const hops = Math.max(0, Math.floor(Number(process.env.NETMORTEM_PROXY_HOPS ?? "0")) || 0);
  const pick = entries[Math.max(0, entries.length - Math.max(1, hops))];
  return pick.slice(0, 64);
}

export function userAgent(headers: Headers): string | null {
  const ua = headers.get("user-agent");
  return ua ? ua.slice(0, 512) : null;
}
