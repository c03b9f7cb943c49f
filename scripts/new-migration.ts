// Dev tool: `npm run db:new-migration -- <name>` writes prisma/migrations/NNNN_<name>/migration.sql with the
// SQL that brings the existing migrations up to prisma/schema.prisma. Review the file before committing it.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrationsDir, readMigrations } from "../lib/server/migration-files";
import { diffMigrationsToSchema } from "../lib/server/schema-diff";

async function main(): Promise<number> {
  const raw = process.argv.slice(2).find((a) => !a.startsWith("-"));
  const name = raw?.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (!name) {
    console.error("usage: npm run db:new-migration -- <name>   (e.g. add_evidence)");
    return 2;
  }
  const dir = migrationsDir();
  const existing = readMigrations(dir);
  const sql = await diffMigrationsToSchema({ schemaPath: path.resolve("prisma/schema.prisma"), migrationsPath: dir });
  if (sql === "") {
    console.log("schema.prisma already matches the migrations: nothing to write.");
    return 0;
  }
  const last = existing.at(-1)?.name.match(/^(\d+)_/)?.[1];
  const next = String((last ? Number(last) : 0) + 1).padStart(4, "0");
  const target = path.join(dir, `${next}_${name}`);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "migration.sql"), sql);
  console.log(`wrote ${path.relative(process.cwd(), path.join(target, "migration.sql"))}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
