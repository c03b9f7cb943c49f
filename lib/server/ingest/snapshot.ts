// An agent snapshot read as the bundle reader reads the same outputs (lib/analysis/bundle/fs.ts `record`: one
// parser): what each output is, the counters as read at takenAt (for node_snapshots.counters and charts), the
// node's facts (kernel, interfaces with kind and MTU, route MTUs). Outputs that did not change since an earlier
// snapshot (same sha256 and name) are not parsed again: their kind, and the parse of the few outputs facts come
// from, are remembered per process.
import { DEFAULT_LIMITS } from "../../analysis/bundle";
import { record } from "../../analysis/bundle/fs";
import { allParsers, mergeHost, parsedFilesOf, type HostEvidence, type ParsedFile, type TextParser } from "../../analysis/evidence";
import type { SnapshotIngest } from "../../schemas/ingest";
import type { NodeFacts } from "../../schemas/snapshot";
import { sha256Hex } from "../storage/text-blobs";

/** kinds whose content is counters kept in node_snapshots.counters: read on every snapshot (proc-snmp6 is not: its
 *  families are left out, see LEFT_OUT) */
const COUNTER_KINDS = new Set([
  "proc-netstat", "proc-snmp", "nstat", "nstat-json", "netstat-s", "sockstat", "conntrack-stats",
  "proc-nf-conntrack", "conntrack-count", "proc-net-dev", "ss-summary",
]);
/** kinds the node's facts come from: their parse is kept (small) and reused while they do not change */
const FACT_KINDS = new Set(["ip-link", "ip-link-json", "ip-addr", "ip-addr-json", "ip-route", "uname"]);
/** counter families left out of node_snapshots.counters (they are in the stored outputs all the same) */
const LEFT_OUT = /^(UdpLite6?|Udp6|Icmp6|Ip6)\./;

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

const kinds = new Lru<string>(50_000);
const factParses = new Lru<ParsedFile[]>(5_000);

export type SnapshotOutputRow = [name: string, sha256: string, kind: string, bytes: number];

export interface ParsedSnapshot {
  outputs: Array<{ name: string; sha256: string; kind: string; bytes: number; text: string }>;
  /** counter name → value at takenAt: non-zero counters (IPv6 and UDP-Lite families left out), Conntrack.* */
  counters: Record<string, number>;
  facts: NodeFacts;
  kernel: string | null;
  recognised: number;
}

const parsersOf = new Map<string, TextParser[]>();

/**
 * The bundle reader's record of one output. With `kind` (what the same output of this node was last time) only that
 * format's parser is asked, not all ~45 (recognising is most of the cost of a small file); if it no longer
 * recognises the output, every parser is asked.
 */
async function parse(name: string, text: string, kind?: string): Promise<ParsedFile[]> {
  const bytes = Buffer.byteLength(text);
  if (kind && !kind.includes("+")) {
    let parsers = parsersOf.get(kind);
    if (!parsers) parsersOf.set(kind, (parsers = allParsers.filter((p) => p.kind === kind)));
    if (parsers.length > 0) {
      const r = parsedFilesOf(name, text, bytes, parsers);
      if (r.files.length > 0 && r.unrecognized.length === 0) return r.files;
    }
  }
  const rec = await record({ kind: "text", path: name, size: bytes, text, bytes }, false, {}, name, DEFAULT_LIMITS);
  return rec.kind === "parsed" ? rec.files : [];
}

function factsOf(h: HostEvidence, skipped: SnapshotIngest["skipped"]): NodeFacts {
  return {
    interfaces: h.interfaces.map((i) => ({
      name: i.name,
      kind: i.kind,
      mtu: i.mtu,
      ...(i.state ? { state: i.state } : {}),
      ...(i.master ? { master: i.master } : {}),
      ...(i.vxlan ? { tunnel: { id: i.vxlan.id, ...(i.vxlan.dev ? { dev: i.vxlan.dev } : {}) } } : i.geneve ? { tunnel: { id: i.geneve.id } } : {}),
      addresses: h.addresses.filter((a) => a.ifname === i.name).map((a) => `${a.address}/${a.prefixLen}`),
    })),
    routeMtus: h.routes.filter((r) => r.mtu !== undefined).map((r) => ({ dst: r.dst, ...(r.dev ? { dev: r.dev } : {}), mtu: r.mtu! })),
    skipped: skipped.map((s) => ({ command: s.command, reason: s.reason })),
  };
}

/**
 * What the previous snapshot of the same node said: the kind of each output name (a command's output keeps its
 * format: a `sysctl -a` whose kernel.random.uuid changed is not parsed again only to be told it is a sysctl dump),
 * and the facts, kept while the outputs they come from do not change.
 */
export type SnapshotMemory = { kinds: Map<string, string>; factShas: string; facts: NodeFacts; kernel: string | null };

export async function parseSnapshot(body: SnapshotIngest, memory?: SnapshotMemory): Promise<ParsedSnapshot & { memory: SnapshotMemory }> {
  const outputs: ParsedSnapshot["outputs"] = [];
  const counterFiles: ParsedFile[] = [];
  const factKeys: string[] = [];
  const nameKinds = new Map<string, string>();
  for (const o of body.outputs) {
    const sha256 = sha256Hex(o.content);
    const key = `${sha256}\u0000${o.name}`;
    let kind = kinds.get(key);
    const known = memory?.kinds.get(o.name);
    if (kind === undefined && known !== undefined && !COUNTER_KINDS.has(known) && !FACT_KINDS.has(known)) kind = known;
    let files: ParsedFile[] | undefined;
    if (kind === undefined || COUNTER_KINDS.has(kind) || (FACT_KINDS.has(kind) && !factParses.get(key))) {
      files = await parse(o.name, o.content, kind ?? known);
      kind = files.length > 0 ? [...new Set(files.map((f) => f.kind))].join("+").slice(0, 60) : "unrecognized";
      kinds.set(key, kind);
      if (FACT_KINDS.has(kind)) factParses.set(key, files);
    }
    nameKinds.set(o.name, kind);
    if (COUNTER_KINDS.has(kind)) counterFiles.push(...(files ?? []));
    else if (FACT_KINDS.has(kind)) factKeys.push(key);
    outputs.push({ name: o.name, sha256, kind, bytes: Buffer.byteLength(o.content), text: o.content });
  }
  const c = mergeHost(body.node, counterFiles);
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(c.counters)) if (v.value !== 0 && !LEFT_OUT.test(k)) counters[k] = v.value;
  if (c.conntrack.count) counters["Conntrack.count"] = c.conntrack.count.value;
  if (c.conntrack.max) counters["Conntrack.max"] = c.conntrack.max.value;
  for (const [k, v] of Object.entries(c.conntrack.stats)) if (v.value !== 0) counters[`Conntrack.${k}`] = v.value;
  const factShas = `${factKeys.join("\n")}\n${JSON.stringify(body.skipped)}`;
  let facts: NodeFacts;
  let kernel: string | null;
  if (memory && memory.factShas === factShas) {
    facts = memory.facts;
    kernel = memory.kernel;
  } else {
    const f = mergeHost(body.node, factKeys.flatMap((k) => factParses.get(k) ?? []));
    facts = factsOf(f, body.skipped);
    kernel = f.kernel?.value ?? null;
  }
  return {
    outputs,
    counters,
    facts,
    kernel: body.agent.kernel ?? kernel,
    recognised: outputs.filter((o) => o.kind !== "unrecognized").length,
    memory: { kinds: nameKinds, factShas, facts, kernel },
  };
}
