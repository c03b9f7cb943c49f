import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "./dir-lock";

describe("PGlite data dir lock", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tmp = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), "nm-lock-"));
    dirs.push(d);
    return path.join(d, "pglite");
  };

  it("refuses a second holder while the first is alive, then frees the lock", () => {
    const dataDir = tmp();
    const release = lockDataDir(dataDir);
    expect(readFileSync(`${dataDir}.lock`, "utf8")).toBe(String(process.pid));
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dataDir)).toThrow(/in use by process \d+/);
    release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    lockDataDir(dataDir)();
  });

  it("takes over a lock left by a process that has exited", async () => {
    const dataDir = tmp();
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = child.pid;
    await new Promise((r) => child.on("exit", r));
    writeFileSync(`${dataDir}.lock`, String(deadPid));
    const release = lockDataDir(dataDir);
    expect(readFileSync(`${dataDir}.lock`, "utf8")).toBe(String(process.pid));
    release();
  });
});
