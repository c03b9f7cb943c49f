/**
 * Which host each file of a bundle belongs to, from the entry paths alone (no content), so a streamed
 * archive can be grouped once its last entry has gone by.
 *
 * Layouts recognised by their structure, whatever the folders are called:
 * - one host's files directly, or under places a host has (`proc/net/…`, `logs/`, `cmd/`, `before/`…);
 * - one folder per host (`node-1.prod.example.com/`, `web/`, `server/`…), each with any nesting below it
 *   (`<host>/logs/…`, `<host>/cmd/…`, `<host>/proc/net/…`);
 * - wrapper folders above them (a support-bundle archive's top folder, `hosts/`, `nodes/`), unwrapped;
 * - sosreport trees (`sosreport-<host>-<date>-<id>/sos_commands/…`, `proc/net/…`): a host root each;
 * - files at the top of a bundle of host folders: a host of their own named after the bundle (cluster-wide
 *   outputs such as `kubectl get svc`).
 * A folder is taken for a place inside a host (not a host) when its name is one of the places a Linux host
 * has (proc, sys, etc, var…), a kind of evidence (logs, captures, cmd, outputs…) or a moment (before,
 * after, t0, a date), and its siblings do not repeat each other's files; sibling folders that hold the
 * same relative paths are hosts (or moments, when named like moments).
 *
 * One concatenated collect file per host, and pastes whose prompts name several hosts, can only be told
 * by content: lib/analysis/evidence/paste.ts names a part's host from its prompt, and the bundle reader
 * moves such parts (see `hostFromPrompt` there).
 */

export type HostOf = { host: string; path: string };

export type HostLayout = {
  /** "single" (one host), "per-host" (a folder per host), "sosreport" (one or more sosreport trees) */
  kind: "single" | "per-host" | "sosreport";
  /** the host of each entry path given, and its path below the host's folder */
  assign: Map<string, HostOf>;
  hosts: string[];
};

/** places every Linux host has: a folder with this name is inside a host, never a host */
const FS_DIRS = new Set(["proc", "sys", "etc", "var", "run", "usr", "boot", "dev", "opt", "tmp", "lib", "home", "root", "srv"]);

/** kinds of evidence and generic containers: a folder named so groups a host's files */
const PLACE_WORDS = new Set([
  "log", "logs", "cmd", "cmds", "command", "commands", "output", "outputs", "out", "capture", "captures", "pcap",
  "pcaps", "dump", "dumps", "tcpdump", "net", "network", "networking", "kernel", "system", "sysctl", "sysctls",
  "config", "configs", "conf", "k8s", "kube", "kubernetes", "nginx", "ingress", "haproxy", "envoy", "traefik",
  "counters", "stats", "metrics", "sockets", "files", "data", "text", "raw", "collected", "collect", "evidence",
  "diag", "diagnostics", "info", "host", "sos_commands", "sos_logs", "sos_reports", "sos_strings", "proc_net",
  "iptables", "nftables", "conntrack", "routes", "interfaces", "snapshots", "readings", "app", "apps",
]);

/** folders that hold hosts: unwrapped like a wrapper */
const HOST_CONTAINERS = new Set(["hosts", "nodes", "machines", "servers", "instances", "vms", "pods", "members"]);

/** a moment of a series: before/after, t0, round-2, a date or a time */
export function isMomentName(name: string): boolean {
  const n = name.toLowerCase();
  return /^(before|after|pre|post|start|end|begin|first|second|third|last|old|new|baseline|during|later)([-_.]?\d+)?$/.test(n)
    || /^(t|snap|snapshot|round|run|reading|sample|iter|pass)[-_.]?\d{1,6}$/.test(n)
    || /^\d{1,6}$/.test(n)
    || /^\d{4}-?\d\d-?\d\d([t_ -]?\d\d[:.-]?\d\d([:.-]?\d\d)?z?)?$/.test(n)
    || /^\d\d[:.-]?\d\d([:.-]?\d\d)?$/.test(n)
    || /^\d{10}$/.test(n);
}

