/**
 * `npx tsx scripts/check/vs-tshark.ts FILE...`: checks netmortem's capture engine against tshark on any
 * capture (one it has never seen): every TCP stream tshark finds must be one of our flows with the same
 * endpoints, frames each way, SYN and RST segments, retransmissions, duplicate ACKs, zero windows and
 * payload bytes (lib/analysis/capture/compare-tshark.ts). Prints the differences; exit status 1 if any.
 * tshark's out-of-order segments (a re-send arriving within an RTT) count as retransmissions for us: they
 * are added to tshark's figure before comparing. Needs tshark (apt-get install tshark).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { compareWithTshark, parseTsharkFields, tsharkArgs } from "../../lib/analysis/capture/compare-tshark";
import { summarizeCapture } from "../../lib/analysis/capture/index";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx scripts/check/vs-tshark.ts FILE...");
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const run = (args: string[]) => execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 30 });
  const t0 = Date.now();
  const streams = parseTsharkFields(run(tsharkArgs(file)));
  const t1 = Date.now();
  const summary = await summarizeCapture(readFileSync(file), { maxFlowsKept: 10_000_000 });
  const t2 = Date.now();
  const r = compareWithTshark(summary, streams);
  const oooN = streams.reduce((a, t) => a + t.outOfOrder, 0);
  console.log(`${file}: ${streams.length} tshark TCP streams, ${r.matched} matched, ${r.mismatches.length} differences (tshark ${((t1 - t0) / 1000).toFixed(1)} s, netmortem ${((t2 - t1) / 1000).toFixed(1)} s; ${oooN} out-of-order segments counted as retransmissions)`);
  for (const m of r.mismatches.slice(0, 20)) console.log(`  ${m.stream} ${m.field}: tshark ${m.tshark}, netmortem ${m.ours}`);
  if (r.mismatches.length > 20) console.log(`  … ${r.mismatches.length - 20} more`);
  if (r.mismatches.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
