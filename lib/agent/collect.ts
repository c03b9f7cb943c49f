/**
 * What the agent, `netmortem collect` and collect.sh collect from the network namespace they run in (the node's, with
 * hostNetwork), read-only: commands and /proc files, each bounded in time and size, a missing tool or unreadable
 * file skipped with the reason. Outputs are raw (the server and the bundle reader parse them with the evidence
 * engine) and named like the lab's bundle files (e2e/lab/lib.sh). Nothing here writes a sysctl or changes the node:
 * every command is a listing (`ss`, `ip … show`, `sysctl -a`, `iptables-save`, `nft list`, `conntrack -S`, `dmesg`).
 *
 * collect.sh (deploy/collect.sh) collects the same list with the same names; collect.test.ts checks both lists agree.
 */
import { spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { release } from "node:os";
import path from "node:path";
import type { SkippedOutput, SnapshotOutput } from "../schemas/ingest";
import { INGEST_LIMITS } from "../schemas/ingest";

export type Item = {
  /** bundle file name */
  name: string;
  /** what is shown as the command (also for file reads: `cat /proc/net/netstat`) */
  command: string;
  /** argv of a command, or a file to read */
  run: { argv: string[] } | { file: string } | { fn: () => Promise<string> };
  /** a counter reading (taken twice by collect: -before and -after) */
  counters?: boolean;
  /** optional: when its tool or file is missing, that is normal (conntrack, nft on some nodes) */
  optional?: boolean;
  /** keep at most this many lines (socket lists, kernel log) */
  maxLines?: number;
  /** keep only lines matching (kernel log) */
  filter?: RegExp;
  /** an empty output means nothing (no rules): skipped, as the lab does */
  dropEmpty?: boolean;
};

/**
 * Kernel log lines about networking (the rp_filter, conntrack, MTU, link and SYN-flood messages the rules read), as a
 * POSIX extended regular expression so that collect.sh greps with the very same text (collect.test.ts compares).
 */
export const KERNEL_NET_LOG_ERE =
  "martian|nf_conntrack|conntrack|dropping packet|SYN flooding|possible SYN|TCP: |IPv4: |IPv6: |neighbour|NETDEV|link (is )?(up|down)|Link is|carrier|vxlan|bridge|veth|bond|mtu|MTU|rp_filter|nf_tables|xt_|iptables|ip_tables|net_ratelimit|callbacks suppressed|eth[0-9]|ens[0-9]|enp[0-9]";
export const KERNEL_NET_LOG = new RegExp(KERNEL_NET_LOG_ERE);

export const ITEMS: Item[] = [
  { name: "proc-net-netstat.txt", command: "cat /proc/net/netstat", run: { file: "/proc/net/netstat" }, counters: true },
  { name: "proc-net-snmp.txt", command: "cat /proc/net/snmp", run: { file: "/proc/net/snmp" }, counters: true },
  { name: "proc-net-snmp6.txt", command: "cat /proc/net/snmp6", run: { file: "/proc/net/snmp6" }, counters: true, optional: true },
  { name: "proc-net-sockstat.txt", command: "cat /proc/net/sockstat", run: { file: "/proc/net/sockstat" }, counters: true },
  { name: "proc-net-dev.txt", command: "cat /proc/net/dev", run: { file: "/proc/net/dev" }, counters: true },
  { name: "nf_conntrack-stat.txt", command: "cat /proc/net/stat/nf_conntrack", run: { file: "/proc/net/stat/nf_conntrack" }, counters: true, optional: true },
  { name: "conntrack-S.txt", command: "conntrack -S", run: { argv: ["conntrack", "-S"] }, counters: true, optional: true },
  { name: "uname-r.txt", command: "uname -r", run: { fn: async () => `${release()}\n` } },
  { name: "sysctl-a.txt", command: "sysctl -a", run: { argv: ["sysctl", "-a"] } },
  { name: "ss-s.txt", command: "ss -s", run: { argv: ["ss", "-s"] } },
  { name: "ss-ltn.txt", command: "ss -ltn", run: { argv: ["ss", "-ltn"] } },
  { name: "ss-tan.txt", command: "ss -tan", run: { argv: ["ss", "-tan"] }, maxLines: 20_000 },
  { name: "ip-d-link.txt", command: "ip -d link", run: { argv: ["ip", "-d", "link"] } },
  { name: "ip-j-d-link.json", command: "ip -j -d link", run: { argv: ["ip", "-j", "-d", "link"] } },
  { name: "ip-addr.txt", command: "ip addr", run: { argv: ["ip", "addr"] } },
  { name: "ip-route.txt", command: "ip route", run: { argv: ["ip", "route"] } },
  { name: "ip-rule.txt", command: "ip rule", run: { argv: ["ip", "rule"] } },
  { name: "ip-neigh.txt", command: "ip neigh", run: { argv: ["ip", "neigh"] }, maxLines: 20_000 },
  { name: "iptables-save-nat.txt", command: "iptables-save -t nat", run: { argv: ["iptables-save", "-t", "nat"] }, optional: true, dropEmpty: true },
  { name: "nft-list-ruleset.txt", command: "nft list ruleset", run: { argv: ["nft", "list", "ruleset"] }, optional: true, dropEmpty: true },
  { name: "dmesg-net.txt", command: "dmesg", run: { argv: ["dmesg"] }, optional: true, filter: KERNEL_NET_LOG, maxLines: 2000, dropEmpty: true },
];

export type Collected = { outputs: SnapshotOutput[]; skipped: SkippedOutput[]; kernel?: string; netns?: string };

export type CollectOptions = {
  /** per command (default 10 s) */
  timeoutMs?: number;
  /** per output (default INGEST_LIMITS.maxOutputBytes) */
  maxBytes?: number;
  /** only the counter items (collect's second reading) */
  countersOnly?: boolean;
  /** add this suffix to names (collect: "-before" / "-after") for counter items */
  counterSuffix?: string;
  /** commands run at once (default 3) */
  parallel?: number;
  items?: Item[];
};

type Run = { text: string; truncated: boolean; exitCode: number } | { skip: string };

/** Runs argv with bounded time and output; stderr is kept (bounded) only to explain a failure. */
export function runBounded(argv: string[], timeoutMs: number, maxBytes: number): Promise<Run> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    } catch (err) {
      resolve({ skip: `${argv[0]}: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    const out: Buffer[] = [];
    let n = 0;
    let truncated = false;
    let err = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout!.on("data", (c: Buffer) => {
      if (truncated) return;
      if (n + c.length > maxBytes) {
        out.push(c.subarray(0, maxBytes - n));
        n = maxBytes;
        truncated = true;
        child.kill("SIGKILL");
        return;
      }
      out.push(c);
      n += c.length;
    });
    child.stderr!.on("data", (c: Buffer) => {
      if (err.length < 500) err += c.toString("utf8");
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ skip: e.code === "ENOENT" ? `${argv[0]} is not installed` : `${argv[0]}: ${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString("utf8");
      if (timedOut && !truncated) return resolve({ skip: `timed out after ${timeoutMs / 1000} s` });
      // sysctl -a exits non-zero over a few unreadable keys but prints the rest: an output is an output
      if (code !== 0 && !truncated && text.trim() === "") return resolve({ skip: `exit ${code}${err.trim() ? `: ${err.trim().split("\n")[0]!.slice(0, 200)}` : ""}` });
      resolve({ text, truncated, exitCode: truncated ? 0 : (code ?? -1) });
    });
  });
}

