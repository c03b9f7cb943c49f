/**
 * `netmortem redact`, streamed (issue 10: bounded memory whatever the input): on the ten recorded lab bundles, as
 * an archive and unpacked into a directory, it writes exactly the entries the in-memory redactBundle gives (same
 * paths, same bytes); a single capture stays a one-file bundle; what cannot be redacted is left out and said; an
 * unsafe archive is refused with the reader's message and no output file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { tarGz } from "../../lib/agent/tar";
import { expandArchive } from "../../lib/analysis/bundle";
import { makeTar } from "../../lib/analysis/bundle/testdata/make";
import { redactBundle } from "../../lib/analysis/redact";
import { redactToFile } from "./redact";

const root = path.resolve(import.meta.dirname, "../..");
const labDir = path.join(root, "lib/analysis/checklist/testdata/lab");
const bundles = readdirSync(labDir).filter((f) => f.endsWith(".tar.gz")).sort();
const key = Buffer.from("5c".repeat(32), "hex");
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-redact-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** path → bytes (gzipped entries inflated: gzip's own bytes may differ) */
function entries(tarGzFile: string): Map<string, string> {
  const a = expandArchive(new Uint8Array(readFileSync(tarGzFile)));
  if (a.status !== "success") throw new Error(a.error.message);
  return new Map(a.entries.map((e) => [e.path, Buffer.from(e.data[0] === 0x1f && e.data[1] === 0x8b ? gunzipSync(e.data) : e.data).toString("base64")]));
}

function expected(name: string, list: Array<{ path: string; data: Uint8Array }>): Map<string, string> {
  const red = redactBundle(list, key, { name });
  const file = path.join(tmp, `expected-${name}.tar.gz`);
  writeFileSync(file, tarGz(red.entries));
  return entries(file);
}

describe("netmortem redact (streamed)", () => {
  it("writes what the in-memory redaction writes, for each lab bundle as an archive and as a directory", { timeout: 120_000 }, async () => {
    expect(bundles).toHaveLength(10);
    for (const f of bundles) {
      const name = f.replace(/\.tar\.gz$/, "");
      const a = expandArchive(new Uint8Array(readFileSync(path.join(labDir, f))));
      if (a.status !== "success") throw new Error(a.error.message);
      const want = expected(name, a.entries);
      const out = path.join(tmp, `${name}.tar.gz`);
      const logs: string[] = [];
      expect(await redactToFile(path.join(labDir, f), out, key, [], (l) => logs.push(l))).toEqual({ files: want.size, dropped: 0 });
      expect(entries(out), f).toEqual(want);
      // unpacked
      const dir = path.join(tmp, name);
      mkdirSync(dir);
      execFileSync("tar", ["-xzf", path.join(labDir, f), "-C", dir]);
      const outDir = path.join(tmp, `${name}-dir.tar.gz`);
      expect(await redactToFile(dir, outDir, key, [], (l) => logs.push(l))).toEqual({ files: want.size, dropped: 0 });
      expect(entries(outDir), `${f} unpacked`).toEqual(want);
      expect(logs).toEqual([]);
    }
  });

  it("a single capture is a one-file bundle; a binary file is left out and said", async () => {
    const pcap = readFileSync(path.join(root, "lib/analysis/capture/testdata", readdirSync(path.join(root, "lib/analysis/capture/testdata")).find((f) => f.endsWith(".pcap"))!));
    const file = path.join(tmp, "one.pcap");
    writeFileSync(file, pcap);
    const out = path.join(tmp, "one.tar.gz");
    // as before: a host named after the file (extension included), the file under it
    expect(await redactToFile(file, out, key, [], () => undefined)).toEqual({ files: 1, dropped: 0 });
    expect(entries(out)).toEqual(expected("one.pcap", [{ path: "one.pcap", data: new Uint8Array(pcap) }]));

    const dir = path.join(tmp, "mixed");
    mkdirSync(path.join(dir, "node-1"), { recursive: true });
    writeFileSync(path.join(dir, "node-1", "ss.txt"), "ESTAB 0 0 10.0.0.1:22 10.0.0.2:5555\n");
    writeFileSync(path.join(dir, "node-1", "random.bin"), Buffer.from([1, 0, 2, 0, 3]));
    const logs: string[] = [];
    expect(await redactToFile(dir, path.join(tmp, "mixed.tar.gz"), key, [], (l) => logs.push(l))).toEqual({ files: 1, dropped: 1 });
    expect(logs).toEqual([expect.stringMatching(/^left out \(cannot be redacted\): node-1\/random\.bin: binary/)]);
    expect([...entries(path.join(tmp, "mixed.tar.gz")).values()].map((b) => Buffer.from(b, "base64").toString())).toEqual([expect.not.stringContaining("10.0.0.1")]);
  });

  it("an archive the reader refuses (a .. entry) is an error with its message, and no output is left", async () => {
    const bad = path.join(tmp, "bad.tar");
    writeFileSync(bad, makeTar([{ name: "../evil.txt", data: new TextEncoder().encode("x 10.0.0.1\n") }]));
    const out = path.join(tmp, "bad-out.tar.gz");
    const r = await redactToFile(bad, out, key, [], () => undefined);
    expect(r).toEqual({ error: expect.stringMatching(/\.\./) });
    expect(existsSync(out)).toBe(false);
  });
});
