/**
 * The pure core of the bundle reader: archive bytes or file entries in, one HostEvidence per host out.
 * No I/O here (lib/analysis/bundle/fs.ts reads paths); nothing is ever written to disk: archives are read
 * in memory and entries stay views into the archive's bytes.
 *
 * Hosts: from the entry paths alone, by hosts.ts (a folder per host whatever its name, nested places
 * inside a host, wrapper folders, sosreport trees, moments such as before/after).
 *
 * Files are recognised by CONTENT: gzip is inflated (bounded) and sniffed again; pcap / pcapng magic →
 * `captures` (bytes kept for the capture engine); a `proc/sys/…` tree is flattened into sysctls; text goes
 * through the evidence registry. What nothing recognises is listed in `unrecognized` with a reason.
 */
import type { Packet } from "../capture/packet";
import type { HostEvidence } from "../evidence/model";
import { mergeHost, type ParsedFile } from "../evidence/merge";
import { hostsFromPrompts, parsedFilesOf } from "../evidence/index";
import type { FileFacts } from "../evidence/parser";
import { sysctlFromProcSysPath } from "../evidence/parsers/system";
import { gunzipBounded, isGzip } from "./gzip";
import { type BundleError, type BundleLimits, DEFAULT_LIMITS, type Failed, failed } from "./limits";
import { type ArchiveEntry, looksLikeTar, readTar } from "./tar";
import { isZip, readZip } from "./zip";
import { hostLayout } from "./hosts";

export type CaptureKind = "pcap" | "pcapng" | "tcpdump-text";

export type BundleSuccess = {
  status: "success";
  hosts: HostEvidence[];
  /** bundle-level notes (tar without end blocks, duplicate entries, …) */
  warnings: string[];
  /** bytes of a pcap/pcapng capture listed in `hosts[i].captures` (already gunzipped), for summarizeCapture */
  captureBytes(host: string, path: string): Uint8Array | undefined;
  /** packets parsed from a tcpdump-text capture listed in `hosts[i].captures` */
  capturePackets(host: string, path: string): Packet[] | undefined;
};
export type BundleResult = BundleSuccess | { status: "failed"; error: BundleError };

/** One input: an archive or directory (its entries) or a loose file, with the name hosts default to. */
export type BundleInput = { name: string; entries: ArchiveEntry[]; loose?: boolean };

const dec = new TextDecoder("utf-8");
const dec16 = new TextDecoder("utf-16le");

export function captureKindOf(b: Uint8Array): "pcap" | "pcapng" | undefined {
  if (b.length < 4) return undefined;
  const m = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return "pcap";
  if (m === 0x0a0d0d0a) return "pcapng";
  return undefined;
}

function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return true;
    if (c < 9 || c > 13 && c < 32 && c !== 27) odd++;
  }
  return n > 0 && odd / n > 0.1;
}

/**
 * Splits entries into hosts by their paths (lib/analysis/bundle/hosts.ts). Paths returned are relative to
 * the host's folder.
 */
export function groupHosts(input: BundleInput): Map<string, ArchiveEntry[]> {
  const layout = hostLayout(input.entries.map((e) => e.path), input.name, { loose: input.loose });
  const hosts = new Map<string, ArchiveEntry[]>();
  for (const e of input.entries) {
    const a = layout.assign.get(e.path);
    if (!a) continue;
    let list = hosts.get(a.host);
    if (!list) hosts.set(a.host, (list = []));
    list.push({ path: a.path, data: e.data });
  }
  return hosts;
}

/** Expands an archive's bytes (tar, tar.gz, zip; detected by magic, not name). */
export function expandArchive(bytes: Uint8Array, limits: BundleLimits = DEFAULT_LIMITS):
  { status: "success"; entries: ArchiveEntry[]; warnings: string[] } | Failed {
  let b = bytes;
  if (isGzip(b)) {
    const g = gunzipBounded(b, limits.maxTotalBytes, limits);
    if (g.status === "failed") return g;
    b = g.data;
  }
  if (isZip(b)) return readZip(b, limits);
  if (looksLikeTar(b)) return readTar(b, limits);
  return failed("unsupported", "not a tar, tar.gz or zip archive");
}

