/**
 * `netmortem redact IN -o OUT.tar.gz`: a bundle (from collect.sh, collect, the lab, by hand) with every address,
 * MAC and host name pseudonymised, consistently for one key (lib/analysis/redact).
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { readdir } from "node:fs/promises";
import { expandArchive, type ArchiveEntry } from "../../lib/analysis/bundle";
import { redactBundle } from "../../lib/analysis/redact";
import { defaultKeyFile, loadOrCreateKey } from "../../lib/agent/key";
import { tarGz } from "../../lib/agent/tar";
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

async function entriesOf(p: string): Promise<{ entries: ArchiveEntry[]; name: string }> {
  const st = await stat(p);
  const name = path.basename(p).replace(/\.(tar\.gz|tgz|tar|zip)$/i, "");
  if (st.isDirectory()) {
    const entries: ArchiveEntry[] = [];
    const walk = async (d: string) => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const f = path.join(d, e.name);
        if (e.isDirectory()) await walk(f);
        else if (e.isFile()) entries.push({ path: path.relative(p, f).split(path.sep).join("/"), data: await readFile(f) });
      }
    };
    await walk(p);
    return { entries, name };
  }
  const bytes = await readFile(p);
  const a = expandArchive(bytes);
  if (a.status === "success") return { entries: a.entries, name };
  // one file (a pcap, an output): a one-file bundle of a host named after it
  return { entries: [{ path: path.basename(p), data: bytes }], name };
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
    let input;
    try {
      input = await entriesOf(positionals[0]!);
    } catch (err) {
      log(`cannot read ${positionals[0]}: ${(err as Error).message}`);
      return 1;
    }
    const r = redactBundle(input.entries, key, { name: input.name, hostNames: (o["host-name"] as string[] | undefined) ?? [] });
    for (const d of r.dropped) log(`left out (cannot be redacted): ${d.path}: ${d.reason}`);
    await writeFile(out, tarGz(r.entries.map((e) => ({ path: e.path, data: e.data }))), { mode: 0o600 });
    log(`wrote ${out} (${r.entries.length} files, ${r.dropped.length} left out)`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`netmortem redact: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
}