async function readBounded(file: string, maxBytes: number): Promise<Run> {
  try {
    const b = await readFile(file);
    const truncated = b.length > maxBytes;
    return { text: b.subarray(0, maxBytes).toString("utf8"), truncated, exitCode: 0 };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { skip: code === "ENOENT" ? `${file} does not exist here` : `${file}: ${(e as Error).message}` };
  }
}

/** `sysctl -a` without the sysctl tool: /proc/sys read directly (net, kernel, vm, fs), in sysctl's own format */
export async function procSysDump(root = "/proc/sys", maxBytes = INGEST_LIMITS.maxOutputBytes): Promise<string> {
  const lines: string[] = [];
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    let ents;
    try {
      ents = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    ents.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of ents) {
      if (bytes > maxBytes) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        try {
          const v = (await readFile(p, "utf8")).trim().replace(/\s+/g, " ");
          const line = `${path.relative(root, p).split(path.sep).join(".")} = ${v}`;
          lines.push(line);
          bytes += line.length + 1;
        } catch {
          // write-only or unreadable (stable_secret, …): sysctl -a skips them too
        }
      }
    }
  };
  for (const top of ["fs", "kernel", "net", "vm"]) await walk(path.join(root, top));
  return `${lines.join("\n")}\n`;
}

function shape(item: Item, r: Run): Run {
  if ("skip" in r) return r;
  let text = r.text;
  let truncated = r.truncated;
  if (item.filter) text = text.split("\n").filter((l) => item.filter!.test(l)).join("\n");
  if (item.maxLines) {
    const lines = text.split("\n");
    // the kernel log: the newest lines matter; lists: the first ones (with their header)
    if (lines.length > item.maxLines + 1) {
      text = (item.filter ? lines.slice(-item.maxLines) : lines.slice(0, item.maxLines)).join("\n");
      truncated = true;
    }
  }
  if (item.filter && text !== "" && !text.endsWith("\n")) text += "\n";
  return { ...r, text, truncated };
}

async function runItem(item: Item, timeoutMs: number, maxBytes: number): Promise<Run> {
  const run = item.run;
  if ("file" in run) return shape(item, await readBounded(run.file, maxBytes));
  if ("fn" in run) return shape(item, { text: await run.fn(), truncated: false, exitCode: 0 });
  const r = await runBounded(run.argv, timeoutMs, item.filter ? maxBytes * 4 : maxBytes);
  if ("skip" in r && item.name === "sysctl-a.txt") {
    // no sysctl tool (a minimal image): the same keys straight from /proc/sys
    return { text: await procSysDump("/proc/sys", maxBytes), truncated: false, exitCode: 0 };
  }
  return shape(item, r);
}

/** One collection: outputs in ITEMS order, and what was skipped with why. Never throws for a missing tool. */
export async function collect(opts: CollectOptions = {}): Promise<Collected> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? INGEST_LIMITS.maxOutputBytes;
  const items = (opts.items ?? ITEMS).filter((i) => !opts.countersOnly || i.counters);
  const results: Run[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await runItem(items[i]!, timeoutMs, maxBytes);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 3) }, worker));
  const outputs: SnapshotOutput[] = [];
  const skipped: SkippedOutput[] = [];
  items.forEach((item, i) => {
    const r = results[i]!;
    if ("skip" in r) {
      skipped.push({ command: item.command, reason: r.skip.slice(0, 500) });
      return;
    }
    if (item.dropEmpty && r.text.trim() === "") return;
    const name = item.counters && opts.counterSuffix ? item.name.replace(/(\.[a-z]+)$/, `${opts.counterSuffix}$1`) : item.name;
    outputs.push({ name, command: item.command, content: r.text, ...(r.truncated ? { truncated: true } : {}), exitCode: r.exitCode });
  });
  let netns: string | undefined;
  try {
    netns = await readlink("/proc/self/ns/net");
  } catch {
    netns = undefined;
  }
  return { outputs, skipped, kernel: release(), netns };
}