function isPlace(name: string): boolean {
  const n = name.toLowerCase();
  return FS_DIRS.has(n) || PLACE_WORDS.has(n) || isMomentName(n);
}

/** a sosreport's folder name: sosreport-<hostname>[-<case id>]-<YYYY-MM-DD>-<random> → hostname */
export function sosreportHost(folder: string): string | undefined {
  const m = /^sos(?:report|-collector)?-(.+?)(?:-\d{4}-\d\d-\d\d-[a-z0-9]+|-\d{14}|-\d{8})?(?:\.tar(?:\.\w+)?)?$/i.exec(folder);
  if (!m) return undefined;
  // a case id between the host and the date is not part of the host name: sosreport-node1-12345-2026-…
  return m[1]!.replace(/-\d{3,}$/, "") || undefined;
}

type Node = { files: string[]; dirs: Map<string, Node> };

function tree(paths: string[]): Node {
  const root: Node = { files: [], dirs: new Map() };
  for (const p of paths) {
    const segs = p.split("/").filter((s) => s !== "" && s !== ".");
    let n = root;
    for (let i = 0; i < segs.length - 1; i++) {
      let d = n.dirs.get(segs[i]!);
      if (!d) n.dirs.set(segs[i]!, (d = { files: [], dirs: new Map() }));
      n = d;
    }
    if (segs.length > 0) n.files.push(segs[segs.length - 1]!);
  }
  return root;
}

/** relative file paths below a node */
function below(n: Node, prefix = "", out: string[] = [], limit = 20000): string[] {
  for (const f of n.files) {
    if (out.length >= limit) return out;
    out.push(prefix + f);
  }
  for (const [d, c] of n.dirs) below(c, `${prefix}${d}/`, out, limit);
  return out;
}

/** does this folder look like the root of a host's file system or a sosreport? */
function isHostRoot(name: string, n: Node): boolean {
  if (sosreportHost(name) && (n.dirs.has("sos_commands") || n.dirs.has("sos_reports") || n.dirs.has("sos_logs") || n.dirs.has("proc"))) return true;
  if (n.dirs.has("sos_commands")) return true;
  let fs = 0;
  for (const d of n.dirs.keys()) if (FS_DIRS.has(d.toLowerCase())) fs++;
  return fs >= 2;
}

/** folders among `names` whose relative file paths repeat in another sibling (file names compared without host-specific parts) */
function repeating(n: Node, names: string[]): Set<string> {
  const seen = new Map<string, Set<string>>();
  for (const d of names) {
    for (const rel of below(n.dirs.get(d)!, "", [], 2000)) {
      const k = rel.toLowerCase().split(d.toLowerCase()).join("*");
      let s = seen.get(k);
      if (!s) seen.set(k, (s = new Set()));
      s.add(d);
    }
  }
  const out = new Set<string>();
  for (const s of seen.values()) if (s.size >= 2) for (const d of s) out.add(d);
  return out;
}

function hostNameOf(folder: string): string {
  return sosreportHost(folder) ?? folder;
}

/**
 * Groups entry paths into hosts. `bundleName` names the host of a single-host bundle (archive name without
 * extension, directory name). `loose`: files given one by one on a command line are one host.
 */
