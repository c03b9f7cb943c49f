import path from "node:path";
import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "./schema-diff";

// Each case boots the wasm schema engine and two PGlite instances: slow on a busy 2-core machine, hence the timeouts.
describe("prisma/schema.prisma vs prisma/migrations", () => {
  it("has no drift: replaying the migrations yields exactly the schema", async () => {
    const sql = await diffMigrationsToSchema({ schemaPath: path.resolve("prisma/schema.prisma") });
    // A non-empty diff means someone edited schema.prisma without `npm run db:new-migration -- <name>`.
    expect(sql).toBe("");
  }, 180_000);

  it("does see a difference when one exists", async () => {
    const os = await import("node:os");
    const fs = await import("node:fs");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nm-drift-"));
    try {
      const schema = fs.readFileSync("prisma/schema.prisma", "utf8").replace(
        "model TimelineEvent {",
        "model Probe {\n  id Int @id\n  @@map(\"probes\")\n}\n\nmodel TimelineEvent {",
      );
      fs.writeFileSync(path.join(dir, "schema.prisma"), schema);
      const sql = await diffMigrationsToSchema({ schemaPath: path.join(dir, "schema.prisma") });
      expect(sql).toContain('CREATE TABLE "probes"');
      expect(sql).not.toContain('"clusters"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
