// Reads one received upload (bundle, capture or text) into what the database keeps of it: every text entry's text
// (re-analysable by any instance), every capture's summary (made while the capture streams by), what was skipped
// and why, each with its host and what the evidence engine recognised it as. Pure of the database.
import { bundleFromInputs, hostLayout, type BundleLimits } from "../../analysis/bundle";
import { summarizeCapture } from "../../analysis/capture";
import type { CaptureSummary } from "../../analysis/capture/model";
import { walkBundle, type WalkResult } from "./walk";

export interface ReadFile {
  host: string;
  path: string;
  /** parser kind(s) joined by "+" (a paste can hold several outputs), pcap/pcapng, "sysctl" for a /proc/sys file, or "unrecognized" */
  kind: string;
  recognised: boolean;
  sizeBytes: number;
  text?: string;
  capture?: CaptureSummary;
  note?: string;
}

export type ReadResult =
  | { ok: true; container: string; files: ReadFile[]; hosts: string[]; warnings: string[] }
  | { ok: false; code: string; message: string };

export interface ReadOptions {
  /** the name the upload had (X-Filename or a default): a single-host bundle's host is named after it */
  filename: string;
  /** X-Host: the host of a single file, or of a single-host bundle */
  host?: string;
  nodePortRange?: [number, number];
  limits?: Partial<BundleLimits>;
  onProgress?: (p: { stage: "reading" | "capture" | "parsing"; done?: number; total?: number; message?: string }) => void | Promise<void>;
}

export const DEFAULT_HOST = "host";

const PROC_SYS = /(^|\/)proc\/sys\/|(^|\/)sys\/(net|kernel|vm|fs)\//;

type Raw =
  | { kind: "text"; path: string; text: string; bytes: number; note?: string }
  | { kind: "capture"; path: string; format: "pcap" | "pcapng"; summary: CaptureSummary; bytes: number }
  | { kind: "skipped"; path: string; reason: string; bytes: number };

export async function readUpload(file: string, opts: ReadOptions): Promise<ReadResult> {
  const raws: Raw[] = [];
  let seen = 0;
  const walked: WalkResult = await walkBundle(file, {
    limits: opts.limits,
    onEntry: async (e) => {
      seen++;
      if (e.kind === "text") {
        const notes: string[] = [];
        if (e.truncated) notes.push("cut at the text bound: the rest was not kept");
        if (e.longLines) notes.push(`${e.longLines} over-long line(s) cut`);
        raws.push({ kind: "text", path: e.path, text: e.text, bytes: e.bytes, ...(notes.length ? { note: notes.join("; ") } : {}) });
      } else if (e.kind === "capture") {
        await opts.onProgress?.({ stage: "capture", message: e.path });
        const summary = await summarizeCapture(e.stream, opts.nodePortRange ? { nodePortRange: opts.nodePortRange } : {});
        raws.push({ kind: "capture", path: e.path, format: e.format, summary, bytes: summary.bytes });
      } else {
        raws.push({ kind: "skipped", path: e.path, reason: e.reason, bytes: e.size });
      }
      if (seen % 50 === 0) await opts.onProgress?.({ stage: "reading", done: seen, message: `${seen} entries` });
    },
  });
  if (walked.status === "failed") {
    const e = walked.error;
    return { ok: false, code: e.code, message: `${opts.filename}: ${e.message}${e.entry ? ` (entry ${e.entry})` : ""}` };
  }
  if (raws.length === 0) return { ok: false, code: "empty", message: `${opts.filename}: the archive holds no files` };

  // hosts from the entry paths alone (lib/analysis/bundle/hosts.ts), as the CLI groups the same bundle
  const single = walked.container === "file";
  const layout = hostLayout(raws.map((r) => r.path), single ? (opts.host ?? DEFAULT_HOST) : walked.name, { loose: single });
  const rename = opts.host && layout.kind === "single" ? opts.host : undefined;
  const placed = raws.map((r) => {
    const at = layout.assign.get(r.path) ?? { host: single ? (opts.host ?? DEFAULT_HOST) : walked.name, path: r.path };
    return { raw: r, host: rename ?? at.host, path: at.path || r.path };
  });

  // what the evidence engine recognises each text as: the same bundleFromInputs the analysis runs later
  await opts.onProgress?.({ stage: "parsing", done: 0, total: placed.length });
  const byHost = new Map<string, typeof placed>();
  for (const p of placed) {
    const list = byHost.get(p.host) ?? [];
    list.push(p);
    byHost.set(p.host, list);
  }
  const files: ReadFile[] = [];
  const enc = new TextEncoder();
  let parsed = 0;
  for (const [host, list] of byHost) {
    const texts = list.filter((p) => p.raw.kind === "text");
    const kinds = new Map<string, string[]>();
    const reasons = new Map<string, string>();
    if (texts.length > 0) {
      const r = bundleFromInputs([
        { name: host, loose: true, entries: texts.map((p) => ({ path: p.path, data: enc.encode((p.raw as { text: string }).text) })) },
      ]);
      if (r.status === "success") {
        for (const h of r.hosts) {
          for (const f of h.files) {
            const base = f.path.replace(/#\d+$/, "");
            const k = kinds.get(base) ?? [];
            if (!k.includes(f.kind)) k.push(f.kind);
            kinds.set(base, k);
          }
          for (const u of h.unrecognized) reasons.set(u.path, u.reason);
        }
      }
    }
    for (const p of list) {
      const r = p.raw;
      if (r.kind === "capture") {
        files.push({ host, path: p.path, kind: r.format, recognised: true, sizeBytes: r.bytes, capture: r.summary });
      } else if (r.kind === "skipped") {
        files.push({ host, path: p.path, kind: "unrecognized", recognised: false, sizeBytes: r.bytes, note: r.reason });
      } else {
        const k = kinds.get(p.path);
        const procSys = !k && !reasons.has(p.path) && PROC_SYS.test(p.path);
        const kind = k ? k.join("+").slice(0, 60) : procSys ? "sysctl" : "unrecognized";
        const note = [r.note, k || procSys ? undefined : (reasons.get(p.path) ?? "content matches no known output")]
          .filter(Boolean)
          .join("; ");
        files.push({ host, path: p.path, kind, recognised: Boolean(k) || procSys, sizeBytes: r.bytes, text: r.text, ...(note ? { note } : {}) });
      }
      parsed++;
    }
    await opts.onProgress?.({ stage: "parsing", done: parsed, total: placed.length });
  }
  return { ok: true, container: walked.container, files, hosts: [...byHost.keys()].sort(), warnings: walked.warnings };
}
