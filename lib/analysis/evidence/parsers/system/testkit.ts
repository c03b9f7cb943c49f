/** Test helpers for the system parsers (not a test file itself). */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sharedPath } from "../../../../testing/shared";
import type { FileFacts, TextParser, Warning } from "../../parser";

const here = path.dirname(fileURLToPath(import.meta.url));
export const corpusPath = (...p: string[]) => sharedPath("corpus", ...p);
export const recordedPath = (...p: string[]) => path.resolve(here, "../../testdata/recorded", ...p);
export const readCorpus = (...p: string[]) => readFileSync(corpusPath(...p), "utf8");
export const readRecorded = (...p: string[]) => readFileSync(recordedPath(...p), "utf8");

/** Parses and insists on success, so a test reads the facts directly. */
export function facts(parser: TextParser, text: string): FileFacts & { warnings: Warning[] } {
  const out = parser.parse(text);
  if (out.status !== "success") throw new Error(`expected success, got: ${out.error}`);
  return { ...out.data, warnings: out.warnings };
}
