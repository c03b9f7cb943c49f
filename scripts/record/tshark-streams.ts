/**
 * Records what tshark says about every TCP stream of every capture the capture tests read (the shared
 * corpus and lib/analysis/capture/testdata), for lib/analysis/capture/streams.test.ts:
 * per tcp.stream its two endpoints, frames each way, SYN and RST segments, retransmissions
 * (tcp.analysis.retransmission or fast_retransmission), duplicate ACKs, zero windows and payload bytes.
 *
 *   npx tsx scripts/record/tshark-streams.ts      (needs tshark; writes testdata/tshark-streams.json)
 *
 * VXLAN on 8472 (flannel's port) is decoded like 4789 (`-d udp.port==8472,vxlan`); TCP headers sampled
 * inside sFlow datagrams are not connections and are filtered out (`!sflow`), as are ICMP quotes.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dirs: Array<[string, string]> = [
  ["corpus", path.resolve(root, "../shared/corpus/pcap")],
  ["testdata", path.join(root, "lib/analysis/capture/testdata")],
];
// tshark refuses these outright or stops at the corrupt record; the robustness tests cover them
const CORRUPT = /corrupt|invalid|truncated-global|block-len|shb-option|truncated-shb/;

export type TsharkStream = { a: string; b: string; ab: number; ba: number; syn: number; rst: number; retrans: number; dupAcks: number; zeroWindows: number; payload: number };

const fields = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.flags.syn", "tcp.flags.reset", "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission", "tcp.analysis.duplicate_ack", "tcp.analysis.zero_window", "tcp.len"];

const version = execFileSync("tshark", ["--version"], { encoding: "utf8" }).split("\n")[0];
const out: { tshark: string; files: Record<string, TsharkStream[]> } = { tshark: version, files: {} };
for (const [label, dir] of dirs) {
  for (const f of readdirSync(dir).sort()) {
    if (!/\.pcap(ng)?(\.gz)?$/.test(f) || CORRUPT.test(f)) continue;
    const args = ["-r", path.join(dir, f), "-d", "udp.port==8472,vxlan", "-Y", "tcp && !icmp && !icmpv6 && !sflow", "-T", "fields", "-E", "occurrence=l"];
    for (const x of fields) args.push("-e", x);
    const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
    const streams = new Map<string, TsharkStream>();
    for (const line of text.split("\n")) {
      if (!line) continue;
      const [st, s4, s6, sp, d4, d6, dp, syn, rst, rtx, frtx, dup, zw, len] = line.split("\t");
      const src = `${s4 || s6}:${sp}`;
      const dst = `${d4 || d6}:${dp}`;
      let e = streams.get(st);
      if (!e) {
        e = { a: src, b: dst, ab: 0, ba: 0, syn: 0, rst: 0, retrans: 0, dupAcks: 0, zeroWindows: 0, payload: 0 };
        streams.set(st, e);
      }
      if (src === e.a) e.ab++;
      else e.ba++;
      if (syn === "1" || syn === "True") e.syn++;
      if (rst === "1" || rst === "True") e.rst++;
      if (rtx || frtx) e.retrans++;
      if (dup) e.dupAcks++;
      if (zw) e.zeroWindows++;
      e.payload += Number(len || 0);
    }
    out.files[`${label}/${f}`] = [...streams.values()];
  }
}
const target = path.join(root, "lib/analysis/capture/testdata/tshark-streams.json");
writeFileSync(target, `${JSON.stringify(out, null, 0).replace(/\],"/g, '],\n"')}\n`);
const n = Object.values(out.files).reduce((a, s) => a + s.length, 0);
console.log(`${target}: ${Object.keys(out.files).length} captures, ${n} TCP streams (${version})`);
