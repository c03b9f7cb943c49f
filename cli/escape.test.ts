/**
 * Terminal escape injection (issue 10 item 6): names and contents reach the terminal escaped, through every
 * command, because main routes stdout/stderr through one helper. Also the clear messages of item 9 that the
 * commands print (a FIFO without a writer, a 200 MB sysctl value).
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { escapeControls } from "./escape";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-escape-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const CLI = path.join(__dirname, "netmortem.js");
const run = (args: string[]) => {
  try {
    return { out: execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }), code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; status: number };
    return { out: `${e.stdout}${e.stderr}`, code: e.status };
  }
};

describe("escapeControls", () => {
  it("shows control characters, C1, bidi overrides; keeps newline and tab and ordinary text", () => {
    expect(escapeControls("a\x1b[2Jb")).toBe("a\\x1b[2Jb");
    expect(escapeControls("\x1b]0;pwned\x07")).toBe("\\x1b]0;pwned\\x07");
    expect(escapeControls("line\roverwritten")).toBe("line\\roverwritten");
    expect(escapeControls("x\u202eevil\u0085")).toBe("x\\u202eevil\\x85");
    expect(escapeControls("ok\tfine\n丢包 é")).toBe("ok\tfine\n丢包 é");
  });
});

describe("every command prints escaped", () => {
  it("evidence and analyze: a file name with ESC[2J and contents with a window-title sequence reach stdout escaped", () => {
    const dir = path.join(tmp, "host1");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "x\x1b[2Jy.txt"), "\x1b]0;pwned\x07 nothing known here\n");
    fs.writeFileSync(path.join(dir, "sysctl.txt"), `net.core.somaxconn = 4096\nnet.ipv4.conf.eth0.rp_filter = 2\x1b[31m\n`);
    for (const args of [["evidence", dir], ["analyze", dir], ["analyze", dir, "--markdown"], ["evidence", dir, "--json"]]) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.out.includes("\x1b"), args.join(" ")).toBe(false);
      expect(r.out.includes("\x07"), args.join(" ")).toBe(false);
    }
    expect(run(["evidence", dir]).out).toContain("x\\x1b[2Jy.txt");
  });

  it("evidence does not print a huge sysctl value in full", () => {
    const dir = path.join(tmp, "big");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "sysctl.txt"), `net.core.somaxconn = ${"9".repeat(100_000)}\n`);
    const r = run(["evidence", dir]);
    expect(r.code).toBe(0);
    expect(r.out.length).toBeLessThan(5_000);
    expect(r.out).toContain("(100000 characters)");
  });

  it("capture on a FIFO says it waits for a writer", async () => {
    const fifo = path.join(tmp, "cap.fifo");
    execFileSync("mkfifo", [fifo]);
    const child = spawn(process.execPath, [CLI, "capture", fifo], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    const deadline = Date.now() + 20_000;
    while (!err.includes("FIFO") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    expect(err).toContain("is a FIFO: waiting for a writer");
  }, 30_000);
});
