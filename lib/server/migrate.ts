// The project's migrator. Applies prisma/migrations/NNNN_name/migration.sql in order, each in its own
// transaction, and records them in `_prisma_migrations` exactly as Prisma Migrate does (same table, columns and
// sha256 checksum), so `prisma migrate deploy` could take over a database this created and vice versa.
import { randomUUID } from "node:crypto";
import { readMigrations, type MigrationFile } from "./migration-files";

/** One database session (one connection): transactions and session-level locks must stay on it. */
export interface SqlSession {
  kind: "pglite" | "postgresql";
  /** `name`: a prepared statement kept per connection (PostgreSQL parses and plans it once per connection; PGlite,
   *  one connection in the process, ignores it). Give a name only to a constant statement text. */
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<R[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

// Prisma's own DDL for the table (schema-engine sql-migration-connector), so the two tools agree on it.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// The key Prisma Migrate itself locks on, so this migrator and `prisma migrate deploy` also exclude each other.
const LOCK_KEY = 72707369;

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/**
 * Applies every pending migration. Two processes starting at once serialise on a PostgreSQL advisory lock (a
 * PGlite data dir is already single-process, see db.ts). Refuses to go on when an applied migration's file was
 * edited or an earlier run failed half-way: both need a human.
 */
export async function migrate(
  session: SqlSession,
  migrations: MigrationFile[] = readMigrations(),
  log: (line: string) => void = () => undefined,
): Promise<MigrateResult> {
  if (session.kind === "postgresql") await session.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
  try {
    await session.exec(CREATE_TABLE);
    const rows = await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const failed = rows.filter((r) => r.finished_at === null);
    if (failed.length > 0) {
      throw new MigrationError(
        `migration ${failed.map((r) => r.migration_name).join(", ")} started but never finished; ` +
          `inspect the database, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '...')`,
      );
    }
    const byName = new Map(rows.map((r) => [r.migration_name, r]));
    const known = new Set(migrations.map((m) => m.name));
    const unknown = rows.filter((r) => !known.has(r.migration_name)).map((r) => r.migration_name);
    if (unknown.length > 0) {
      throw new MigrationError(`database has migrations this code does not know: ${unknown.join(", ")} (is the code older than the database?)`);
    }
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const row = byName.get(m.name);
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `migration ${m.name} was edited after it was applied (checksum ${row.checksum} in the database, ${m.checksum} on disk); ` +
              `write a new migration instead of editing an applied one`,
          );
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      await applyOne(session, m);
      log(`applied ${m.name}`);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    if (session.kind === "postgresql") await session.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
  }
}

async function applyOne(session: SqlSession, m: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.exec("BEGIN");
  try {
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, m.checksum, m.name],
    );
    await session.exec(m.sql);
    await session.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await session.exec("COMMIT");
  } catch (err) {
    await session.exec("ROLLBACK");
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError(`migration ${m.name} failed and was rolled back: ${reason}`);
  }
}
