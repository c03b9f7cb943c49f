/**
 * `netmortem redact IN -o OUT.tar.gz`: a bundle (from collect.sh, collect, the lab, by hand) with every address,
 * MAC and host name pseudonymised, consistently for one key (lib/analysis/redact).
 *
 * Streamed, in bounded memory whatever the input's size (issue 10): the input is walked twice with walkBundle
 * (lib/analysis/bundle), first for its paths (the host layout) and the hosts' own names (`kernel.hostname`), then
 * entry by entry: a text is decoded and redacted piece by piece (TextRedaction), a capture record by record
 * (CaptureRedaction), into a private temp file (a tar header needs the entry's size before its bytes), which is
 * then copied into the output .tar.gz and removed. Held at a time: about one line of text or one capture record,
 * plus the stream buffers. Binary files that are not captures, nested archives, links and devices are left out
 * and listed; an entry that was gzipped is gzipped again under its own name.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tarStream from "tar-stream";
import { hostLayout, walkBundle, type BundleLimits, type WalkEntry } from "../../lib/analysis/bundle";
import { CaptureRedaction, CaptureRedactError, HostNameScan, Redactor, TextRedaction } from "../../lib/analysis/redact";
import { defaultKeyFile, loadOrCreateKey } from "../../lib/agent/key";
import { parseArgs, UsageError } from "../args";

export const summary = "pseudonymise a bundle's addresses, MACs and host names (prefix-preserving, keyed)";

const HELP = `Usage: netmortem redact <bundle.tar.gz|.zip|dir> -o redacted.tar.gz [--key FILE] [--host-name NAME…]

Writes a copy of the bundle in which every IPv4/IPv6 address is replaced by its Crypto-PAn pseudonym (prefix-
preserving: addresses that share a prefix still share it, so subnets, routes and overlaps stay diagnosable), every
MAC and host name by a keyed pseudonym, in text outputs, file names and captures (pcap/pcapng: headers rewritten,
payloads zeroed, checksums updated). Loopback, unspecified, multicast, link-local IPv4 and netmasks are kept.
The key decides the mapping: the same key gives the same pseudonyms across bundles; keep it to yourself.

  -o, --output FILE      the redacted bundle (.tar.gz)
  --key FILE             the key (64 hex digits; default ${defaultKeyFile()}; made when missing)
  --host-name NAME       another name to hide wherever it appears (repeatable)
`;

/**
 * The reader's bounds, but not on sizes: nothing is held whole here, and a redacted copy of one's own large
 * bundle is a fair request. Compression-ratio (bomb) and entry-count bounds stay.
 */
export const REDACT_LIMITS: Partial<BundleLimits> = { maxTotalBytes: Number.MAX_SAFE_INTEGER, maxFileBytes: Number.MAX_SAFE_INTEGER };

const ARCHIVE_EXT = /\.(tar\.gz|tgz|tar|zip)$/i;

/** one entry's redacted bytes into `file` (gzipped again when the entry was): its size, or why it was left out */
async function redactEntry(e: WalkEntry & { kind: "text" | "capture" }, r: Redactor, file: string): Promise<{ size: number } | { reason: string }> {
  const gzip = e.gzip ? createGzip() : undefined;
  const out = createWriteStream(file, { mode: 0o600 });
  const sink: Writable = gzip ?? out;
  const done = gzip ? pipeline(gzip, out) : new Promise<void>((resolve, reject) => out.on("finish", resolve).on("error", reject));
  done.catch(() => undefined);
  const write = (b: Uint8Array | string) =>
    b.length === 0 ? Promise.resolve() : new Promise<void>((resolve, reject) => sink.write(b, (err) => (err ? reject(err) : resolve())));
  let failed: string | undefined;
  try {
    if (e.kind === "text") {
      const t = new TextRedaction(r, e.encoding ?? "utf-8");
      for await (const c of e.stream ?? []) await write(t.push(c));
      await write(t.end());
    } else {
      const c = new CaptureRedaction(r);
      const flush = (parts: Uint8Array[]) => write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
      for await (const chunk of e.stream) await flush(c.push(chunk));
      await flush(c.end());
    }
  } catch (err) {
    if (!(err instanceof CaptureRedactError)) {
      sink.destroy();
      throw err;
    }
    failed = err.message;
  }
  sink.end();
  await done;
  if (failed !== undefined) return { reason: failed };
  return { size: (await stat(file)).size };
}

