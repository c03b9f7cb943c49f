/**
 * Flow by flow against tshark: every TCP stream tshark 4.0 finds in every capture of the corpus and of
 * testdata/ (recorded by scripts/record/tshark-streams.ts into testdata/tshark-streams.json) must be one
 * of our flows, with the same two endpoints, the same frames each way, SYN and RST segments, duplicate
 * ACKs, zero windows and payload bytes, and the same retransmissions except where the definitions differ:
 * tshark files a re-sent segment that arrives within an RTT as out-of-order, we count it as a
 * retransmission (listed in OUT_OF_ORDER below, checked against tshark's tcp.analysis.out_of_order).
 * No other flow of ours may be left over: we find no TCP connection tshark does not.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { summarizeCapture } from "./index";
import type { FlowSummary } from "./model";
import { CORPUS, TESTDATA } from "./test-paths";

type TsharkStream = { a: string; b: string; ab: number; ba: number; syn: number; rst: number; retrans: number; dupAcks: number; zeroWindows: number; payload: number };
const recorded = JSON.parse(readFileSync(path.join(TESTDATA, "tshark-streams.json"), "utf8")) as { tshark: string; files: Record<string, TsharkStream[]> };

// "file|a->b": segments tshark calls out-of-order (frame numbers from tshark -Y tcp.analysis.out_of_order)
const OUT_OF_ORDER: Record<string, number> = {
  "corpus/smtp-icmp-frag-needed-mtu1492.pcap|10.10.1.4:1470->74.53.140.153:25": 1, // frame 27: re-segmented after ICMP frag-needed
  "corpus/syn-retrans-ts-vlan-dupack.pcap|10.38.251.146:33372->10.38.251.147:80": 1, // frame 51
};

const ep = (e: FlowSummary["orig"]) => `${e.addr}:${e.port}`;

function facts(f: FlowSummary, reversed: boolean) {
  return {
    ab: reversed ? f.respPackets : f.origPackets,
    ba: reversed ? f.origPackets : f.respPackets,
    syn: f.synTimes.length + f.synAckTimes.length,
    rst: f.resets.orig + f.resets.resp,
    retrans: f.retransmissions.orig + f.retransmissions.resp,
    dupAcks: f.dupAcks.orig + f.dupAcks.resp,
    zeroWindows: f.zeroWindows.orig + f.zeroWindows.resp,
    payload: f.origBytes + f.respBytes,
  };
}

describe(`per-flow facts match ${recorded.tshark.split(" (Git")[0]}`, () => {
  it("covers the corpus", () => {
    expect(Object.keys(recorded.files).length).toBeGreaterThanOrEqual(60);
    expect(Object.values(recorded.files).reduce((n, s) => n + s.length, 0)).toBeGreaterThan(2000);
  });
  for (const [key, streams] of Object.entries(recorded.files)) {
    it(key, async () => {
      const [where, file] = key.split("/");
      const bytes = readFileSync(path.join(where === "corpus" ? CORPUS : TESTDATA, file));
      const s = await summarizeCapture(bytes, { maxFlowsKept: 1_000_000 });
      const ours = s.flows.filter((f) => f.proto === "tcp");
      const used = new Set<number>();
      for (const t of streams) {
        // the same endpoints (either way round) and the same packet counts: a 4-tuple reused by several
        // connections is several streams for tshark and several flows for us
        const i = ours.findIndex((f, j) => {
          if (used.has(j)) return false;
          if (ep(f.orig) === t.a && ep(f.resp) === t.b) return f.origPackets === t.ab && f.respPackets === t.ba;
          if (ep(f.orig) === t.b && ep(f.resp) === t.a) return f.origPackets === t.ba && f.respPackets === t.ab;
          return false;
        });
        expect(i, `tshark stream ${t.a} -> ${t.b} (${t.ab}/${t.ba} frames) has no flow of ours`).toBeGreaterThanOrEqual(0);
        used.add(i);
        const f = ours[i];
        const got = facts(f, ep(f.orig) !== t.a);
        const ooo = OUT_OF_ORDER[`${key}|${t.a}->${t.b}`] ?? 0;
        expect(got, `${t.a} -> ${t.b}`).toEqual({ ab: t.ab, ba: t.ba, syn: t.syn, rst: t.rst, retrans: t.retrans + ooo, dupAcks: t.dupAcks, zeroWindows: t.zeroWindows, payload: t.payload });
      }
      const extra = ours.filter((_, j) => !used.has(j)).map((f) => `${ep(f.orig)} -> ${ep(f.resp)} ${f.connState}`);
      expect(extra, "flows tshark does not see").toEqual([]);
    });
  }
});
