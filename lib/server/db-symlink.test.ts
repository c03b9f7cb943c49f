// A NETMORTEM_DATA_DIR that is a symlink (issue 10 item 9): it failed with "[migrate] [object Object]"
// (PGlite's file system cannot open a data dir through a link); now the link is resolved and the database opens.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openPglite } from "./db";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-db-link-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it("opens a PGlite data dir given through a symlink", async () => {
  fs.mkdirSync(path.join(tmp, "real"));
  fs.symlinkSync(path.join(tmp, "real"), path.join(tmp, "link"));
  const db = await openPglite({ dataDir: path.join(tmp, "link") });
  try {
    const rows = await db.withSession((s) => s.query<{ one: number }>("SELECT 1 AS one"));
    expect(rows[0]!.one).toBe(1);
  } finally {
    await db.close();
  }
  expect(fs.existsSync(path.join(tmp, "real", "PG_VERSION"))).toBe(true);
}, 60_000);

it("says what is wrong with a data dir that is a link to a file or to nowhere (issue 10 item 9)", async () => {
  // before: `[migrate] {"name":"ErrnoError","errno":54}` and `EEXIST: file already exists, mkdir '…'`
  fs.writeFileSync(path.join(tmp, "afile"), "x");
  fs.symlinkSync(path.join(tmp, "afile"), path.join(tmp, "to-file"));
  await expect(openPglite({ dataDir: path.join(tmp, "to-file") })).rejects.toThrow(
    `the database directory ${path.join(tmp, "to-file")} (${path.join(tmp, "afile")}) is not a directory: point NETMORTEM_DATA_DIR at a directory`,
  );
  await expect(openPglite({ dataDir: path.join(tmp, "afile") })).rejects.toThrow(/afile is not a directory/);
  fs.symlinkSync(path.join(tmp, "nowhere", "deeper"), path.join(tmp, "dangling"));
  await expect(openPglite({ dataDir: path.join(tmp, "dangling") })).rejects.toThrow(
    `the database directory ${path.join(tmp, "dangling")} is a symbolic link to ${path.join(tmp, "nowhere", "deeper")}, which does not exist (or is a link loop): make that directory or point NETMORTEM_DATA_DIR elsewhere`,
  );
  expect(fs.existsSync(path.join(tmp, "nowhere"))).toBe(false);
});
