/**
 * Redaction on the ten lab bundles (recorded by scripts/record/lab-bundles.sh from e2e/lab's reproductions on this
 * machine's kernel): the redacted bundle gives the same root cause, and no original address, MAC or host name is
 * left in it (paths, texts, and the packets of its captures).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tarGz } from "../../agent/tar";
import { expandArchive, groupHosts } from "../bundle";
import { capturePackets } from "../capture";
import { analyzeBundle } from "../diagnosis";
import { redactBundle } from "./index";
import { learnHostNames, Redactor } from "./redactor";

const here = path.dirname(fileURLToPath(import.meta.url));
const labDir = path.join(here, "..", "checklist", "testdata", "lab");
const bundles = readdirSync(labDir).filter((f) => f.endsWith(".tar.gz"));
const key = Buffer.from("a1".repeat(32), "hex");
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-redact-lab-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dec = new TextDecoder();
const isCapture = (b: Uint8Array) => b.length > 4 && [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].includes(((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0);
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{1,4}(?![\w:])/g;
const MAC = /(?<![\w:])[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}(?![\w:])/g;

describe("redacted lab bundles", () => {
  it("there are ten", () => expect(bundles).toHaveLength(10));
  for (const f of bundles) {
    it(f, { timeout: 60_000 }, async () => {
      const bytes = readFileSync(path.join(labDir, f));
      const a = expandArchive(bytes);
      if (a.status !== "success") throw new Error(a.error.message);
      const red = redactBundle(a.entries, key, { name: f.replace(/\.tar\.gz$/, "") });
      expect(red.dropped).toEqual([]);
      const out = path.join(tmp, f);
      writeFileSync(out, tarGz(red.entries));

      const [before, after] = [await analyzeBundle([path.join(labDir, f)]), await analyzeBundle([out])];
      expect(after.rootCause).toBe(before.rootCause);
      expect(after.findings.map((x) => x.id)).toEqual(before.findings.map((x) => x.id));
      expect(after.findings.map((x) => x.confidence)).toEqual(before.findings.map((x) => x.confidence));

      // what must be gone: every address and MAC the redactor changes, the host folders, the hosts' own names
      const r = new Redactor(key);
      const originals = new Set<string>();
      const names = new Set<string>(groupHosts({ name: "x", entries: a.entries }).keys());
      for (const e of a.entries) {
        if (isCapture(e.data)) {
          for (const p of (await capturePackets(e.data)).packets) for (const x of [p.src, p.dst]) if (r.ip(x) !== x) originals.add(x);
          continue;
        }
        const t = dec.decode(e.data);
        for (const re of [IPV4, IPV6]) for (const m of t.matchAll(re)) if (r.ip(m[0]) !== m[0]) originals.add(m[0]);
        for (const m of t.matchAll(MAC)) if (r.mac(m[0]) !== m[0]) originals.add(m[0].toLowerCase());
        for (const n of learnHostNames(t)) names.add(n);
      }
      expect(originals.size).toBeGreaterThan(3);
      const hostnameLike = [...names].filter((n) => /[0-9._-]/.test(n) || learnHostNames(a.entries.map((e) => (isCapture(e.data) ? "" : dec.decode(e.data))).join("\n")).includes(n));
      for (const e of red.entries) {
        for (const seg of e.path.split("/")) expect(names.has(seg), `host name in path ${e.path}`).toBe(false);
        if (isCapture(e.data)) {
          for (const p of (await capturePackets(e.data)).packets) for (const x of [p.src, p.dst]) expect(originals.has(x), `${x} in ${e.path}`).toBe(false);
          continue;
        }
        const t = dec.decode(e.data);
        const found = [...t.matchAll(IPV4), ...t.matchAll(IPV6)].map((m) => m[0]).filter((x) => originals.has(x));
        const macs = [...t.matchAll(MAC)].map((m) => m[0].toLowerCase()).filter((x) => originals.has(x));
        expect([...found, ...macs], e.path).toEqual([]);
        for (const n of hostnameLike) expect(new RegExp(`(?<![\\w-])${n.replace(/[.]/g, "\\.")}(?![\\w-])`).test(t), `host name ${n} in ${e.path}`).toBe(false);
      }
    });
  }
});
