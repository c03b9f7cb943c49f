/**
 * Robustness: corrupt and truncated files, byte mutations and truncations of real captures (fast-check),
 * chunking and input kinds. The reader must never throw or hang, and must summarise what it read.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeCapture, summarizeCaptureSource } from "./index";
import type { CaptureSummary } from "./model";
import { CORPUS, TESTDATA } from "./test-paths";

const corpus = (f: string) => new Uint8Array(readFileSync(path.join(CORPUS, f)));

describe("corrupt files give a clear partial result", () => {
  it("pcap with a bogus record length after 6 good packets", async () => {
    const s = await summarizeCapture(corpus("corrupt-record-length-after-6-packets.pcap"));
    expect(s.packets).toBe(6);
    expect(s.error?.message).toMatch(/record 7 claims 4325376 bytes/);
    // 24-byte header + 6 records end at byte 5035 (capinfos-free check: sum of 16 + caplen)
    expect(s.error?.offset).toBe(5035);
    expect(s.skipped["bad-record-length"]).toBe(1);
    expect(s.flows[0].history).toBe("ShADad");
  });

  it("stopping on a corrupt record closes the source (its return() runs), not just the garbage collector", async () => {
    const bytes = corpus("corrupt-record-length-after-6-packets.pcap");
    let served = 0;
    let closed = false;
    // a source like a file reader: an async generator that releases its file in `finally`
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let o = 0; o < bytes.length; o += 1000) {
          served++;
          yield bytes.subarray(o, o + 1000);
        }
        // the corrupt record sits at byte 5035: the reader stops there, never asking for all chunks;
        // pad with more chunks so that an exhausted source cannot pass for a closed one
        for (let i = 0; i < 100; i++) {
          served++;
          yield new Uint8Array(1000);
        }
      } finally {
        closed = true;
      }
    }
    const s = await summarizeCapture(source());
    expect(s.packets).toBe(6);
    expect(s.error?.message).toMatch(/record 7 claims/);
    expect(served).toBeLessThan(20);
    expect(closed).toBe(true);
  });

  it("pcap with a bogus record length after the first record", async () => {
    const s = await summarizeCapture(corpus("corrupt-record-length-after-2-packets.pcap"));
    expect(s.packets).toBe(1);
    expect(s.error?.message).toMatch(/record 2 claims/);
  });

  it.each([
    ["pcap-truncated-global-header-23-bytes.pcap", /truncated file header \(23 bytes\)/],
    ["pcap-invalid-version-1.pcap", /major version 1 unsupported/],
    ["pcapng-truncated-shb.pcapng", /ends inside a block/],
    ["pcapng-block-len-too-small.pcapng", /invalid length 4/],
    ["pcapng-shb-option-too-long.pcapng", /pcapng/],
  ])("%s", async (file, msg) => {
    const s = await summarizeCapture(corpus(file));
    expect(s.packets).toBe(0);
    expect(s.error?.message).toMatch(msg);
    expect(s.flows).toEqual([]);
  });

  it("garbage is not a capture", async () => {
    const s = await summarizeCapture(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    expect(s.error?.message).toMatch(/unknown magic/);
    expect(s.packets).toBe(0);
  });

  it("empty input", async () => {
    const s = await summarizeCapture(new Uint8Array(0));
    expect(s.error?.message).toBe("empty input");
  });

  it("a capture cut in the middle of a record keeps the complete records", async () => {
    const full = corpus("tcp-dupack-fast-retrans-sack.pcapng");
    const s = await summarizeCapture(full.subarray(0, full.length - 100));
    expect(s.packets).toBe(8);
    expect(s.skipped["truncated-record"]).toBe(1);
    expect(s.error?.message).toMatch(/ends inside a block/);
  });

  it("pcapng with two sections of different byte order", async () => {
    const big = corpus("pcapng-big-endian-two-interfaces.pcapng");
    const little = corpus("http-ipv4-and-ipv6.pcapng");
    const both = new Uint8Array(big.length + little.length);
    both.set(big, 0);
    both.set(little, big.length);
    const s = await summarizeCapture(both);
    expect(s.error).toBeUndefined();
    expect(s.packets).toBe(5 + 20);
    expect(s.flowsByState.SF).toBe(2);
  });

  it("snaplen-cut packets still give their TCP header", async () => {
    const s = await summarizeCapture(corpus("tcp-snaplen-truncated-smtp.pcap"));
    expect(s.flowsByState).toEqual({ SF: 1 });
    expect(s.tcpPackets).toBe(24);
  });
});

const keyFacts = (s: CaptureSummary) => ({
  packets: s.packets,
  bytes: s.bytes,
  tcpFlows: s.tcpFlows,
  flowsByState: s.flowsByState,
  retransmissions: s.retransmissions,
  flows: s.flows,
  error: s.error,
});

async function* chunked(b: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  let i = 0;
  while (pos < b.length) {
    const n = Math.max(1, sizes[i++ % sizes.length]);
    yield b.slice(pos, pos + n);
    pos += n;
  }
}

describe("streaming: any chunking gives the same summary", () => {
  const files = [
    "http-browse-syn-retrans-unanswered.pcapng",
    "smtp-icmp-frag-needed-mtu1492.pcap",
    "pcapng-big-endian-two-interfaces.pcapng",
    "bigtcp-ipv4-80000-byte-segment.pcap",
    // corrupt: the same error at the same offset, whatever the chunk boundaries
    "corrupt-record-length-after-6-packets.pcap",
    "pcapng-block-len-too-small.pcapng",
    "pcapng-shb-option-too-long.pcapng",
  ];
  for (const file of files) {
    it(file, async () => {
      const bytes = corpus(file);
      const whole = keyFacts(await summarizeCapture(bytes));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
          expect(keyFacts(await summarizeCapture(chunked(bytes, sizes)))).toEqual(whole);
        }),
        { numRuns: 15 },
      );
    });
  }

  it("gzip as bytes, as a Node stream and as a web ReadableStream", async () => {
    const gz = corpus("http-window-full-gzip-compressed.pcap.gz");
    const a = await summarizeCapture(gz);
    expect(a.packets).toBe(289);
    const b = await summarizeCapture(Readable.from(chunked(gz, [1000])));
    const c = await summarizeCapture(Readable.toWeb(Readable.from(chunked(gz, [333]))) as ReadableStream<Uint8Array>);
    expect(keyFacts(b)).toEqual(keyFacts(a));
    expect(keyFacts(c)).toEqual(keyFacts(a));
  });

  it("a gzip file cut short reports the error and keeps what was read", async () => {
    const raw = new Uint8Array(readFileSync(path.join(TESTDATA, "healthy-http.pcap")));
    const gz = gzipSync(raw);
    const s = await summarizeCapture(gz.subarray(0, Math.floor(gz.length / 2)));
    expect(s.packets).toBeGreaterThan(0);
    expect(s.packets).toBeLessThan(108);
    expect(s.error).toBeDefined();
  });
});

describe("fuzz: mutated and truncated real captures never crash", () => {
  const seeds = [
    "http-ipv4-and-ipv6.pcapng",
    "vxlan-ssh-ntp.pcap",
    "geneve-icmp-tcp.pcap",
    "smtp-icmp-frag-needed-mtu1492.pcap",
    "nflog-http.pcap",
    "bigtcp-ipv6-hbh-jumbo-80000-byte-segment.pcap",
    "ipv6-fragments.pcapng",
    "sll2-loopback-icmp.pcap",
    "vlan-qinqinq-http.pcap",
  ].map((f) => corpus(f));
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
  });

  it("byte mutations and truncations", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, cut, flips }) => {
        const b = seeds[seed].slice();
        for (const [where, value] of flips) b[Math.floor(where * (b.length - 1))] = value;
        const input = cut === null ? b : b.subarray(0, Math.floor(cut * b.length));
        const s = await summarizeCapture(input);
        expect(s.packets).toBeGreaterThanOrEqual(0);
        expect(s.flows.length).toBeLessThanOrEqual(s.tcpFlows + s.udpFlows);
        expect(Number.isFinite(s.bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("byte mutations read from a random-access source in small chunks: the same summary as from memory", async () => {
    // the file path parses in place with a carry between chunks; mutated lengths make records straddle
    // chunks, exceed the room (general path) or claim too much: its summary must be summarizeCapture's
    const sizes = fc.record({ chunk: fc.integer({ min: 16, max: 5000 }), room: fc.integer({ min: 16, max: 3000 }) });
    await fc.assert(
      fc.asyncProperty(mutation, sizes, async ({ seed, cut, flips }, size) => {
        const b = seeds[seed].slice();
        for (const [where, value] of flips) b[Math.floor(where * (b.length - 1))] = value;
        const input = cut === null ? b : b.subarray(0, Math.floor(cut * b.length));
        const source = {
          read: (into: Uint8Array, offset: number, length: number, position: number) => {
            const n = Math.max(0, Math.min(length, input.length - position));
            into.set(input.subarray(position, position + n), offset);
            return Promise.resolve(n);
          },
        };
        const fromSource = await summarizeCaptureSource(source, {}, undefined, size);
        const fromMemory = await summarizeCapture(input);
        // a gzip magic can appear by mutation: both paths then gunzip the same bytes
        expect(JSON.parse(JSON.stringify(fromSource))).toEqual(JSON.parse(JSON.stringify(fromMemory)));
      }),
      { numRuns: 200 },
    );
  });

  it("random bytes after a valid header", async () => {
    const header = seeds[1].subarray(0, 24);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4000 }), async (tail) => {
        const b = new Uint8Array(24 + tail.length);
        b.set(header);
        b.set(tail, 24);
        const s = await summarizeCapture(b);
        expect(s.format).toBe("pcap");
      }),
      { numRuns: 300 },
    );
  });
});

describe("pcapng block kinds the corpus lacks (real frames, hand-built containers)", () => {
  // frames 1 and 2 of a real capture (pcap records: 16-byte header, then the frame)
  const src = corpus("tcp-syn-rst-with-ts.pcap");
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const frames: Uint8Array[] = [];
  for (let pos = 24; pos + 16 <= src.length; ) {
    const cap = dv.getUint32(pos + 8, true);
    frames.push(src.slice(pos + 16, pos + 16 + cap));
    pos += 16 + cap;
  }
  const block = (type: number, body: Uint8Array) => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, len, true);
    b.set(body, 8);
    v.setUint32(len - 4, len, true);
    return b;
  };
  const u32 = (...xs: number[]) => new Uint8Array(new Uint32Array(xs).buffer);
  const cat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const shb = block(0x0a0d0d0a, cat(u32(0x1a2b3c4d, 1), u32(0xffffffff, 0xffffffff)));
  // IDB: ETHERNET, snaplen 0, option if_tsresol = 0x89 (2^-9 s units), end of options
  const idb = block(1, cat(new Uint8Array([1, 0, 0, 0]), u32(0), new Uint8Array([9, 0, 1, 0, 0x89, 0, 0, 0]), u32(0)));

  it("EPB with if_tsresol 2^-9, SPB (no timestamp), OPB", async () => {
    const epb = block(6, cat(u32(0, 0, 512 * 1000, frames[0].length, frames[0].length), frames[0]));
    const spb = block(3, cat(u32(frames[1].length), frames[1]));
    const opb = block(2, cat(new Uint8Array([0, 0, 0, 0]), u32(0, 512 * 1001, frames[1].length, frames[1].length), frames[1]));
    const s = await summarizeCapture(cat(shb, idb, epb, spb, opb));
    expect(s.error).toBeUndefined();
    expect(s.packets).toBe(3);
    expect(s.linkTypes).toEqual(["ETHERNET"]);
    // 512 000 units of 1/512 s = 1000 s; the SPB reuses the previous time; the OPB is 1001 s
    expect(s.firstTs).toBe(1000);
    expect(s.lastTs).toBe(1001);
    // frames: the SYN, then its RST twice (SPB and OPB): a repeated RST re-sends no sequence space, and
    // Zeek writes "r" again only for another sequence number
    expect(s.flows[0].connState).toBe("REJ");
    expect(s.flows[0].resets).toEqual({ orig: 0, resp: 2 });
    expect(s.flows[0].history).toBe("Sr");
    expect(s.retransmissions).toBe(0);
  });

  it("a packet on an interface no IDB declared stops reading with an error", async () => {
    const epb = block(6, cat(u32(3, 0, 0, frames[0].length, frames[0].length), frames[0]));
    const s = await summarizeCapture(cat(shb, idb, epb));
    expect(s.packets).toBe(0);
    expect(s.error?.message).toMatch(/undeclared interface 3/);
    expect(s.error?.offset).toBe(shb.length + idb.length);
  });
});

describe("memory limit", () => {
  /** a pcap of n SYNs from n source ports (Ethernet, IPv4, TCP with no options), spacingUs apart: n flows alive at once */
  function synFlood(n: number, spacingUs = 1): Uint8Array {
    const frame = 54;
    const out = new Uint8Array(24 + n * (16 + frame));
    const dv = new DataView(out.buffer);
    dv.setUint32(0, 0xa1b2c3d4, true);
    dv.setUint16(4, 2, true);
    dv.setUint16(6, 4, true);
    dv.setUint32(16, 65535, true);
    dv.setUint32(20, 1, true);
    for (let i = 0; i < n; i++) {
      const r = 24 + i * (16 + frame);
      dv.setUint32(r, 1_700_000_000 + Math.floor((i * spacingUs) / 1e6), true);
      dv.setUint32(r + 4, (i * spacingUs) % 1e6, true);
      dv.setUint32(r + 8, frame, true);
      dv.setUint32(r + 12, frame, true);
      const f = r + 16;
      dv.setUint16(f + 12, 0x0800);
      out[f + 14] = 0x45;
      dv.setUint16(f + 16, 40);
      out[f + 22] = 64;
      out[f + 23] = 6;
      dv.setUint32(f + 26, 0x0a000000 + (i >> 14));
      dv.setUint32(f + 30, 0x0a0000ff);
      dv.setUint16(f + 34, 1024 + (i & 0x3fff));
      dv.setUint16(f + 36, 80);
      dv.setUint32(f + 38, i * 7919);
      out[f + 46] = 0x50;
      out[f + 47] = 0x02;
      dv.setUint16(f + 48, 64240);
    }
    return out;
  }

  it("a flood of flows beyond memoryLimitMB stops reading with a clear error and keeps what was read", async () => {
    const flood = synFlood(40_000);
    const full = await summarizeCapture(flood);
    expect(full.error).toBeUndefined();
    expect(full.flowsByState).toEqual({ S0: 40_000 });
    const limited = await summarizeCapture(flood, { memoryLimitMB: 8 });
    expect(limited.error?.message).toMatch(/memory limit \(8 MB\) with \d+ flows alive/);
    expect(limited.packets).toBeGreaterThan(1000);
    expect(limited.packets).toBeLessThan(40_000);
    expect(limited.flowsByState.S0).toBe(limited.tcpFlows);
    expect(limited.tcpFlows).toBeGreaterThan(1000);
  });

  it("a flow table at its budget stops tracking new flows and says how many, from when (issue 10 item 3)", async () => {
    const flood = synFlood(40_000);
    const s = await summarizeCapture(flood, { flowBudget: 5000 });
    expect(s.error).toBeUndefined();
    expect(s.packets).toBe(40_000);
    expect(s.tcpPackets).toBe(40_000);
    // the first 5000 SYNs made flows; the 5001st (at +5000 µs) was the first refused
    expect(s.flowsByState).toEqual({ S0: 5000 });
    expect(s.untrackedFlows?.packets).toBe(35_000);
    expect(s.untrackedFlows?.since).toBeCloseTo(1_700_000_000.005, 6);
    expect(s.untrackedFlows?.budget).toBe(5000);
    // a HyperLogLog estimate of the distinct flows among them (2^14 registers: ±1 % is 1.2 standard errors)
    expect(Math.abs((s.untrackedFlows?.flows ?? 0) - 35_000)).toBeLessThan(350);
    // tracked as before up to the budget: the same summary without one
    const all = await summarizeCapture(flood);
    expect(all.untrackedFlows).toBeUndefined();
    expect(all.flowsByState).toEqual({ S0: 40_000 });
  });

  it("a budgeted table tracks again once finalised flows make room", async () => {
    // SYNs 1 s apart with a 2.5 s idle timeout: three flows alive at a time at most
    const spaced = synFlood(20, 1_000_000);
    expect((await summarizeCapture(spaced, { flowBudget: 3, idleTimeoutSec: 2.5 })).untrackedFlows).toBeUndefined();
    // room for two: every third SYN finds the table full (its predecessors expire only 2.5 s after them)
    const two = await summarizeCapture(spaced, { flowBudget: 2, idleTimeoutSec: 2.5 });
    expect(two.untrackedFlows).toMatchObject({ packets: 6, flows: 6, since: 1_700_000_002, budget: 2 });
    expect(two.tcpFlows).toBe(14);
  });

  it("the default budget bounds the engine's memory on a 300 000-flow flood (issue 10: 4 M flows reached 2 GB)", async () => {
    const s = await summarizeCapture(synFlood(300_000));
    expect(s.error).toBeUndefined();
    expect(s.untrackedFlows?.budget).toBe(131_072);
    expect(s.flowsByState).toEqual({ S0: 131_072 });
    expect(s.untrackedFlows?.packets).toBe(300_000 - 131_072);
  });
});
