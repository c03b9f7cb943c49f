import { afterEach, describe, expect, it } from "vitest";
import { checksumOf, readMigrations, type MigrationFile } from "./migration-files";
import { migrate, MigrationError } from "./migrate";
import { testTargets } from "./testing/databases";
import type { Database } from "./db";
import { readFileSync } from "node:fs";
import path from "node:path";

const m = (name: string, sql: string): MigrationFile => ({ name, sql, checksum: checksumOf(sql) });

describe.each(testTargets())("migrator on $name", (target) => {
  let disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const d of disposers) await d();
    disposers = [];
  });
  async function fresh(): Promise<Database> {
    const { db, dispose } = await target.open({ migrated: false });
    disposers.push(dispose);
    return db;
  }

  it("applies the real migrations once and records them like Prisma does", async () => {
    const db = await fresh();
    const files = readMigrations();
    expect(files.map((f) => f.name)).toContain("0001_init");
    const first = await db.withSession((s) => migrate(s));
    expect(first.applied).toEqual(files.map((f) => f.name));
    const second = await db.withSession((s) => migrate(s));
    expect(second).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name) });

    const rows = await db.withSession((s) =>
      s.query<Record<string, unknown>>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`),
    );
    expect(rows).toHaveLength(files.length);
    const init = rows[0];
    const onDisk = readFileSync(path.resolve("prisma/migrations/0001_init/migration.sql"));
    // sha256 of the file's bytes, computed independently of the migrator.
    const { createHash } = await import("node:crypto");
    expect(init.checksum).toBe(createHash("sha256").update(onDisk).digest("hex"));
    expect(init).toMatchObject({ migration_name: "0001_init", applied_steps_count: 1, logs: null, rolled_back_at: null });
    expect(String(init.id)).toMatch(/^[0-9a-f-]{36}$/);
    expect(init.finished_at).not.toBeNull();
    expect(Object.keys(init).sort()).toEqual(
      ["applied_steps_count", "checksum", "finished_at", "id", "logs", "migration_name", "rolled_back_at", "started_at"],
    );
    const tables = await db.withSession((s) =>
      s.query<{ t: string }>(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
      ),
    );
    // Every model's table (its @@map in schema.prisma), and nothing else.
    const schema = readFileSync(path.resolve("prisma/schema.prisma"), "utf8");
    const modelTables = [...schema.matchAll(/^model \w+ \{[\s\S]*?@@map\("([^"]+)"\)[\s\S]*?^\}/gm)].map((x) => x[1]);
    expect(modelTables).toContain("timeline_events");
    expect(tables.map((r) => r.t)).toEqual(["_prisma_migrations", ...modelTables].sort());
  });

  it("refuses to continue when an applied migration was edited", async () => {
    const db = await fresh();
    await db.withSession((s) => migrate(s, [m("0001_a", "CREATE TABLE a (x int);")]));
    const edited = [m("0001_a", "CREATE TABLE a (x bigint);"), m("0002_b", "CREATE TABLE b (x int);")];
    await expect(db.withSession((s) => migrate(s, edited))).rejects.toThrow(/0001_a was edited/);
    const b = await db.withSession((s) => s.query(`SELECT to_regclass('b') AS r`));
    expect(b[0].r).toBeNull();
  });

  it("rolls a failing migration back entirely and records nothing for it", async () => {
    const db = await fresh();
    const files = [m("0001_ok", "CREATE TABLE ok (x int);"), m("0002_bad", "CREATE TABLE half (x int);\nSELECT * FROM no_such_table;")];
    await expect(db.withSession((s) => migrate(s, files))).rejects.toThrow(MigrationError);
    const names = await db.withSession((s) => s.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`));
    expect(names.map((r) => r.migration_name)).toEqual(["0001_ok"]);
    const half = await db.withSession((s) => s.query(`SELECT to_regclass('half') AS r`));
    expect(half[0].r).toBeNull();
    // Fixed file: the next run applies it.
    const fixed = [files[0], m("0002_bad", "CREATE TABLE half (x int);")];
    expect((await db.withSession((s) => migrate(s, fixed))).applied).toEqual(["0002_bad"]);
  });

  it("refuses a database that has migrations the code does not know", async () => {
    const db = await fresh();
    await db.withSession((s) => migrate(s, [m("0001_a", "SELECT 1;"), m("0002_future", "SELECT 1;")]));
    await expect(db.withSession((s) => migrate(s, [m("0001_a", "SELECT 1;")]))).rejects.toThrow(/0002_future/);
  });

  it.runIf(target.name === "postgresql")("two migrators racing on one database apply each migration once", async () => {
    const db = await fresh();
    const slow = [m("0001_slow", "SELECT pg_sleep(0.3); CREATE TABLE slow (x int);")];
    const results = await Promise.all([db.withSession((s) => migrate(s, slow)), db.withSession((s) => migrate(s, slow))]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 1]);
  });
});
