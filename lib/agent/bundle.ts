/**
 * `netmortem collect`: the agent's collection written as a bundle (one folder per host) for air-gapped nodes:
 * counters read twice (`-before`/`-after`, `interval` apart, or around the capture), everything else once, an
 * optional capture as a pcap, and `netmortem-collect.txt` saying what ran and what was skipped.
 */
import { readFile } from "node:fs/promises";
import { release } from "node:os";
import { redactBundle } from "../analysis/redact";
import { runCapture, type CaptureSpec } from "./capture";
import { collect, type CollectOptions } from "./collect";
import type { TarFile } from "./tar";
import { AGENT_VERSION } from "./version";

export type CollectBundleOptions = {
  host: string;
  /** between the two counter readings when there is no capture (0: one reading, plain names) */
  intervalMs: number;
  capture?: CaptureSpec;
  redactKey?: Uint8Array;
  collectOptions?: CollectOptions;
  log?: (line: string) => void;
};

export async function collectBundle(o: CollectBundleOptions): Promise<{ files: TarFile[]; dropped: { path: string; reason: string }[] }> {
  const log = o.log ?? (() => undefined);
  const twice = o.intervalMs > 0 || o.capture !== undefined;
  const notes: string[] = [`netmortem collect ${AGENT_VERSION} on ${o.host}, kernel ${release()}, started ${new Date().toISOString()}`];
  const files: TarFile[] = [];
  const add = (c: Awaited<ReturnType<typeof collect>>) => {
    for (const x of c.outputs) {
      files.push({ path: `${o.host}/${x.name}`, data: x.content });
      notes.push(`ok       ${x.name}: ${x.command}${x.truncated ? " (cut at the bound)" : ""}${x.exitCode ? ` (exit ${x.exitCode})` : ""}`);
    }
    for (const s of c.skipped) notes.push(`skipped  ${s.command}: ${s.reason}`);
  };
  if (twice) {
    log("reading the counters (before)");
    add(await collect({ ...o.collectOptions, countersOnly: true, counterSuffix: "-before" }));
  }
  if (o.capture) {
    log(`capturing on ${o.capture.iface} for ${o.capture.seconds} s`);
    try {
      const c = await runCapture(o.capture);
      try {
        files.push({ path: `${o.host}/capture-${o.capture.iface}.pcap`, data: await readFile(c.file) });
        const t = c.tcpdump;
        notes.push(`ok       capture-${o.capture.iface}.pcap: tcpdump -i ${o.capture.iface}${o.capture.filter ? ` ${o.capture.filter}` : ""} for ${c.seconds.toFixed(1)} s${t ? ` (${t.captured} captured, ${t.received} received by filter, ${t.dropped} dropped by kernel)` : ""}${c.stoppedBy ? `, stopped by ${c.stoppedBy}` : ""}`);
      } finally {
        await c.cleanup();
      }
    } catch (err) {
      notes.push(`skipped  tcpdump -i ${o.capture.iface}: ${(err as Error).message}`);
      log(`capture not taken: ${(err as Error).message}`);
    }
  } else if (twice) {
    log(`waiting ${o.intervalMs / 1000} s for the second counter reading`);
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
  log("collecting");
  add(await collect({ ...o.collectOptions, ...(twice ? { counterSuffix: "-after" } : {}) }));
  files.push({ path: `${o.host}/netmortem-collect.txt`, data: `${notes.join("\n")}\n` });
  if (!o.redactKey) return { files, dropped: [] };
  const enc = new TextEncoder();
  const red = redactBundle(
    files.map((f) => ({ path: f.path, data: typeof f.data === "string" ? enc.encode(f.data) : f.data })),
    o.redactKey,
    { name: o.host, hostNames: [o.host] },
  );
  return { files: red.entries, dropped: red.dropped };
}