type HostParts = {
  files: ParsedFile[];
  unrecognized: HostEvidence["unrecognized"];
  captures: HostEvidence["captures"];
  procSys: Array<{ path: string; key: string; value: string }>;
};

/**
 * Builds the evidence of every host from the inputs. Never throws; the only failures are the limits
 * (total size) and they name the entry.
 */
export function bundleFromInputs(inputs: BundleInput[], limits: BundleLimits = DEFAULT_LIMITS): BundleResult {
  const warnings: string[] = [];
  const parts = new Map<string, HostParts>();
  const bytesStore = new Map<string, Uint8Array>();
  const packetStore = new Map<string, Packet[]>();
  let total = 0;
  const key = (host: string, path: string) => `${host}\u0000${path}`;

  for (const input of inputs) {
    for (const [host, entries] of groupHosts(input)) {
      let hp = parts.get(host);
      if (!hp) parts.set(host, (hp = { files: [], unrecognized: [], captures: [], procSys: [] }));
      const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const e of sorted) {
        let data = e.data;
        const path = e.path;
        // a /proc/sys tree, also copied without its "proc" level (sys/net/ipv4/…), as node_exporter's fixtures are
        if (/(^|\/)proc\/sys\//.test(path) || /(^|\/)sys\/(net|kernel|vm|fs)\//.test(path)) {
          const s = sysctlFromProcSysPath(path, dec.decode(data.subarray(0, 65536)));
          if (s) {
            hp.procSys.push({ path, key: s.key, value: s.value });
            continue;
          }
        }
        if (isGzip(data)) {
          const g = gunzipBounded(data, limits.maxTotalBytes - total, limits, path);
          if (g.status === "failed") {
            if (g.error.code === "corrupt") {
              hp.unrecognized.push({ path, bytes: data.length, reason: g.error.message });
              continue;
            }
            return { status: "failed", error: { ...g.error, entry: `${host}/${path}` } };
          }
          data = g.data;
        }
        total += data.length;
        if (total > limits.maxTotalBytes) {
          return { status: "failed", error: { code: "too_large", message: `bundle content is over the total bound of ${limits.maxTotalBytes} bytes`, entry: `${host}/${path}` } };
        }
        const cap = captureKindOf(data);
        if (cap) {
          hp.captures.push({ path, kind: cap });
          hp.files.push({ path, kind: cap, bytes: data.length, facts: {}, warnings: [] });
          bytesStore.set(key(host, path), data);
          continue;
        }
        if (looksLikeTar(data) || isZip(data)) {
          hp.unrecognized.push({ path, bytes: data.length, reason: "nested archive: not expanded (unpack it into the bundle)" });
          continue;
        }
        // PowerShell's `>` writes UTF-16LE with a BOM: text, not binary
        const utf16 = data.length >= 2 && data[0] === 0xff && data[1] === 0xfe;
        if (!utf16 && looksBinary(data)) {
          hp.unrecognized.push({ path, bytes: data.length, reason: "binary file that is not a pcap/pcapng capture" });
          continue;
        }
        let parsed: ReturnType<typeof parsedFilesOf>;
        try {
          // V8 strings stop near 512 MiB: a bigger text file fails to decode, and is listed, not thrown
          const text = utf16 ? dec16.decode(data) : dec.decode(data);
          parsed = parsedFilesOf(path, text, data.length);
        } catch (err) {
          parsed = { files: [], unrecognized: [{ path, bytes: data.length, reason: `could not be read as text: ${err instanceof Error ? err.message : String(err)}` }] };
        }
        hp.unrecognized.push(...parsed.unrecognized);
        const texts = parsed.files.filter((f) => f.kind === "tcpdump-text").length;
        for (const f of parsed.files) {
          if (f.kind === "tcpdump-text" && f.facts.packets) {
            // one capture per tcpdump part; a paste with two gets "file#n" paths for the second on
            const cpath = texts > 1 && f.reading ? f.reading : path;
            if (cpath !== path) f.path = cpath;
            packetStore.set(key(host, cpath), f.facts.packets);
            // the packets travel through capturePackets(); HostEvidence stays JSON-sized
            delete f.facts.packets;
          }
          hp.files.push(f);
        }
      }
    }
  }

  // a paste whose prompts name two or more hosts (root@node-1, root@node-2): each prompted part is that host's
  for (const [host, hp] of [...parts]) {
    const groups = hostsFromPrompts(hp.files as Array<ParsedFile & { host?: string }>);
    if (groups.size <= 1 && groups.has(undefined)) continue;
    hp.files = groups.get(undefined) ?? [];
    for (const [named, files] of groups) {
      if (named === undefined || named === host) {
        if (named === host) hp.files.push(...files);
        continue;
      }
      let to = parts.get(named);
      if (!to) parts.set(named, (to = { files: [], unrecognized: [], captures: [], procSys: [] }));
      for (const f of files) {
        const k = key(host, f.path);
        const pk = packetStore.get(k);
        if (pk) {
          packetStore.delete(k);
          packetStore.set(key(named, f.path), pk);
        }
        to.files.push(f);
      }
    }
  }

  const hosts: HostEvidence[] = [];
  for (const [host, hp] of [...parts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const files = [...hp.files];
    let treeRoot = "";
    if (hp.procSys.length > 0) {
      const sysctls: NonNullable<FileFacts["sysctls"]> = {};
      const conntrack: NonNullable<FileFacts["conntrack"]> = {};
      for (const s of hp.procSys) {
        sysctls[s.key] = { value: s.value };
        if (/^\d+$/.test(s.value) && (s.key === "net.netfilter.nf_conntrack_count")) conntrack.count = { value: +s.value };
        if (/^\d+$/.test(s.value) && (s.key === "net.netfilter.nf_conntrack_max" || s.key === "net.nf_conntrack_max")) conntrack.max = { value: +s.value };
      }
      const p0 = hp.procSys[0].path;
      const at = p0.indexOf("proc/sys/") >= 0 ? p0.indexOf("proc/sys/") + "proc/sys".length : p0.search(/(^|\/)sys\//) + (p0.startsWith("sys/") ? 3 : 4);
      treeRoot = p0.slice(0, at);
      files.unshift({ path: treeRoot, kind: "sysctl", bytes: 0, facts: { sysctls, conntrack }, warnings: [] });
    }
    const h = mergeHost(host, files, { unrecognized: hp.unrecognized, captures: hp.captures });
    // a flattened tree's facts cite the file each value came from, not the tree
    for (const s of hp.procSys) {
      const f = h.sysctls[s.key];
      if (f && !f.cite.line && f.cite.file === treeRoot) f.cite = { file: s.path };
      if (s.key === "net.netfilter.nf_conntrack_count" && h.conntrack.count?.cite.file === treeRoot) h.conntrack.count.cite = { file: s.path };
      if (/nf_conntrack_max$/.test(s.key) && h.conntrack.max?.cite.file === treeRoot) h.conntrack.max.cite = { file: s.path };
    }
    const tree = h.files.find((f) => f.kind === "sysctl" && f.bytes === 0 && f.path === treeRoot);
    if (tree) tree.bytes = hp.procSys.reduce((n, s) => n + s.value.length + 1, 0);
    hosts.push(h);
  }
  return {
    status: "success",
    hosts,
    warnings,
    captureBytes: (host, path) => bytesStore.get(key(host, path)),
    capturePackets: (host, path) => packetStore.get(key(host, path)),
  };
}
