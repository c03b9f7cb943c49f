/**
 * Kernel version from `uname -r` (`6.18.44-fc-v657`), `uname -a` (`Linux host 5.4.0-42-generic #46-Ubuntu …`)
 * or /proc/version (`Linux version 4.15.0-…`). The version decides which mechanisms exist (tcp_tw_recycle
 * before 4.12, and so on).
 */
import type { TextParser } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

// a bare release must look like a Linux kernel (2.x to 9.x): a module's "1.0.2.0-k" in sys/module/*/version is not one
const RELEASE = /^([2-9]\.\d+(?:\.\d+)?(?:[-+.~_][A-Za-z0-9._+~-]*)?)$/;
const UNAME_A = /^Linux (\S+) (\d+\.\d+\S*) #/;
const PROC_VERSION = /^Linux version (\d+\.\d+\S*) /;

function find(line: string): string | undefined {
  const t = line.trim();
  let m = PROC_VERSION.exec(t);
  if (m) return m[1];
  m = UNAME_A.exec(t);
  if (m) return m[2];
  m = RELEASE.exec(t);
  return m ? m[1] : undefined;
}

function sniff(head: string): number {
  const lines = headLines(head, 5);
  if (lines.length === 0 || lines.length > 2) return 0;
  const t = lines[0].trim();
  if (PROC_VERSION.test(t) || UNAME_A.test(t)) return 0.95;
  // a bare release: digits.digits plus a suffix; a plain number or "1.2" alone is too weak to claim
  return RELEASE.test(t) && /^\d+\.\d+\.\d+/.test(t) ? 0.7 : 0;
}

function parse(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const start = firstContentLine(lines);
  for (let i = start; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const v = find(lines[i]);
    if (v) {
      const warnings = lines.slice(i + 1).some((l) => l.trim() !== "")
        ? [{ line: i + 2, message: "extra lines after the kernel version" }]
        : [];
      return ok({ kernel: { value: v, line: i + 1 } }, warnings);
    }
    return fail(`uname: not a kernel version: ${lines[i].slice(0, 80)}`);
  }
  return fail("uname: empty");
}

export const unameParser: TextParser = {
  kind: "uname",
  sniff: guardedSniff(sniff),
  parse: guarded("uname", parse),
};
