/**
 * `netmortem capture <file>`: summary of a pcap/pcapng(.gz) capture, then its flows worst first.
 */
import { escapeControls, writeRaw } from "../escape";
import { constants } from "node:fs";
import { access, open, stat } from "node:fs/promises";
import path from "node:path";
import { summarizeCapture, summarizeCaptureSource, type SummaryOptions } from "../../lib/analysis/capture/index";
import type { CaptureSummary, FlowSummary } from "../../lib/analysis/capture/model";

export const summary = "summarise a pcap/pcapng capture: flows, handshakes, retransmissions, MTU problems";

/**
 * Edge helper: summarises a capture file. A regular file is read straight into the engine's memory
 * (summarizeCaptureSource: its bytes are not copied again after the kernel's read; gzip-compressed ones
 * are streamed); anything else that opens (a FIFO, /dev/stdin, a process substitution `<(tcpdump -w -)`)
 * cannot be read at positions and is streamed through summarizeCapture. Throws when the file cannot be
 * opened; read errors end up in the summary's `error`.
 */
export async function summarizeCaptureFile(file: string, opts: SummaryOptions = {}, onRead?: (bytes: number) => void, sizes?: { chunk: number; room: number }): Promise<CaptureSummary> {
  const fh = await open(file, "r");
  try {
    if (!(await fh.stat()).isFile()) return await summarizeCapture(counted(fh.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }), onRead), opts);
    return await summarizeCaptureSource({ read: async (into, offset, length, position) => (await fh.read(into, offset, length, position)).bytesRead }, opts, onRead, sizes);
  } finally {
    await fh.close();
  }
}

/** passes chunks through, telling onRead the bytes so far */
async function* counted(src: AsyncIterable<Uint8Array>, onRead?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of src) {
    n += chunk.length;
    onRead?.(n);
    yield chunk;
  }
}

type ProgressOpts = { tty: boolean; everyMs?: number; now?: () => number };

/**
 * Reports how far reading got: every `everyMs` (after the first `everyMs`, so a short run prints nothing on
 * the way) and once at the end. `tty`: updates rewrite one line. `at(bytes)` with the bytes read so far.
 */
export function progressReporter(name: string, total: number, write: (s: string) => void, opts: ProgressOpts = { tty: false }): { at(bytes: number): void; end(): void } {
  const now = opts.now ?? (() => performance.now());
  const every = opts.everyMs ?? 500;
  const t0 = now();
  let next = t0 + every;
  let done = 0;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const line = (t: number) => {
    const pct = total > 0 ? ` (${Math.min(100, Math.floor((100 * done) / total))} %)` : "";
    const rate = t > t0 ? `, ${(done / 1e6 / ((t - t0) / 1000)).toFixed(0)} MB/s` : "";
    return `reading ${escapeControls(name)}: ${mb(done)}${total > 0 ? ` of ${mb(total)}` : ""} MB${pct}${rate}`;
  };
  let shown = false;
  return {
    at(bytes: number): void {
      done = bytes;
      const t = now();
      if (t >= next) {
        write(opts.tty ? `\r${line(t)}\x1b[K` : `${line(t)}\n`);
        shown = true;
        next = t + every;
      }
    },
    end(): void {
      const t = now();
      if (opts.tty) {
        if (shown) write("\r\x1b[K");
      } else write(`${line(t)}, done in ${((t - t0) / 1000).toFixed(2)} s\n`);
    },
  };
}

/** Passes chunks through, reporting how far reading got (progressReporter) */
export async function* withProgress(
  src: AsyncIterable<Uint8Array>,
  name: string,
  total: number,
  write: (s: string) => void,
  opts: ProgressOpts = { tty: false },
): AsyncGenerator<Uint8Array> {
  const p = progressReporter(name, total, write, opts);
  let done = 0;
  for await (const chunk of src) {
    done += chunk.length;
    p.at(done);
    yield chunk;
  }
  p.end();
}

const HELP = `Usage: netmortem capture <file | -> [--json] [--flows N] [--nodeport-range LO-HI] [--idle-timeout SEC]
                         [--progress | --no-progress]

Reads a pcap, pcapng or gzip-compressed capture (streaming) and prints the capture summary followed by
the flows, worst first (failed handshakes, resets, retransmissions, MTU black holes first).
- reads the capture from standard input, e.g. live: tcpdump -i eth0 -s 0 -U -w - port 443 | netmortem capture -
(Ctrl-C stops tcpdump, which flushes its file; the summary follows).

  --json               print the CaptureSummary as JSON
  --flows N            how many flows to list (default 20; with --json: all kept flows unless given)
  --nodeport-range     client source ports to flag (default 30000-32767)
  --idle-timeout SEC   finalise flows idle this long, in capture time (default 300)
  --progress           report reading progress on stderr (default when stderr is a terminal: one line,
                       rewritten twice a second, cleared at the end); --no-progress: never
`;

