// End-to-end tests create and change records freely, so they must never point at a shared database.
// Unset DATABASE_URL = the embedded PGlite in a throwaway directory (the default for e2e). A set one is
// accepted only if it names this machine.

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", ""]);

export function assertLocalDatabase(env: NodeJS.ProcessEnv = process.env): void {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("e2e: DATABASE_URL is not a URL; refusing to run end-to-end tests against it.");
  }
  // libpq also allows the host in ?host=/var/run/postgresql (a Unix socket, which is local by definition).
  const hostParam = url.searchParams.get("host");
  const local = LOCAL_HOSTS.has(url.hostname) && (!hostParam || hostParam.startsWith("/") || LOCAL_HOSTS.has(hostParam));
  if (!local) {
    throw new Error(
      `e2e: DATABASE_URL points at ${url.hostname || hostParam}, which is not this machine. ` +
        "End-to-end tests write data; unset DATABASE_URL (embedded PGlite) or use a local PostgreSQL.",
    );
  }
}
