// A NETMORTEM_DATA_DIR that is a symlink (issue 10 item 9): it failed with "[migrate] [object Object]"
// (PGlite's file system cannot open a data dir through a link); now the link is resolved and the database opens.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { openPglite, pgliteStartParams } from "./db";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-db-link-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it("opens a PGlite data dir given through a symlink", async () => {
  fs.mkdirSync(path.join(tmp, "real"));
  fs.symlinkSync(path.join(tmp, "real"), path.join(tmp, "link"));
  const db = await openPglite({ dataDir: path.join(tmp, "link") });
  try {
    const rows = await db.withSession((s) => s.query<{ one: number }>("SELECT 1 AS one"));
    expect(rows[0]!.one).toBe(1);
    // a data dir's PGlite runs with the small buffer pool (its buffers are this process's RSS: pgliteStartParams)
    const buffers = await db.withSession((s) => s.query<{ shared_buffers: string }>("SHOW shared_buffers"));
    expect(buffers[0]!.shared_buffers).toBe("16MB");
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

it("PGlite's buffer pool: 16MB unless NETMORTEM_PGLITE_SHARED_BUFFERS says otherwise; a value that is not a size is refused", () => {
  expect(pgliteStartParams({}).slice(-2)).toEqual(["-c", "shared_buffers=16MB"]);
  expect(pgliteStartParams({}).slice(0, 2)).toEqual(["--single", "-F"]);
  expect(pgliteStartParams({ NETMORTEM_PGLITE_SHARED_BUFFERS: "64MB" }).slice(-1)).toEqual(["shared_buffers=64MB"]);
  expect(() => pgliteStartParams({ NETMORTEM_PGLITE_SHARED_BUFFERS: "64MB -c fsync=off" })).toThrow(/give a size such as 16MB/);
});
