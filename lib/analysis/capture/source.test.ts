/**
 * summarizeCaptureSource reads a random-access source (a file) straight into the engine's memory, in
 * chunks with room before each for the record that straddles from the previous one. It must say exactly
 * what summarizeCapture says (which copies its input in), whatever the chunk boundaries: tiny chunks put a
 * boundary inside almost every record, a room smaller than the records sends them through the general
 * path, and a source that returns short reads must still be read whole.
 */
import { readdirSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ByteSource, summarizeCapture, summarizeCaptureSource } from "./index";
import { CORPUS, TESTDATA } from "./test-paths";

const captures = [
  ...readdirSync(CORPUS).filter((n) => /\.(pcap|pcapng|cap)$/.test(n)).map((n) => path.join(CORPUS, n)),
  ...readdirSync(TESTDATA).filter((n) => /\.(pcap|pcapng)$/.test(n)).map((n) => path.join(TESTDATA, n)),
];

const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

/** bytes as a source; `most`: the largest read it ever returns (short reads) */
function memorySource(bytes: Uint8Array, most = Infinity): ByteSource & { reads: number } {
  const src = {
    reads: 0,
    read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
      src.reads++;
      const n = Math.max(0, Math.min(length, most, bytes.length - position));
      into.set(bytes.subarray(position, position + n), offset);
      return Promise.resolve(n);
    },
  };
  return src;
}

describe("summarizeCaptureSource", () => {
  it("finds the captures to compare", () => {
    expect(captures.length).toBeGreaterThan(60);
  });

  it.each(captures.map((f) => [path.basename(f), f]))("%s: the same summary as summarizeCapture, whatever the chunks", async (_n, file) => {
    const bytes = readFileSync(file);
    const expected = plain(await summarizeCapture(bytes));
    // a real file, 1 MB chunks
    const fh = await open(file, "r");
    try {
      const fromFile = await summarizeCaptureSource({ read: async (into, o, l, p) => (await fh.read(into, o, l, p)).bytesRead });
      expect(plain(fromFile)).toEqual(expected);
    } finally {
      await fh.close();
    }
    // 1499 bytes: boundaries everywhere, never aligned with a record; room 300: most records straddle
    // further than the room and take the general path, the small ones do not
    expect(plain(await summarizeCaptureSource(memorySource(bytes), {}, undefined, { chunk: 1499, room: 300 }))).toEqual(expected);
    // reads of at most 37 bytes into 4 kB chunks: every chunk is completed from short reads
    expect(plain(await summarizeCaptureSource(memorySource(bytes, 37), {}, undefined, { chunk: 4096, room: 262_160 }))).toEqual(expected);
  });

  it("reports how much it read, up to the whole source", async () => {
    const bytes = readFileSync(path.join(CORPUS, "http-browse-syn-retrans-unanswered.pcapng"));
    const seen: number[] = [];
    const s = await summarizeCaptureSource(memorySource(bytes), {}, (n) => seen.push(n), { chunk: 50_000, room: 262_160 });
    expect(s.packets).toBeGreaterThan(0);
    expect(seen.length).toBe(Math.ceil(bytes.length / 50_000));
    expect(seen.at(-1)).toBe(bytes.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it("a gzip-compressed source gives the summary of the plain one", async () => {
    const bytes = readFileSync(path.join(TESTDATA, "lossy-mix-v4-v6.pcap"));
    const fromGz = await summarizeCaptureSource(memorySource(gzipSync(bytes)));
    expect(plain(fromGz)).toEqual(plain(await summarizeCaptureSource(memorySource(bytes))));
  });

  it("a source cut inside a record: what was read, and where it stopped", async () => {
    const raw = readFileSync(path.join(TESTDATA, "healthy-http.pcap"));
    const cut = raw.subarray(0, raw.length - 10);
    const s = await summarizeCaptureSource(memorySource(cut), {}, undefined, { chunk: 700, room: 262_160 });
    expect(s.error?.message).toMatch(/capture ends inside a packet record/);
    expect(plain(s)).toEqual(plain(await summarizeCapture(cut)));
  });

  it("a failing read ends reading with the error, keeping what was read", async () => {
    const raw = readFileSync(path.join(TESTDATA, "healthy-http.pcap"));
    const src = memorySource(raw);
    const failing: ByteSource = { read: (into, o, l, p) => (p >= 4096 ? Promise.reject(new Error("EIO: i/o error, read")) : src.read(into, o, l, p)) };
    const s = await summarizeCaptureSource(failing, {}, undefined, { chunk: 1024, room: 262_160 });
    expect(s.error?.message).toMatch(/EIO/);
    expect(s.packets).toBeGreaterThan(0);
    expect(s.packets).toBeLessThan((await summarizeCapture(raw)).packets);
  });
});
