/**
 * Redaction of evidence: see README.md beside this file. Pure (no file or network I/O): the CLI, the agent and the
 * server's upload path call it on bytes they hold.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { captureKindOf, groupHosts, type ArchiveEntry } from "../bundle";
import { redactCapture, CaptureRedactError } from "./pcap";
import { learnHostNames, Redactor } from "./redactor";

export { CryptoPAn, parseIPv4, parseIPv6, formatIPv4, formatIPv6 } from "./cryptopan";
export { Redactor, learnHostNames, type RedactorOptions } from "./redactor";
export { redactCapture, CaptureRedaction, CaptureRedactError } from "./pcap";
export { TextRedaction, HostNameScan } from "./stream";

export type RedactedBundle = {
  /** one folder per host, named by the host's pseudonym */
  entries: ArchiveEntry[];
  /** files that could not be redacted and were therefore left out, with why */
  dropped: { path: string; reason: string }[];
};

const dec = new TextDecoder("utf-8", { fatal: false });
const enc = new TextEncoder();

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  for (let i = 0; i < n; i++) if (b[i] === 0) return true;
  return false;
}

/**
 * A bundle's entries (as expandArchive gives them) → the same bundle redacted with `key`: hosts grouped as the
 * bundle reader groups them (`name`: what a single-host bundle's host is called), each host folder renamed to its
 * pseudonym, every text file and capture redacted, file names too. `hostNames`: more names to hide.
 */
export function redactBundle(entries: ArchiveEntry[], key: Uint8Array, opts: { name?: string; hostNames?: string[] } = {}): RedactedBundle {
  const hosts = groupHosts({ name: opts.name ?? "host", entries });
  const r = new Redactor(key);
  for (const h of opts.hostNames ?? []) r.addHostName(h);
  for (const h of hosts.keys()) r.addHostName(h);
  // the hosts' own names, as their sysctl outputs say them: replaced wherever they appear
  for (const list of hosts.values()) {
    for (const e of list) {
      if (e.data.length > 16 * 1024 * 1024 || isGzip(e.data) || captureKindOf(e.data)) continue;
      const t = dec.decode(e.data);
      if (t.includes("kernel.hostname")) for (const n of learnHostNames(t)) r.addHostName(n, true);
    }
  }
  const out: ArchiveEntry[] = [];
  const dropped: RedactedBundle["dropped"] = [];
  for (const [host, list] of hosts) {
    const folder = r.host(host);
    for (const e of list) {
      const p = `${folder}/${r.path(e.path)}`;
      const res = redactFile(e.data, r);
      if ("data" in res) out.push({ path: p, data: res.data });
      else dropped.push({ path: `${host}/${e.path}`, reason: res.reason });
    }
  }
  return { entries: out, dropped };
}

/** One file's bytes: a capture (maybe gzip'd) or text; anything else cannot be redacted and is refused. */
export function redactFile(data: Uint8Array, r: Redactor): { data: Uint8Array } | { reason: string } {
  if (isGzip(data)) {
    let inner: Uint8Array;
    try {
      inner = gunzipSync(data, { maxOutputLength: 1024 * 1024 * 1024 });
    } catch (err) {
      return { reason: `gzip stream could not be read: ${err instanceof Error ? err.message : String(err)}` };
    }
    const res = redactFile(inner, r);
    return "data" in res ? { data: gzipSync(res.data) } : res;
  }
  if (captureKindOf(data)) {
    try {
      return { data: redactCapture(data, r) };
    } catch (err) {
      if (err instanceof CaptureRedactError) return { reason: err.message };
      throw err;
    }
  }
  if (looksBinary(data)) return { reason: "binary file that is not a capture: cannot be redacted" };
  return { data: enc.encode(r.text(dec.decode(data))) };
}