export async function redactToFile(input: string, out: string, key: Uint8Array, hostNames: string[], log: (l: string) => void): Promise<{ files: number; dropped: number } | { error: string }> {
  const st = await stat(input);
  const name = st.isDirectory() ? path.basename(path.resolve(input)) : path.basename(input).replace(ARCHIVE_EXT, "");
  const r = new Redactor(key);
  for (const h of hostNames) r.addHostName(h);

  // pass 1: the paths (for the host layout) and the hosts' own names
  const paths: string[] = [];
  const first = await walkBundle(input, {
    limits: REDACT_LIMITS,
    textStreams: true,
    onEntry: async (e) => {
      paths.push(e.path);
      if (e.kind !== "text" || !e.stream) return;
      const scan = new HostNameScan(e.encoding ?? "utf-8");
      for await (const c of e.stream) scan.push(c);
      for (const n of scan.end()) r.addHostName(n, true);
    },
  });
  if (first.status === "failed") return { error: first.error.message };
  // a single file (a pcap, an output) is a one-file bundle of a host named after it
  const layout = hostLayout(paths, name, { loose: false });
  for (const h of layout.hosts) r.addHostName(h);

  // pass 2: each entry redacted into a temp file, then packed
  const tmp = await mkdtemp(path.join(tmpdir(), "netmortem-redact-"));
  const pack = tarStream.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(out, { mode: 0o600 }));
  written.catch(() => undefined);
  let files = 0;
  let dropped = 0;
  let n = 0;
  try {
    const second = await walkBundle(input, {
      limits: REDACT_LIMITS,
      textStreams: true,
      onEntry: async (e) => {
        const at = layout.assign.get(e.path) ?? { host: name, path: e.path };
        const shown = `${at.host}/${at.path}`;
        if (e.kind === "skipped") {
          dropped++;
          log(`left out (cannot be redacted): ${shown}: ${e.reason}`);
          return;
        }
        const file = path.join(tmp, `entry-${n++}`);
        try {
          const res = await redactEntry(e, r, file);
          if ("reason" in res) {
            dropped++;
            log(`left out (cannot be redacted): ${shown}: ${res.reason}`);
            return;
          }
          await new Promise<void>((resolve, reject) => {
            const sink = pack.entry({ name: `${r.host(at.host)}/${r.path(at.path)}`, size: res.size, mode: 0o644, mtime: new Date() }, (err) => (err ? reject(err) : resolve()));
            createReadStream(file).on("error", reject).pipe(sink);
          });
          files++;
        } finally {
          await rm(file, { force: true });
        }
      },
    });
    pack.finalize();
    await written;
    if (second.status === "failed") {
      await rm(out, { force: true });
      return { error: second.error.message };
    }
    return { files, dropped };
  } catch (err) {
    pack.destroy();
    await rm(out, { force: true });
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<number> {
  try {
    const { opts: o, positionals } = parseArgs(args, { o: "value", output: "value", key: "value", "host-name": "list", help: "flag", h: "flag" });
    if (o.help || o.h) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give one bundle to redact");
    const out = (o.o ?? o.output) as string | undefined;
    if (!out) throw new UsageError("-o redacted.tar.gz is required");
    const log = (l: string) => process.stderr.write(`netmortem redact: ${l}\n`);
    const key = await loadOrCreateKey((o.key as string | undefined) ?? defaultKeyFile(), log);
    let res: Awaited<ReturnType<typeof redactToFile>>;
    try {
      res = await redactToFile(positionals[0]!, out, key, (o["host-name"] as string[] | undefined) ?? [], log);
    } catch (err) {
      res = { error: (err as Error).message };
    }
    if ("error" in res) {
      log(`cannot read ${positionals[0]}: ${res.error}`);
      return 1;
    }
    log(`wrote ${out} (${res.files} files, ${res.dropped} left out)`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`netmortem redact: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
