/**
 * The built command (scripts/build/cli.mjs, run by vitest's global set-up as by postinstall): `cli/netmortem.js` runs
 * dist/cli, and dist/netmortem-agent.mjs works alone, copied where there is no node_modules and no source: its
 * capture engine (WebAssembly inlined as base64) summarises a recorded capture, and its agent collects.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-built-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the built command", () => {
  it("cli/netmortem.js runs dist/cli: --help lists every command", () => {
    const r = spawnSync(process.execPath, [path.join(root, "cli/netmortem.js"), "--help"], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    expect(r.status).toBe(0);
    for (const c of ["evidence", "capture", "analyze", "agent", "collect", "redact"]) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    expect(readdirSync(path.join(root, "dist/cli/chunks")).some((f) => f.startsWith("agent-"))).toBe(true);
  });

  it("dist/netmortem-agent.mjs alone: the capture engine's WebAssembly and the agent work without node_modules", () => {
    const file = path.join(tmp, "netmortem-agent.mjs");
    copyFileSync(path.join(root, "dist/netmortem-agent.mjs"), file);
    const pcap = path.join(tmp, "healthy-http.pcap");
    copyFileSync(path.join(root, "lib/analysis/capture/testdata/healthy-http.pcap"), pcap);
    const cap = spawnSync(process.execPath, [file, "capture", pcap, "--json"], { cwd: tmp, encoding: "utf8" });
    expect(cap.status, cap.stderr).toBe(0);
    expect(JSON.parse(cap.stdout).packets).toBe(108);
    const spool = path.join(tmp, "spool");
    const ag = spawnSync(process.execPath, [file, "--server", "http://127.0.0.1:3140", "--node", "built-test", "--once", "--spool-only", "--spool", spool, "--poll", "0"], { cwd: tmp, encoding: "utf8" });
    expect(ag.status, ag.stderr).toBe(0);
    expect(readdirSync(spool).filter((f) => f.includes("-snapshots-") && f.endsWith(".json.gz"))).toHaveLength(1);
    expect(ag.stderr).toMatch(/netmortem agent: node built-test/);
  });
});
