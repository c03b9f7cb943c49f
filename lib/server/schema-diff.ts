// Authoring migrations without the Prisma CLI: the CLI's `migrate` needs a native schema engine that cannot be
// downloaded on our machines, so we drive the same engine compiled to WebAssembly (@prisma/schema-engine-wasm,
// pinned to the prisma version) ourselves. Only `scripts/new-migration.ts` and the drift test import this file.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { DiffTarget } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { migrationsDir, readMigrations } from "./migration-files";

let initialised: Promise<void> | undefined;

/**
 * The package is built for bundlers (`import * as wasm from "./x.wasm"`), which plain Node cannot load, so we
 * instantiate the module by hand and hand it to the JS glue the way the bundler would.
 */
function initEngine(): Promise<void> {
  initialised ??= (async () => {
    const require = createRequire(import.meta.url);
    const glue = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = readFileSync(path.join(path.dirname(glue), "schema_engine_bg.wasm"));
    const imports = { "./schema_engine_bg.js": engineBindings as unknown as WebAssembly.ModuleImports };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    engineBindings.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start === "function") start();
  })();
  return initialised;
}

export interface SchemaDiffOptions {
  schemaPath: string;
  migrationsPath?: string;
}

/**
 * SQL that takes a database from "all migrations applied" to "matches schema.prisma"; empty when they agree.
 *
 * The engine replays the migrations on a shadow database it gets from the adapter factory. PGlite's factory
 * gives an in-memory PGlite, so nothing outside this process is touched. (createMigration cannot be used: in the
 * wasm build it does not ask the factory for a shadow database and fails; diff does.)
 */
export async function diffMigrationsToSchema(opts: SchemaDiffOptions): Promise<string> {
  await initEngine();
  const baseDir = opts.migrationsPath ?? migrationsDir();
  const schema = readFileSync(opts.schemaPath, "utf8");
  const schemaName = path.basename(opts.schemaPath);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  let lockContent: string;
  try {
    lockContent = readFileSync(lockPath, "utf8");
  } catch {
    lockContent = 'provider = "postgresql"\n';
  }
  const from: DiffTarget = {
    tag: "migrations",
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: readMigrations(baseDir).map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
  const scratch = new PGlite();
  try {
    const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(scratch));
    const engine = await engineBindings.SchemaEngine.new(
      { datamodels: [[schemaName, schema]] },
      () => undefined,
      factory,
    );
    try {
      const result = await engine.diff({
        from,
        to: { tag: "schemaDatamodel", files: [{ path: schemaName, content: schema }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      const sql = result.stdout ?? "";
      return /^-- This is an empty migration\.\s*$/.test(sql) ? "" : sql;
    } finally {
      engine.free();
    }
  } finally {
    await scratch.close();
  }
}
