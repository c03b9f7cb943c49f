import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface MigrationFile {
  /** Directory name, e.g. `0001_init`; also the `migration_name` recorded in `_prisma_migrations`. */
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes: the same checksum Prisma Migrate records, so either tool can take over. */
  checksum: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

// The turbopackIgnore comments keep Next's file tracer from copying the whole project into the build: these
// paths are only known at run time.

/**
 * Where migrations live. Resolved from the working directory first because Next bundles server code into
 * `.next/`, where `import.meta.url` no longer points into the source tree.
 */
export function migrationsDir(): string {
  const fromCwd = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma/migrations");
  if (existsSync(/*turbopackIgnore: true*/ fromCwd)) return fromCwd;
  return path.join(/*turbopackIgnore: true*/ repoRoot, "prisma/migrations");
}

export function checksumOf(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Migration directories in name order (the NNNN_ prefix makes that the application order). */
export function readMigrations(dir = migrationsDir()): MigrationFile[] {
  if (!existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(/*turbopackIgnore: true*/ dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(/*turbopackIgnore: true*/ dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: checksumOf(bytes) };
    });
}
