import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded by Node at run time instead of bundled: PGlite finds its .wasm/.data files next to its own module,
  // pg has optional native bits, and the Prisma adapters must share one copy of the driver.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
};

export default nextConfig;
