import type { NextConfig } from "next";

// Security headers on every response. Pages get their Content-Security-Policy (with a per-request nonce) from
// proxy.ts; everything else (the API, files) gets a policy that allows nothing, since none of it is a document.
// What Next never sees (lib/server/http-guard.ts's refusals) carries the same list from there: keep both alike.
const everywhere = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];
const notAPage = [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'" }];

const nextConfig: NextConfig = {
  // Loaded by Node at run time instead of bundled: PGlite finds its .wasm/.data files next to its own module,
  // pg has optional native bits, and the Prisma adapters must share one copy of the driver.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg", "playwright-core"],
  poweredByHeader: false,
  async headers() {
    return [
      { source: "/:path*", headers: everywhere },
      { source: "/api/:path*", headers: notAPage },
      { source: "/:file([^/]+\\.[a-z0-9]+)", headers: notAPage },
    ];
  },
};

export default nextConfig;
