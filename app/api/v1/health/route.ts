import { getDatabase } from "@/lib/server/db";
import { ok, route } from "@/lib/server/http";

// Reads the database on every call, so it must never be prerendered at build time.
export const dynamic = "force-dynamic";

/** Liveness plus a round trip to the database; says which kind of database this instance uses. Public. */
export const GET = route({ public: true }, async () => {
  const db = await getDatabase();
  await db.prisma.$queryRaw`SELECT 1`;
  return ok({ ok: true, db: db.kind });
});
