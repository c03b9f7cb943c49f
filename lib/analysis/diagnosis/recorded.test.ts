/**
 * Paste-style cases recorded on this machine (testdata/pastes/recorded, see its MANIFEST.md): each case's
 * files are read in place as `netmortem analyze <files…>` reads them and must give the case's diagnosis, as
 * the root cause or as the leading hypothesis with a next step; healthy and unrelated cases give `none`
 * with no leading hypothesis. Nothing in a case may be left unrecognised without being listed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeBundle } from "./analyze";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata", "pastes", "recorded");
type Case = { id: string; expect: string; scenario: string; shapes: string[]; shows: string; files: string[] };
const cases = JSON.parse(readFileSync(path.join(DIR, "cases.json"), "utf8")) as Case[];

describe("recorded paste-style cases", () => {
  it("there are at least 25, healthy and unrelated ones among them", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(cases.filter((c) => c.expect === "none").length).toBeGreaterThanOrEqual(4);
  });
  for (const c of cases) {
    it(`${c.id} → ${c.expect} (${c.shapes.join(", ")})`, async () => {
      const a = await analyzeBundle(c.files.map((f) => path.join(DIR, c.id, f)));
      const found = a.findings.map((f) => `${f.id} ${f.confidence}${f.basis === "configuration" ? " (configuration)" : ""}`).join(", ");
      if (c.expect === "none") {
        expect(a.rootCause, found).toBe("none");
        expect(a.leading, found).toBeNull();
      } else {
        const got = a.rootCause !== "none" ? a.rootCause : a.leading?.id;
        expect(got, found).toBe(c.expect);
        if (a.rootCause === "none") expect(a.leading!.next.length).toBeGreaterThan(0);
      }
      // every file's text was recognised as something (a part nothing knows is listed, not dropped)
      expect(a.hosts.flatMap((h) => h.files).length).toBeGreaterThan(0);
    });
  }
});
