// Server-side redaction of an upload (POST …/evidence?redact=1 with X-Netmortem-Redact-Key): the received file (a
// private tmp file, removed by the caller) is read entry by entry with walkBundle and written, redacted with the
// user's key (lib/analysis/redact: Crypto-PAn addresses, keyed MACs and host names, captures' headers rewritten and
// payloads zeroed), to a second tmp file that is what gets spooled: no original byte is kept. Two passes over a
// bundle: the first learns the host folders and the hosts' own names (sysctl's kernel.hostname), the second writes.
// Memory: one entry at a time (a capture is held whole while it is rewritten; a single-file upload too).
// The key is never stored, logged or put in a message.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tarStream from "tar-stream";
import { hostLayout, walkBundle, type BundleLimits } from "../../analysis/bundle";
import { CaptureRedactError, learnHostNames, redactCapture, redactFile, Redactor } from "../../analysis/redact";
import { ValidationError } from "../errors";

export const REDACT_KEY_HEADER = "x-netmortem-redact-key";

/** The key as `netmortem redact` keeps it (~/.netmortem/redact.key): 64 hex digits. The value is never echoed. */
export function parseRedactKey(raw: string | null): Uint8Array {
  const v = (raw ?? "").trim();
  if (!/^[0-9a-fA-F]{64}$/.test(v)) {
    throw new ValidationError(`${REDACT_KEY_HEADER} must be the redaction key: 64 hex digits (as in ~/.netmortem/redact.key)`, [
      { path: REDACT_KEY_HEADER, message: raw === null ? "missing" : "not 64 hex digits" },
    ]);
  }
  return Uint8Array.from(Buffer.from(v, "hex"));
}

export type Redacted = {
  /** the redacted file's name (host names and addresses in it pseudonymised; a bundle becomes a .tar.gz) */
  filename: string;
  /** X-Host's pseudonym */
  host?: string;
  sha256: string;
  size: number;
  /** redacted paths of what could not be redacted and was left out */
  dropped: { path: string; reason: string }[];
};

const ARCHIVE_EXT = /\.(tar\.gz|tgz|tar|zip)$/i;

async function hashOf(file: string): Promise<{ sha256: string; size: number }> {
  const h = createHash("sha256");
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return { sha256: h.digest("hex"), size: (await stat(file)).size };
}

/**
 * `src` (the received upload) → `out` redacted. `kind` is the sniffed kind: a bundle becomes a .tar.gz of the
 * redacted entries (host folders renamed to their pseudonyms, as redactBundle does), a capture or paste stays one file.
 */
export async function redactUpload(
  src: string,
  out: string,
  opts: { key: Uint8Array; kind: "bundle" | "capture" | "paste"; filename: string; host?: string; limits?: Partial<BundleLimits> },
): Promise<Redacted> {
  const r = new Redactor(opts.key);
  if (opts.host) r.addHostName(opts.host);

  if (opts.kind !== "bundle") {
    const data = await readFile(src);
    if (opts.kind === "paste") for (const n of learnHostNames(data.toString("utf8"))) r.addHostName(n, true);
    const res = redactFile(data, r);
    if (!("data" in res)) throw new ValidationError(`the file cannot be redacted: ${res.reason}`);
    await writeFile(out, res.data, { mode: 0o600 });
    return { filename: r.path(opts.filename), ...(opts.host ? { host: r.host(opts.host) } : {}), ...(await hashOf(out)), dropped: [] };
  }

  // pass 1: paths (for the host layout) and the hosts' own names
  const base = opts.filename.replace(ARCHIVE_EXT, "") || "bundle";
  const paths: string[] = [];
  const first = await walkBundle(src, {
    limits: opts.limits,
    onEntry: (e) => {
      paths.push(e.path);
      if (e.kind === "text" && e.text.includes("kernel.hostname")) for (const n of learnHostNames(e.text)) r.addHostName(n, true);
    },
  });
  if (first.status === "failed") throw new ValidationError(`the bundle cannot be read: ${first.error.message}`);
  const layout = hostLayout(paths, opts.host ?? base, { loose: first.container === "file" });
  for (const h of layout.hosts) r.addHostName(h);

  // pass 2: each entry redacted and packed
  const pack = tarStream.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(out, { mode: 0o600 }));
  written.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const add = (name: string, data: Uint8Array) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mtime: new Date(0), mode: 0o644 }, Buffer.from(data), (err) => (err ? reject(err) : resolve())));
  const dropped: Redacted["dropped"] = [];
  let kept = 0;
  const second = await walkBundle(src, {
    limits: opts.limits,
    onEntry: async (e) => {
      const at = layout.assign.get(e.path) ?? { host: opts.host ?? base, path: e.path };
      const name = `${r.host(at.host)}/${r.path(at.path || e.path)}`;
      if (e.kind === "skipped") {
        dropped.push({ path: name, reason: e.reason });
        return;
      }
      if (e.kind === "text") {
        await add(name, Buffer.from(r.text(e.text), "utf8"));
        kept++;
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of e.stream) chunks.push(Buffer.from(c));
      try {
        await add(name, redactCapture(Buffer.concat(chunks), r));
        kept++;
      } catch (err) {
        if (!(err instanceof CaptureRedactError)) throw err;
        dropped.push({ path: name, reason: err.message });
      }
    },
  });
  pack.finalize();
  await written;
  if (second.status === "failed") throw new ValidationError(`the bundle cannot be read: ${second.error.message}`);
  if (kept === 0) throw new ValidationError("nothing in the upload could be redacted (no text output or capture)");
  return { filename: `${r.path(base)}.tar.gz`, ...(opts.host ? { host: r.host(opts.host) } : {}), ...(await hashOf(out)), dropped: dropped.slice(0, 100) };
}
