/**
 * Test support: read a bundle directory (one folder per host, or one host's files) with the real evidence
 * parsers and capture engine. analyzeBundle uses lib/analysis/bundle; this exists so rule tests can read
 * lab/seed bundles through the same parsers without the archive handling.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { summarizeCapture, summarizePackets } from "../../capture";
import { mergeHost, parseTextFile, type ParsedFile } from "../../evidence";
import type { HostEvidence } from "../../evidence/model";
import type { CaptureInput, DiagnoseInput } from "../context";

const CAPTURE_MAGIC = new Set(["d4c3b2a1", "a1b2c3d4", "4d3cb2a1", "a1b23c4d", "0a0d0d0a", "1f8b0800"]);

async function listFiles(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

async function readHost(host: string, dir: string, nodePortRange?: [number, number]): Promise<{ host: HostEvidence; captures: CaptureInput[] }> {
  const parsed: ParsedFile[] = [];
  const unrecognized: HostEvidence["unrecognized"] = [];
  const binCaptures: HostEvidence["captures"] = [];
  const captures: CaptureInput[] = [];
  const opts = nodePortRange ? { nodePortRange } : {};
  for (const rel of await listFiles(dir)) {
    const buf = await readFile(path.join(dir, rel));
    const magic = buf.subarray(0, 4).toString("hex");
    if (CAPTURE_MAGIC.has(magic) || (magic.startsWith("1f8b") && /\.(pcap|pcapng)(\.gz)?$/.test(rel))) {
      binCaptures.push({ path: rel, kind: magic === "0a0d0d0a" ? "pcapng" : "pcap" });
      captures.push({ host, file: rel, summary: await summarizeCapture(new Uint8Array(buf), opts) });
      continue;
    }
    const text = buf.toString("utf8");
    const r = parseTextFile(text, rel);
    if (r.status === "recognised") {
      parsed.push({ path: rel, kind: r.kind, bytes: buf.length, facts: r.facts, warnings: r.warnings });
      if (r.facts.packets && r.facts.packets.length > 0) captures.push({ host, file: rel, summary: summarizePackets(r.facts.packets, opts) });
    } else unrecognized.push({ path: rel, bytes: buf.length, reason: r.reason });
  }
  return { host: mergeHost(host, parsed, { unrecognized, captures: binCaptures }), captures };
}

/** a bundle directory: sub-folders are hosts; files directly inside make one host named after the folder */
export async function loadDir(dir: string, nodePortRange?: [number, number]): Promise<DiagnoseInput> {
  const entries = await readdir(dir, { withFileTypes: true });
  const subdirs = entries.filter((e) => e.isDirectory());
  const hosts: HostEvidence[] = [];
  const captures: CaptureInput[] = [];
  if (subdirs.length > 0 && entries.every((e) => e.isDirectory() || /^(README|MANIFEST)/i.test(e.name))) {
    for (const d of subdirs) {
      const r = await readHost(d.name, path.join(dir, d.name), nodePortRange);
      hosts.push(r.host);
      captures.push(...r.captures);
    }
  } else {
    const r = await readHost(path.basename(dir), dir, nodePortRange);
    hosts.push(r.host);
    captures.push(...r.captures);
  }
  return { hosts, captures };
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
