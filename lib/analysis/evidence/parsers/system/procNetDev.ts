/**
 * /proc/net/dev (per-interface packet counters → `Dev.<if>.rx_drop`, `Dev.<if>.tx_bytes`…, mapped by the
 * header's Receive/Transmit column groups) and /proc/net/softnet_stat (hex, one row per CPU; summed:
 * `Softnet.processed`, `Softnet.dropped` (backlog full, netdev_max_backlog), `Softnet.time_squeeze`
 * (budget exhausted, netdev_budget), `Softnet.received_rps`, `Softnet.flow_limit_count`).
 */
import type { CounterReading, TextParser, Warning } from "../../parser";
import { fail, firstContentLine, guarded, guardedSniff, headLines, ok, splitLines } from "./util";

const DEV_ROW = /^\s*([^\s:]+):\s*(\d[\d\s]*)$/;

function sniffDev(head: string): number {
  const lines = headLines(head, 10);
  if (lines.length < 2) return 0;
  const h1 = /^Inter-\|\s+Receive\s+\|\s*Transmit/.test(lines[0]);
  const h2 = /^\s*face \|bytes/.test(lines[1]);
  return (h1 ? 0.5 : 0) + (h2 ? 0.45 : 0);
}

function parseDev(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let rx: string[] = [];
  let tx: string[] = [];
  let rows = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "" || /^Inter-\|/.test(l)) continue;
    const hdr = /^\s*face \|([^|]*)\|(.*)$/.exec(l);
    if (hdr) {
      rx = hdr[1].trim().split(/\s+/);
      tx = hdr[2].trim().split(/\s+/);
      continue;
    }
    const m = DEV_ROW.exec(l);
    if (!m || rx.length === 0) {
      warnings.push({ line: i + 1, message: `not a /proc/net/dev row: ${l.slice(0, 120)}` });
      continue;
    }
    const v = m[2].trim().split(/\s+/);
    if (v.length !== rx.length + tx.length) {
      warnings.push({ line: i + 1, message: `${m[1]}: ${v.length} values for ${rx.length + tx.length} columns` });
      continue;
    }
    rows++;
    rx.forEach((n, k) => { counters[`Dev.${m[1]}.rx_${n}`] = { value: Number(v[k]), line: i + 1 }; });
    tx.forEach((n, k) => { counters[`Dev.${m[1]}.tx_${n}`] = { value: Number(v[rx.length + k]), line: i + 1 }; });
  }
  if (rows === 0) return fail("/proc/net/dev: no interface row");
  return ok({ counters }, warnings);
}

/** net/core/net-procfs.c softnet_seq_show column order; later kernels append backlog_len and cpu index */
const SOFTNET = [
  "processed", "dropped", "time_squeeze", "", "", "", "", "", "cpu_collision", "received_rps", "flow_limit_count",
  "backlog_len", "",
];

function sniffSoftnet(head: string): number {
  const lines = headLines(head, 16);
  if (lines.length === 0) return 0;
  let good = 0;
  for (const l of lines) {
    // the first field must be 8 hex digits: tested before splitting the line
    if (!/^\s*[0-9a-f]{8}(\s|$)/.test(l)) continue;
    const f = l.trim().split(/\s+/);
    if (f.length >= 9 && f.length <= 16 && f.every((x) => /^[0-9a-f]{8}$/.test(x))) good++;
  }
  return good === lines.length ? 0.85 : 0;
}

function parseSoftnet(text: string): ReturnType<TextParser["parse"]> {
  const lines = splitLines(text);
  const warnings: Warning[] = [];
  const counters: CounterReading = {};
  let rows = 0;
  for (let i = firstContentLine(lines); i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    const f = l.trim().split(/\s+/);
    if (!f.every((x) => /^[0-9a-fA-F]{1,16}$/.test(x))) {
      warnings.push({ line: i + 1, message: `not a softnet_stat row: ${l.slice(0, 120)}` });
      continue;
    }
    rows++;
    for (let k = 0; k < f.length && k < SOFTNET.length; k++) {
      const name = SOFTNET[k];
      if (!name || name === "backlog_len") continue;
      const key = `Softnet.${name}`;
      counters[key] = { value: (counters[key]?.value ?? 0) + parseInt(f[k], 16), line: counters[key]?.line ?? i + 1 };
    }
  }
  if (rows === 0) return fail("softnet_stat: no CPU row");
  counters["Softnet.cpus"] = { value: rows, line: 1 };
  return ok({ counters }, warnings);
}

export const procNetDevParser: TextParser = {
  kind: "proc-net-dev",
  sniff: guardedSniff(sniffDev),
  parse: guarded("proc-net-dev", parseDev),
};

export const softnetParser: TextParser = {
  kind: "softnet-stat",
  sniff: guardedSniff(sniffSoftnet),
  parse: guarded("softnet-stat", parseSoftnet),
};
