/**
 * summarizeCaptureFile reads plain captures straight into the engine's memory, in chunks with room before
 * each for the record that straddles from the previous one. It must say exactly what summarizeCapture says
 * (which copies its input in), whatever the chunk boundaries: tiny chunks put a boundary inside almost every
 * record, and a room smaller than the records sends them through the general path.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { summarizeCapture, summarizeCaptureFile } from "./index";
import { CORPUS, TESTDATA } from "./test-paths";

const captures = [
  ...readdirSync(CORPUS).filter((n) => /\.(pcap|pcapng|cap)$/.test(n)).map((n) => path.join(CORPUS, n)),
  ...readdirSync(TESTDATA).filter((n) => /\.(pcap|pcapng)$/.test(n)).map((n) => path.join(TESTDATA, n)),
];
const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-file-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

describe("summarizeCaptureFile", () => {
  it("finds the captures to compare", () => {
    expect(captures.length).toBeGreaterThan(60);
  });

  it.each(captures.map((f) => [path.basename(f), f]))("%s: the same summary as summarizeCapture, with 1 MB chunks and with tiny ones", async (_n, file) => {
    const expected = plain(await summarizeCapture(readFileSync(file)));
    expect(plain(await summarizeCaptureFile(file))).toEqual(expected);
    // 1499 bytes: boundaries everywhere, never aligned with a record; room 300: most records straddle
    // further than the room and take the general path, the small ones do not
    expect(plain(await summarizeCaptureFile(file, {}, undefined, { chunk: 1499, room: 300 }))).toEqual(expected);
    expect(plain(await summarizeCaptureFile(file, {}, undefined, { chunk: 64, room: 262_160 }))).toEqual(expected);
  });

  it("reports how much it read, up to the whole file", async () => {
    const file = path.join(CORPUS, "http-browse-syn-retrans-unanswered.pcapng");
    const seen: number[] = [];
    const s = await summarizeCaptureFile(file, {}, (n) => seen.push(n), { chunk: 50_000, room: 262_160 });
    expect(s.packets).toBeGreaterThan(0);
    expect(seen.length).toBe(Math.ceil(statSync(file).size / 50_000));
    expect(seen.at(-1)).toBe(statSync(file).size);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it("a gzip-compressed file gives the summary of the plain one", async () => {
    const file = path.join(TESTDATA, "lossy-mix-v4-v6.pcap");
    const gz = path.join(tmp, "lossy.pcap.gz");
    writeFileSync(gz, gzipSync(readFileSync(file)));
    expect(plain(await summarizeCaptureFile(gz))).toEqual(plain(await summarizeCaptureFile(file)));
  });

  it("a file cut inside a record: what was read, and where it stopped", async () => {
    const raw = readFileSync(path.join(TESTDATA, "healthy-http.pcap"));
    const cut = path.join(tmp, "cut.pcap");
    writeFileSync(cut, raw.subarray(0, raw.length - 10));
    const s = await summarizeCaptureFile(cut, {}, undefined, { chunk: 700, room: 262_160 });
    expect(s.error?.message).toMatch(/capture ends inside a packet record/);
    expect(plain(s)).toEqual(plain(await summarizeCapture(raw.subarray(0, raw.length - 10))));
  });

  it("a file that cannot be opened throws (the CLI checks first and says so)", async () => {
    await expect(summarizeCaptureFile(path.join(tmp, "missing.pcap"))).rejects.toThrow(/ENOENT/);
  });
});
