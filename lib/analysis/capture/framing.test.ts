/**
 * Record framing on hostile lengths (issue 10, item 1). The bug was an endless loop in the WebAssembly core,
 * which blocks the thread it runs on: every check runs in a child process under a time limit, so a regression
 * fails here instead of hanging the test run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { coreCases, issuePcap, readerCases } from "./framing-cases";

const root = path.resolve(__dirname, "../../..");
// generous: a child starts tsx (1-2 s on a loaded machine); the hang it guards against never ends
const LIMIT_MS = 60_000;

function run(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, args, { cwd: root, input, timeout: LIMIT_MS, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
  if (r.signal) throw new Error(`${args.join(" ")}: killed by ${r.signal} after ${LIMIT_MS} ms (a hang)`);
  return r;
}

type Picked = { packets: number; skipped: Record<string, number>; error?: { message: string; offset: number }; tcpPackets: number; flows: number; mssSeen: number[] };

describe("record framing: lengths near 2^32 (issue 10)", () => {
  it("`netmortem capture` on the issue's 104-byte pcap ends at once with the claim named (file and standard input)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nm-framing-"));
    try {
      const file = path.join(dir, "hang.pcap");
      const bytes = issuePcap();
      expect(bytes.length).toBe(104);
      writeFileSync(file, bytes);
      for (const [args, input] of [
        [["cli/netmortem.js", "capture", file, "--json"], undefined],
        [["cli/netmortem.js", "capture", "-", "--json"], bytes],
      ] as const) {
        const r = run([...args], input);
        const s = JSON.parse(r.stdout);
        expect(s.packets).toBe(0);
        expect(s.skipped).toEqual({ "bad-record-length": 1 });
        expect(s.error).toEqual({ message: "packet record 1 claims 4294967280 bytes, more than the maximum 67108864", offset: 24 });
        expect(r.status).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every hostile claim stops reading with that claim, from bytes and from a random-access source; the core bounds records itself", () => {
    const r = run(["--import", "tsx", "lib/analysis/capture/framing.child.ts"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Record<string, { bytes: Picked; source: Picked } & { consumed: number; claim: number; frames: number }>;
    for (const c of readerCases()) {
      const { bytes, source } = out[c.name];
      // the same from both paths (the file reader's chunks and the stream path)
      expect(source, c.name).toEqual(bytes);
      if (c.claim !== undefined) {
        expect(bytes.packets, c.name).toBe(0);
        expect(bytes.skipped, c.name).toEqual({ "bad-record-length": 1 });
        expect(bytes.error?.message, c.name).toBe(`packet record 1 claims ${c.claim} bytes, more than the maximum 67108864`);
        expect(bytes.error?.offset, c.name).toBe(24);
      }
    }
    expect(out["a 300 kB record within a snaplen of 0xffffffff"].bytes).toMatchObject({ packets: 2 });
    expect(out["a 300 kB record within a snaplen of 0xffffffff"].bytes.error).toBeUndefined();
    expect(out["pcapng EPB captured length 0xfffffff0"].bytes).toMatchObject({ packets: 0, error: { message: "enhanced packet block captured length 4294967280 exceeds its block" } });
    expect(out["pcapng block length 0xfffffff0"].bytes).toMatchObject({ packets: 0, error: { message: "pcapng block of type 0x6 has an invalid length 4294967280" } });
    // a jumbo length near 2^31 is a cut packet, not a broken one: its TCP header is decoded, options
    // included (the end of the TCP header was computed as offset + length, which wrapped negative)
    expect(out["IPv6 jumbo payload 0x7fffffff"].bytes).toMatchObject({ packets: 1, tcpPackets: 1, skipped: {}, flows: 1, mssSeen: [1440] });
    expect(out["IPv6 jumbo payload 0x7fffffff"].bytes.error).toBeUndefined();
    for (const c of coreCases()) {
      // one good record consumed (20 bytes), then the loop stops at the claim instead of framing it
      expect(out[c.name], c.name).toEqual({ consumed: 20, claim: c.claim, frames: 1 });
    }
  });
});
