// Databases for integration tests: always a fresh in-memory PGlite; also a throwaway schema in a real
// PostgreSQL when TEST_DATABASE_URL=postgresql://… is set. Same test bodies run against each.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPglite, openPostgres, quoteIdent, type Database } from "../db";
import { migrate } from "../migrate";

export interface TestTarget {
  name: "pglite" | "postgresql";
  /** A fresh, migrated database plus the function that removes it. */
  open(opts?: { migrated?: boolean }): Promise<{ db: Database; dispose(): Promise<void> }>;
}

const pgliteTarget: TestTarget = {
  name: "pglite",
  async open({ migrated = true } = {}) {
    const db = await openPglite();
    if (migrated) await db.withSession((s) => migrate(s));
    return { db, dispose: () => db.close() };
  },
};

function postgresTarget(url: string): TestTarget {
  return {
    name: "postgresql",
    async open({ migrated = true } = {}) {
      const schema = `nm_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      } finally {
        await admin.end();
      }
      const db = await openPostgres({ url, schema, maxConnections: 5 });
      if (migrated) await db.withSession((s) => migrate(s));
      return {
        db,
        async dispose() {
          await db.close();
          const cleanup = new pg.Client({ connectionString: url });
          await cleanup.connect();
          try {
            await cleanup.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
          } finally {
            await cleanup.end();
          }
        },
      };
    },
  };
}

export function testTargets(): TestTarget[] {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url ? [pgliteTarget, postgresTarget(url)] : [pgliteTarget];
}
