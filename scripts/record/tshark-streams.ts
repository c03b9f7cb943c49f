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
import { parseTsharkFields, tsharkArgs, type TsharkStream } from "../../lib/analysis/capture/compare-tshark";
import { sharedPath } from "../../lib/testing/shared";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dirs: Array<[string, string]> = [
  ["corpus", sharedPath("corpus", "pcap")],
  ["testdata", path.join(root, "lib/analysis/capture/testdata")],
];
// tshark refuses these outright or stops at the corrupt record; the robustness tests cover them
const CORRUPT = /corrupt|invalid|truncated-global|block-len|shb-option|truncated-shb/;

const version = execFileSync("tshark", ["--version"], { encoding: "utf8" }).split("\n")[0];
const out: { tshark: string; files: Record<string, TsharkStream[]> } = { tshark: version, files: {} };
for (const [label, dir] of dirs) {
  for (const f of readdirSync(dir).sort()) {
    if (!/\.pcap(ng)?(\.gz)?$/.test(f) || CORRUPT.test(f)) continue;
    const text = execFileSync("tshark", tsharkArgs(path.join(dir, f)), { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
    out.files[`${label}/${f}`] = parseTsharkFields(text);
  }
}
const target = path.join(root, "lib/analysis/capture/testdata/tshark-streams.json");
writeFileSync(target, `${JSON.stringify(out, null, 0).replace(/\],"/g, '],\n"')}\n`);
const n = Object.values(out.files).reduce((a, s) => a + s.length, 0);
console.log(`${target}: ${Object.keys(out.files).length} captures, ${n} TCP streams (${version})`);
