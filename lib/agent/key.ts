/** The redaction key: 32 bytes, kept by the user (a file of 64 hex digits, mode 0600), made when missing. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

export const defaultKeyFile = () => path.join(homedir(), ".netmortem", "redact.key");

export async function loadOrCreateKey(file: string, log: (line: string) => void): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read the redaction key ${file}: ${(err as Error).message}`);
    const key = randomBytes(32);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${key.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
    log(`a new redaction key was written to ${file} (mode 0600). Keep it, and keep it away from the evidence: the same key gives the same pseudonyms next time, and only it can tell which address became which.`);
    return key;
  }
  const text = raw.toString("utf8").trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (raw.length === 32) return raw;
  throw new Error(`the redaction key ${file} is neither 64 hex digits nor 32 bytes`);
}

/** "60s", "1m", "500ms", "2h", "30" (seconds) → milliseconds */
export function parseDuration(v: string | undefined, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec((v ?? "").trim());
  if (!m) throw new Error(`${what}: '${v ?? ""}' is not a duration (e.g. 60s, 5m, 500ms)`);
  const n = Number(m[1]);
  return Math.round(n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"] ?? 1000));
}
