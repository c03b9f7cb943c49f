/**
 * The pure part of the bundle reader: entries already read (their paths and what was found in each) in, one
 * HostEvidence per host out. No I/O here: fs.ts walks the inputs with walkBundle (walk.ts), parses each text
 * as it comes (so a text never outlives its entry) and hands the records to `assembleHosts`.
 *
 * Hosts: from the entry paths alone, by hosts.ts (a folder per host whatever its name, nested places
 * inside a host, wrapper folders, sosreport trees, moments such as before/after), so a streamed archive is
 * grouped after its last entry. Parts of a paste whose prompts name hosts move to those hosts.
 */
import type { CaptureSummary } from "../capture/model";
import type { HostEvidence } from "../evidence/model";
import { mergeHost, type ParsedFile } from "../evidence/merge";
import { hostsFromPrompts } from "../evidence/index";
import type { FileFacts } from "../evidence/parser";
import { hostLayout } from "./hosts";

export type CaptureKind = "pcap" | "pcapng" | "tcpdump-text";

/** One input's entries (an archive, a directory) or loose files, with the name hosts default to. */
export type BundleInput<T extends { path: string } = { path: string }> = { name: string; entries: T[]; loose?: boolean };

/** a capture summarised while reading, and its key (input, entry, part) for a second reading */
export type Summarised = { summary: CaptureSummary; key: string };
/** a text part's ParsedFile as the reader keeps it: the host its prompt names, its tcpdump-text summary */
export type TextPart = ParsedFile & { host?: string; captured?: Summarised };

/** What was found in one entry, keyed by its path inside its input. `unreadable`: what could not be read of it. */
export type EntryRecord = { path: string; unreadable?: string } & (
  | { kind: "parsed"; files: TextPart[]; unrecognized: HostEvidence["unrecognized"] }
  | { kind: "procSys"; key: string; value: string }
  | { kind: "capture"; format: "pcap" | "pcapng"; bytes: number; captured?: Summarised }
  | { kind: "unrecognized"; bytes: number; reason: string });

/**
 * Splits entries into hosts by their paths (lib/analysis/bundle/hosts.ts). Paths returned are relative to
 * the host's folder.
 */
export function groupHosts<T extends { path: string }>(input: BundleInput<T>): Map<string, T[]> {
  const layout = hostLayout(input.entries.map((e) => e.path), input.name, { loose: input.loose });
  const hosts = new Map<string, T[]>();
  for (const e of input.entries) {
    const a = layout.assign.get(e.path);
    if (!a) continue;
    let list = hosts.get(a.host);
    if (!list) hosts.set(a.host, (list = []));
    list.push({ ...e, path: a.path });
  }
  return hosts;
}

/** a /proc/sys tree, also copied without its "proc" level (sys/net/ipv4/…), as node_exporter's fixtures are */
export const isProcSysPath = (p: string) => /(^|\/)proc\/sys\//.test(p) || /(^|\/)sys\/(net|kernel|vm|fs)\//.test(p);

export type Assembled = {
  hosts: HostEvidence[];
  /** capture summaries under the host and host-relative file (or `file#n` part of a paste) they ended in */
  captures: Array<{ host: string; file: string; summary: CaptureSummary; key: string }>;
  unreadable: Array<{ host: string; file: string; message: string }>;
};

const rebase = (s: string, from: string, to: string) => (s === from ? to : s.startsWith(from) ? to + s.slice(from.length) : s);

