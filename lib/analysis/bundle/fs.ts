/**
 * readBundle: the file-system edge of the bundle reader. Each path is a directory, an archive (.tar,
 * .tar.gz/.tgz, .zip — told by magic bytes, not by name) or a single file; several paths may be given.
 * Files and archives are read into memory and handed to the pure core (bundle.ts); nothing is written to
 * disk, no temporary directory is made. Errors come back as `{status:"failed", error}`, never thrown.
 *
 * Loose files given directly on the command line form one host ("host", or the name of the folder they
 * share). Symlinks, devices and fifos inside a directory are not followed: they are listed as
 * unrecognised with the reason.
 */
import fs, { promises as fsp } from "node:fs";
import path from "node:path";
import { bundleFromInputs, type BundleInput, type BundleResult } from "./bundle";
import { isGzip, gunzipBounded } from "./gzip";
import { type BundleLimits, DEFAULT_LIMITS } from "./limits";
import { looksLikeTar, readTar, type ArchiveEntry } from "./tar";
import { isZip, readZip } from "./zip";

export type ReadBundleOptions = { limits?: Partial<BundleLimits> };

const stripArchiveExt = (n: string) => n.replace(/\.(tar\.gz|tgz|tar|zip|tar\.gzip)$/i, "") || n;

/**
 * Walks a directory. Synchronous on purpose: hundreds of small files read one after another cost less
 * than a promise round-trip each, and the caller awaits the whole bundle anyway.
 */
function readDir(root: string, limits: BundleLimits): { entries: ArchiveEntry[]; skipped: Array<{ path: string; reason: string }>; error?: string } {
  const entries: ArchiveEntry[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  let total = 0;
  const stack = [""];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dirents = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    for (const d of dirents) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) stack.push(r);
      else if (d.isFile()) {
        const st = fs.statSync(path.join(root, r));
        if (st.size > limits.maxFileBytes) {
          skipped.push({ path: r, reason: `file of ${st.size} bytes is over the per-file bound of ${limits.maxFileBytes}` });
          continue;
        }
        total += st.size;
        if (total > limits.maxTotalBytes) return { entries, skipped, error: `directory content is over the total bound of ${limits.maxTotalBytes} bytes at ${r}` };
        const buf = fs.readFileSync(path.join(root, r));
        entries.push({ path: r, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
      } else {
        skipped.push({ path: r, reason: d.isSymbolicLink() ? "symlink: not followed" : "not a regular file (device, fifo or socket)" });
      }
    }
  }
  return { entries, skipped };
}

/**
 * Reads every path and builds one HostEvidence per host. See lib/analysis/bundle/README.md for the shape
 * and for how captures' bytes and tcpdump-text packets are handed on.
 */
export async function readBundle(paths: string[], options: ReadBundleOptions = {}): Promise<BundleResult> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const inputs: BundleInput[] = [];
  const loose: ArchiveEntry[] = [];
  const skippedByInput: Array<{ input: number; path: string; reason: string }> = [];
  const warnings: string[] = [];
  if (paths.length === 0) return { status: "failed", error: { code: "not_found", message: "no path given" } };
  for (const p of paths) {
    let st;
    try {
      st = await fsp.stat(p);
    } catch {
      return { status: "failed", error: { code: "not_found", message: `no such file or directory: ${p}`, path: p } };
    }
    try {
      if (st.isDirectory()) {
        const d = readDir(p, limits);
        if (d.error) return { status: "failed", error: { code: "too_large", message: d.error, path: p } };
        for (const s of d.skipped) skippedByInput.push({ input: inputs.length, ...s });
        inputs.push({ name: path.basename(path.resolve(p)), entries: d.entries });
        continue;
      }
      if (!st.isFile()) return { status: "failed", error: { code: "io_error", message: `not a file or directory: ${p}`, path: p } };
      if (st.size > limits.maxTotalBytes) return { status: "failed", error: { code: "too_large", message: `${p} is over the total bound of ${limits.maxTotalBytes} bytes`, path: p } };
      const buf = await fsp.readFile(p);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      // archives are told by content; a gzip is looked into to see whether it holds a tar
      let inner: Uint8Array = bytes;
      if (isGzip(bytes)) {
        const g = gunzipBounded(bytes, limits.maxTotalBytes, limits, path.basename(p));
        if (g.status === "failed") return { status: "failed", error: { ...g.error, path: p } };
        inner = g.data;
      }
      if (looksLikeTar(inner) || isZip(inner)) {
        const r = isZip(inner) ? readZip(inner, limits) : readTar(inner, limits);
        if (r.status === "failed") return { status: "failed", error: { ...r.error, path: p } };
        warnings.push(...r.warnings.map((w) => `${p}: ${w}`));
        inputs.push({ name: stripArchiveExt(path.basename(p)), entries: r.entries });
        continue;
      }
      loose.push({ path: path.basename(p), data: bytes });
    } catch (err) {
      return { status: "failed", error: { code: "io_error", message: `${p}: ${err instanceof Error ? err.message : String(err)}`, path: p } };
    }
  }
  if (loose.length > 0) {
    const dirs = new Set(paths.filter((_, i) => i >= 0).map((p) => path.basename(path.dirname(path.resolve(p)))));
    const name = dirs.size === 1 ? [...dirs][0] || "host" : "host";
    inputs.push({ name, entries: loose, loose: true });
  }
  let result: BundleResult;
  try {
    result = bundleFromInputs(inputs, limits);
  } catch (err) {
    // bundleFromInputs is built not to throw; this keeps the promise of a result union if it ever does
    return { status: "failed", error: { code: "io_error", message: `unexpected: ${err instanceof Error ? err.message : String(err)}` } };
  }
  if (result.status === "success") {
    result.warnings.push(...warnings);
    for (const s of skippedByInput) {
      // skipped directory entries belong to the host their path falls under; the first host is a fair home
      const host = result.hosts.find((h) => s.path.startsWith(`${h.host}/`)) ?? result.hosts[0];
      if (host) host.unrecognized.push({ path: s.path.startsWith(`${host.host}/`) ? s.path.slice(host.host.length + 1) : s.path, bytes: 0, reason: s.reason });
      else result.warnings.push(`${s.path}: ${s.reason}`);
    }
  }
  return result;
}