export async function run(args: string[]): Promise<number> {
  let file: string | undefined;
  let json = false;
  let flowsN: number | undefined;
  let nodePortRange: [number, number] | undefined;
  let idleTimeoutSec: number | undefined;
  let progress: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") {
      process.stdout.write(HELP);
      return 0;
    } else if (a === "--json") json = true;
    else if (a === "--progress") progress = true;
    else if (a === "--no-progress") progress = false;
    else if (a === "--flows") {
      flowsN = Number(args[++i]);
      if (!Number.isInteger(flowsN) || flowsN < 0) return usageError("--flows needs a non-negative integer");
    } else if (a === "--nodeport-range") {
      const m = /^(\d+)-(\d+)$/.exec(args[++i] ?? "");
      if (!m) return usageError("--nodeport-range needs LO-HI");
      nodePortRange = [Number(m[1]), Number(m[2])];
    } else if (a === "--idle-timeout") {
      idleTimeoutSec = Number(args[++i]);
      if (!(idleTimeoutSec > 0)) return usageError("--idle-timeout needs a positive number");
    } else if (a === "-" && file === undefined) file = a;
    else if (a.startsWith("-")) return usageError(`unknown option ${a}`);
    else if (file === undefined) file = a;
    else return usageError("only one capture file");
  }
  if (file === undefined) return usageError("missing capture file");
  const fromStdin = file === "-";
  if (fromStdin) {
    if (process.stdin.isTTY) return usageError("- reads a capture from standard input: pipe one in (tcpdump -w - … | netmortem capture -)");
  } else {
    try {
      // summarizeCapture reports read errors inside the summary; a missing file deserves a plain message
      await access(file, constants.R_OK);
      const st = await stat(file);
      if (st.isDirectory()) throw new Error("is a directory (give a capture file, or - for standard input)");
      // opening a FIFO blocks until something writes to it: say so instead of hanging silently (issue 10 item 9)
      if (st.isFIFO()) process.stderr.write(`netmortem capture: ${file} is a FIFO: waiting for a writer (Ctrl-C to stop)\n`);
    } catch (err) {
      process.stderr.write(`netmortem capture: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const tty = process.stderr.isTTY === true;
  const opts = { nodePortRange, idleTimeoutSec };
  const show = progress ?? tty;
  let s: CaptureSummary;
  if (fromStdin) {
    // standard input: Node's stream hands over a fresh Buffer per chunk, which summarizeCapture may keep
    let source = process.stdin as AsyncIterable<Uint8Array>;
    if (show) source = withProgress(source, "standard input", 0, (t) => writeRaw(process.stderr, t), { tty });
    s = await summarizeCapture(source, opts);
  } else {
    // a file is read straight into the engine's memory (summarizeCaptureFile)
    const p = show ? progressReporter(path.basename(file), (await stat(file)).size, (t) => writeRaw(process.stderr, t), { tty }) : undefined;
    s = await summarizeCaptureFile(file, opts, p ? (n) => p.at(n) : undefined);
    p?.end();
  }
  if (json) {
    const out = flowsN === undefined ? s : { ...s, flows: s.flows.slice(0, flowsN) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(formatSummary(s, flowsN ?? 20));
  }
  return s.packets === 0 && s.error ? 1 : 0;
}

function usageError(msg: string): number {
  process.stderr.write(`netmortem capture: ${msg}\n\n${HELP}`);
  return 2;
}

const fmtTs = (t: number | undefined) => (t === undefined ? "-" : new Date(t * 1000).toISOString());
const hist = (h: Record<string, number>) =>
  Object.entries(h)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([k, v]) => `+${k}s×${v}`)
    .join(" ") || "-";

export function formatSummary(s: CaptureSummary, flowsN: number): string {
  const L: string[] = [];
  // nothing recognised (empty or not a capture): no format to name
  const format = s.packets === 0 && s.linkTypes.length === 0 && s.error ? "-" : s.format;
  L.push(`format ${format}  link ${s.linkTypes.join(",") || "-"}  packets ${s.packets}  bytes ${s.bytes}`);
  L.push(`time ${fmtTs(s.firstTs)} → ${fmtTs(s.lastTs)}`);
  L.push(`ipv4 ${s.ipv4}  ipv6 ${s.ipv6}  tcp ${s.tcpPackets}  udp ${s.udpPackets}  icmp ${s.icmpPackets}  tunnelled ${s.tunnelPackets}  max IP length ${s.maxIpLength}`);
  L.push(`flows tcp ${s.tcpFlows} udp ${s.udpFlows}  by state: ${Object.entries(s.flowsByState).map(([k, v]) => `${k} ${v}`).join(", ") || "-"}`);
  const h = s.handshakes;
  L.push(`handshakes attempted ${h.attempted} completed ${h.completed} failed ${h.failed} refused ${h.refused}`);
  L.push(`SYN retransmissions at ${hist(s.synRetransHistogram)}   SYN-ACK retransmissions at ${hist(s.synAckRetransHistogram)}`);
  L.push(`retransmissions ${s.retransmissions}  MTU black-hole flows ${s.mtuBlackholeFlows}  MSS seen ${s.mssSeen.join(",") || "-"}`);
  for (const m of s.icmpMtu.slice(0, 5)) {
    const q = m.quoted ? ` quoting ${m.quoted.src}:${m.quoted.srcPort ?? "?"} → ${m.quoted.dst}:${m.quoted.dstPort ?? "?"}` : "";
    L.push(`ICMP MTU ${m.mtu} from ${m.from} to ${m.to}${q}`);
  }
  if (s.icmpMtu.length > 5) L.push(`… ${s.icmpMtu.length - 5} more ICMP MTU messages`);
  for (const t of s.tsBackwards.slice(0, 5)) {
    L.push(`TCP timestamps going backwards from ${t.addr}${t.peer ? ` to ${t.peer}` : ""}: ${t.backwardSteps} of ${t.connections} connections, ${t.clocks ?? "?"} distinct clocks (${t.example.fromTsval} → ${t.example.toTsval})${t.clocks !== undefined && t.clocks >= t.connections ? " — one clock per connection: randomised offsets, harmless" : ""}`);
  }
  if (s.nodePortSourcePorts.length > 0) {
    L.push(`client source ports in the NodePort range: ${s.nodePortSourcePorts.slice(0, 8).map((n) => `${n.addr}:${n.port}→${n.dst.addr}:${n.dst.port} ${n.connState}`).join(", ")}`);
  }
  const sk = Object.entries(s.skipped);
  if (sk.length) L.push(`skipped: ${sk.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (s.framesCutShort) L.push(`${s.framesCutShort} frames cut short by the snapshot length${s.snaplen ? ` (${s.snaplen} bytes)` : ""}: headers decoded, payloads incomplete`);
  if (s.captureGaps) L.push(`capture incomplete: ${s.captureGaps.missedBytes} bytes never seen in ${s.captureGaps.flows} TCP flows (acknowledged by their receivers: the capture missed them, the network did not${s.framesCutShort ? "; the snapshot length cut some" : ""})`);
  if (s.untrackedFlows) {
    const u = s.untrackedFlows;
    L.push(`flow table full (${u.budget} flows alive) from ${fmtTs(u.since)}: about ${u.flows} more flows (${u.packets} packets) not tracked, in no flow or state count`);
  }
  const up = Object.entries(s.undecodedProtocols ?? {});
  if (up.length) L.push(`not decoded (no flow): ${up.map(([k, v]) => `${k} ${v}`).join(", ")} packets`);
  if (s.error) {
    // offset -1: the error is not at a place in the file (a broken gzip stream, a failing read)
    const where = s.error.offset >= 0 ? ` at byte ${s.error.offset}` : "";
    L.push(`ERROR${where}: ${s.error.message} (the summary covers what was read before)`);
  }
  if (flowsN > 0 && s.flows.length > 0) {
    L.push("");
    L.push(`flows, worst first (${Math.min(flowsN, s.flows.length)} of ${s.flows.length} kept):`);
    const rows = s.flows.slice(0, flowsN).map(flowRow);
    const head = ["proto", "orig", "resp", "state", "history", "pkts o/r", "bytes o/r", "dur s", "SYN re", "retr o/r", "rst o/r", "notes"];
    const widths = head.map((x, i) => Math.max(x.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
    L.push(line(head));
    for (const r of rows) L.push(line(r));
  }
  return `${L.join("\n")}\n`;
}

function flowRow(f: FlowSummary): string[] {
  const notes: string[] = [];
  if (f.mtuBlackhole) notes.push(`MTU black hole (${f.mtuBlackhole.direction} ${f.mtuBlackhole.segmentSize} B ×${f.mtuBlackhole.retransmissions})`);
  if (f.icmpMtu.length) notes.push(`ICMP MTU ${f.icmpMtu[0].mtu}`);
  if (f.handshakeRtt !== undefined) notes.push(`rtt ${(f.handshakeRtt * 1000).toFixed(1)}ms`);
  if (f.zeroWindows.orig + f.zeroWindows.resp) notes.push(`zero win ${f.zeroWindows.orig}/${f.zeroWindows.resp}`);
  if (f.dupAcks.orig + f.dupAcks.resp) notes.push(`dup ack ${f.dupAcks.orig}/${f.dupAcks.resp}`);
  if (f.tunnel) notes.push(`${f.tunnel.kind}${f.tunnel.erspan ? " (erspan)" : ""} ${f.tunnel.vni}`);
  if (f.missedBytes) notes.push(`missed ${f.missedBytes.orig}/${f.missedBytes.resp} B`);
  const mss = [f.origOptions?.mss, f.respOptions?.mss].filter((x) => x !== undefined);
  if (mss.length) notes.push(`mss ${mss.join("/")}`);
  return [
    f.proto,
    `${f.orig.addr}:${f.orig.port}`,
    `${f.resp.addr}:${f.resp.port}`,
    f.connState,
    f.history || "-",
    `${f.origPackets}/${f.respPackets}`,
    `${f.origBytes}/${f.respBytes}`,
    f.duration.toFixed(3),
    f.synRetransOffsets.length ? f.synRetransOffsets.map((x) => `+${x}`).join(",") : "-",
    `${f.retransmissions.orig}/${f.retransmissions.resp}`,
    `${f.resets.orig}/${f.resets.resp}`,
    notes.join("; "),
  ];
}