/** One HostEvidence per host from the records of every input (see the header comment). */
export function assembleHosts(inputs: Array<BundleInput<EntryRecord>>): Assembled {
  type HostParts = {
    files: TextPart[];
    unrecognized: HostEvidence["unrecognized"];
    captures: HostEvidence["captures"];
    procSys: Array<{ path: string; key: string; value: string }>;
  };
  const parts = new Map<string, HostParts>();
  const captures: Assembled["captures"] = [];
  const unreadable: Assembled["unreadable"] = [];
  for (const input of inputs) {
    const tagged = input.entries.map((e, origin) => ({ ...e, origin }));
    for (const [host, entries] of groupHosts({ ...input, entries: tagged })) {
      let hp = parts.get(host);
      if (!hp) parts.set(host, (hp = { files: [], unrecognized: [], captures: [], procSys: [] }));
      const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const e of sorted) {
        // groupHosts copied the entry with its path made host-relative; the parse named it by its path in the input
        const from = input.entries[e.origin]!.path;
        if (e.unreadable !== undefined) unreadable.push({ host, file: e.path, message: e.unreadable });
        if (e.kind === "parsed") {
          for (const f of e.files) {
            const g: TextPart = { ...f, path: e.path };
            if (f.reading) g.reading = rebase(f.reading, from, e.path);
            hp.files.push(g);
          }
          for (const u of e.unrecognized) hp.unrecognized.push({ ...u, path: rebase(u.path, from, e.path) });
        } else if (e.kind === "procSys") hp.procSys.push({ path: e.path, key: e.key, value: e.value });
        else if (e.kind === "capture") {
          hp.captures.push({ path: e.path, kind: e.format });
          hp.files.push({ path: e.path, kind: e.format, bytes: e.bytes, facts: {}, warnings: [] });
          if (e.captured) captures.push({ host, file: e.path, ...e.captured });
        } else hp.unrecognized.push({ path: e.path, bytes: e.bytes, reason: e.reason });
      }
    }
  }

  // a paste whose prompts name two or more hosts (root@node-1, root@node-2, a `hostname` section of each
  // collect file): each named part is that host's; unrecognised parts go with theirs
  type Unrec = HostEvidence["unrecognized"][number] & { host?: string };
  const isFile = (f: TextPart | Unrec): f is TextPart => "kind" in f && "facts" in f;
  for (const [host, hp] of [...parts]) {
    const all: Array<TextPart | Unrec> = [...hp.files, ...(hp.unrecognized as Unrec[])];
    const named = new Set(all.map((f) => f.host).filter((x): x is string => !!x));
    if (named.size === 1 && all.every((f) => f.host) && !parts.has([...named][0]!) && hp.captures.length === 0 && hp.procSys.length === 0) {
      // every part of this host's files names the same host (its prompts, a `hostname` section): that is its name
      parts.delete(host);
      parts.set([...named][0]!, hp);
      continue;
    }
    const groups = hostsFromPrompts(all);
    if (groups.size <= 1 && groups.has(undefined)) continue;
    hp.files = (groups.get(undefined) ?? []).filter(isFile);
    hp.unrecognized = (groups.get(undefined) ?? []).filter((f): f is Unrec => !isFile(f));
    for (const [name, list] of groups) {
      if (name === undefined) continue;
      let to = parts.get(name);
      if (!to) parts.set(name, (to = { files: [], unrecognized: [], captures: [], procSys: [] }));
      for (const f of list) {
        if (isFile(f)) to.files.push(f);
        else to.unrecognized.push(f);
      }
    }
  }

  const hosts: HostEvidence[] = [];
  for (const [host, hp] of [...parts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    // a host whose every part moved to the hosts its prompts named is no host
    if (hp.files.length + hp.unrecognized.length + hp.captures.length + hp.procSys.length === 0) continue;
    // tcpdump-text parts were summarised while reading: one capture per part (`file#n` when a paste has several)
    const texts = new Map<string, number>();
    for (const f of hp.files) if (f.kind === "tcpdump-text") texts.set(f.path, (texts.get(f.path) ?? 0) + 1);
    const files: ParsedFile[] = [];
    for (const f of hp.files) {
      const { captured, host: _named, ...file } = f;
      void _named;
      if (f.kind === "tcpdump-text" && (texts.get(f.path) ?? 0) > 1 && f.reading) file.path = f.reading;
      if (captured) captures.push({ host, file: file.path, ...captured });
      files.push(file);
    }
    let treeRoot = "";
    if (hp.procSys.length > 0) {
      const sysctls: NonNullable<FileFacts["sysctls"]> = {};
      const conntrack: NonNullable<FileFacts["conntrack"]> = {};
      for (const s of hp.procSys) {
        sysctls[s.key] = { value: s.value };
        if (/^\d+$/.test(s.value) && (s.key === "net.netfilter.nf_conntrack_count")) conntrack.count = { value: +s.value };
        if (/^\d+$/.test(s.value) && (s.key === "net.netfilter.nf_conntrack_max" || s.key === "net.nf_conntrack_max")) conntrack.max = { value: +s.value };
      }
      const p0 = hp.procSys[0]!.path;
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
  return { hosts, captures, unreadable };
}