export function hostLayout(paths: string[], bundleName: string, opts: { loose?: boolean } = {}): HostLayout {
  const assign = new Map<string, HostOf>();
  const clean = (p: string) => p.split("/").filter((s) => s !== "" && s !== ".").join("/");
  if (opts.loose) {
    for (const p of paths) assign.set(p, { host: bundleName, path: clean(p) });
    return { kind: "single", assign, hosts: paths.length ? [bundleName] : [] };
  }
  let node = tree(paths);
  let prefix: string[] = [];
  let name = hostNameOf(bundleName);
  // unwrap single folders that are neither a place inside a host nor a host root with places below
  for (let guard = 0; guard < 64; guard++) {
    if (node.files.length > 0 || node.dirs.size !== 1) break;
    const [d, child] = [...node.dirs][0]!;
    if (isPlace(d) || isHostRoot(d, child)) break;
    const childPlacesOnly = child.files.length === 0 && child.dirs.size > 0 && [...child.dirs.keys()].every(isPlace) && !HOST_CONTAINERS.has(d.toLowerCase());
    if (childPlacesOnly || child.dirs.size === 0) {
      // node-1/{logs,cmd}/… or node-1/<files>: this folder is the host
      break;
    }
    if (!HOST_CONTAINERS.has(d.toLowerCase())) name = hostNameOf(d);
    prefix = [...prefix, d];
    node = child;
  }
  const strip = (p: string) => {
    const segs = clean(p).split("/");
    return segs.slice(prefix.length);
  };
  const dirs = [...node.dirs.keys()];
  const roots = new Set(dirs.filter((d) => isHostRoot(d, node.dirs.get(d)!)));
  const nonPlace = dirs.filter((d) => !isPlace(d));
  const rep = repeating(node, dirs.filter((d) => !isMomentName(d)));
  const hostDirs = new Set<string>(roots);
  if (roots.size === 0 && node.files.length === 0 && dirs.length === 1 && !isPlace(dirs[0]!)) {
    // a single folder left: it is the host (node-1/{logs,cmd}/…)
    hostDirs.add(dirs[0]!);
  } else if (roots.size === 0) {
    // folders named like hosts, or folders that repeat each other's files (and are not moments)
    for (const d of nonPlace) hostDirs.add(d);
    if (nonPlace.length >= 1) for (const d of rep) if (!isMomentName(d) && !FS_DIRS.has(d.toLowerCase())) hostDirs.add(d);
    // one non-place folder beside places and top files: the places are the bundle host's, the folder a host
  } else {
    for (const d of nonPlace) if (node.dirs.get(d)!.dirs.size + node.dirs.get(d)!.files.length > 0 && rep.has(d)) hostDirs.add(d);
  }
  // moments above hosts: before/node-1/…, after/node-1/… → host node-1, path before/…
  const moments = dirs.length > 0 && node.files.length === 0 && dirs.every(isMomentName);
  const momentHosts = new Set<string>();
  if (moments) {
    const inner = new Map<string, number>();
    for (const d of dirs) for (const h of node.dirs.get(d)!.dirs.keys()) if (!isPlace(h)) inner.set(h, (inner.get(h) ?? 0) + 1);
    for (const [h] of inner) momentHosts.add(h);
  }
  const sos = roots.size > 0 && [...roots].some((d) => sosreportHost(d) !== undefined || node.dirs.get(d)!.dirs.has("sos_commands"));
  const hosts = new Set<string>();
  for (const p of paths) {
    const segs = strip(p);
    if (segs.length === 0) continue;
    if (segs.length > 2 && momentHosts.has(segs[1]!)) {
      const h = hostNameOf(segs[1]!);
      assign.set(p, { host: h, path: [segs[0]!, ...segs.slice(2)].join("/") });
      hosts.add(h);
    } else if (segs.length > 1 && hostDirs.has(segs[0]!)) {
      const h = hostNameOf(segs[0]!);
      assign.set(p, { host: h, path: segs.slice(1).join("/") });
      hosts.add(h);
    } else {
      assign.set(p, { host: name, path: segs.join("/") });
      hosts.add(name);
    }
  }
  return {
    kind: sos ? "sosreport" : (hostDirs.size > 0 || momentHosts.size > 0) && (hosts.size > 1 || !hosts.has(name)) ? "per-host" : "single",
    assign,
    hosts: [...hosts].sort(),
  };
}
