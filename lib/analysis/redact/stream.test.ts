/**
 * Redaction as it streams by (netmortem redact on inputs of any size) gives exactly what redacting the whole input
 * gives: texts of the corpus and recorded outputs, and every capture of the corpus and the capture testdata
 * (including the corrupt ones, which fail with the same message), cut into chunks of many sizes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedPath } from "../../testing/shared";
import { CaptureRedaction, CaptureRedactError, redactCapture } from "./pcap";
import { Redactor, learnHostNames } from "./redactor";
import { HostNameScan, TextRedaction } from "./stream";

const key = Buffer.alloc(32, 7);
const redactor = () => new Redactor(key, { hostNames: ["node-a", "worker-1.example.internal"] });

function filesUnder(dir: string, test: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, test));
    else if (test(e.name) && statSync(p).size < 3_000_000) out.push(p);
  }
  return out.sort();
}

/** `b` cut at sizes taken in turn from `sizes` */
function* chunks(b: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let k = 0;
  for (let o = 0; o < b.length; ) {
    const n = sizes[k++ % sizes.length]!;
    yield b.subarray(o, o + n);
    o += n;
  }
}

const CUTS = [[1], [7, 3, 1], [4096], [65536], [100_000, 1, 13]];

describe("TextRedaction", () => {
  const texts = ["cmd", "logs", "proc"].flatMap((d) => filesUnder(sharedPath("corpus", d), (f) => !/\.(gz|md)$/.test(f)));
  it("is Redactor.text of the whole text, however the bytes are cut", () => {
    expect(texts.length).toBeGreaterThan(15);
    for (const f of texts) {
      const bytes = new Uint8Array(readFileSync(f));
      const whole = redactor().text(new TextDecoder().decode(bytes));
      for (const sizes of f === texts[0] ? CUTS : CUTS.slice(1)) {
        const t = new TextRedaction(redactor());
        let out = "";
        for (const c of chunks(bytes, sizes)) out += t.push(c);
        out += t.end();
        expect(out === whole, `${path.basename(f)} cut at ${sizes.join(",")}`).toBe(true);
      }
    }
  });

  it("holds one long line only up to a point, and still cuts it where no address or name can be split", () => {
    // 2.5 MiB on one line: addresses, MACs, names and CIDRs separated by spaces, commas and brackets, between runs of
    // characters an address is made of (so the cut must look back past them)
    const parts = ["10.1.2.3", "fe80::1%eth0", "node-a", "52:54:00:12:34:56", "192.168.10.0/24", "[2001:db8::7]:443", "worker-1.example.internal,"];
    let line = "";
    for (let i = 0; line.length < 2.5 * 1024 * 1024; i++) line += `${parts[i % parts.length]} ${"a1:b.2/".repeat(i % 3 === 0 ? 3000 : 1)} `;
    const bytes = new TextEncoder().encode(line);
    const whole = redactor().text(line);
    const t = new TextRedaction(redactor());
    let out = "";
    let most = 0;
    for (const c of chunks(bytes, [65536])) {
      const piece = t.push(c);
      out += piece;
      most = Math.max(most, (t as unknown as { pending: string }).pending.length);
    }
    out += t.end();
    expect(out === whole).toBe(true);
    expect(most).toBeLessThan(1.2 * 1024 * 1024);
    expect(out).not.toContain("10.1.2.3");
  });

  it("decodes UTF-16LE (PowerShell's >) and multi-byte UTF-8 cut inside a character", () => {
    const text = "naïve 10.0.0.1 → node-a\r\nzweite Zeile ü 10.0.0.2\r\n";
    const u16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(text, "utf16le"))]);
    const t = new TextRedaction(redactor(), "utf-16le");
    let out = "";
    for (const c of chunks(u16, [3])) out += t.push(c);
    expect(out + t.end()).toBe(redactor().text(text));
    const t8 = new TextRedaction(redactor());
    let out8 = "";
    for (const c of chunks(new TextEncoder().encode(text), [1])) out8 += t8.push(c);
    expect(out8 + t8.end()).toBe(redactor().text(text));
  });
});

describe("HostNameScan", () => {
  it("finds the names learnHostNames finds in the whole text, however it is cut", () => {
    const sysctl = filesUnder(sharedPath("corpus"), (f) => /sysctl/.test(f)).map((f) => readFileSync(f, "utf8")).find((t) => /^kernel\.hostname/m.test(t));
    const text = sysctl ?? "kernel.domainname = (none)\nkernel.hostname = node-7.example\n";
    for (const sizes of CUTS) {
      const s = new HostNameScan();
      for (const c of chunks(new TextEncoder().encode(text), sizes)) s.push(c);
      expect(s.end()).toEqual(learnHostNames(text));
    }
    expect(learnHostNames(text).length).toBeGreaterThan(0);
  });
});

describe("CaptureRedaction", () => {
  const caps = [
    ...filesUnder(sharedPath("corpus", "pcap"), (f) => /\.(pcap|pcapng|cap)$/.test(f)),
    ...filesUnder(path.join(import.meta.dirname, "..", "capture", "testdata"), (f) => /\.(pcap|pcapng)$/.test(f)),
  ];
  it("gives redactCapture's bytes (or its refusal) for every capture, however it is cut", () => {
    expect(caps.length).toBeGreaterThan(20);
    let refused = 0;
    for (const f of caps) {
      const bytes = new Uint8Array(readFileSync(f));
      let whole: Uint8Array | string;
      try {
        whole = redactCapture(bytes, redactor());
      } catch (err) {
        if (!(err instanceof CaptureRedactError)) throw err;
        whole = err.message;
        refused++;
      }
      for (const sizes of bytes.length < 50_000 ? [[7, 3, 1], [100_000, 1, 13]] : [[4096], [100_000, 1, 13]]) {
        // unbounded, like redactCapture (the default bound refuses the corrupt ones' huge records sooner, in other words)
        const c = new CaptureRedaction(redactor(), Infinity);
        const parts: Uint8Array[] = [];
        let got: Uint8Array | string;
        try {
          for (const ch of chunks(bytes, sizes)) parts.push(...c.push(ch));
          parts.push(...c.end());
          got = new Uint8Array(Buffer.concat(parts));
        } catch (err) {
          if (!(err instanceof CaptureRedactError)) throw err;
          got = err.message;
        }
        if (typeof whole === "string") expect(got, path.basename(f)).toBe(whole);
        else expect(typeof got === "string" ? got : Buffer.compare(got, whole) === 0, `${path.basename(f)} cut at ${sizes.join(",")}`).toBe(true);
      }
    }
    // the corpus's corrupt captures are among them
    expect(refused).toBeGreaterThan(0);
  });

  it("refuses a record declaring more than its bound at once, without waiting for (or holding) its bytes", () => {
    const pcap = new Uint8Array(24 + 16);
    const dv = new DataView(pcap.buffer);
    dv.setUint32(0, 0xa1b2c3d4, true);
    dv.setUint32(20, 1, true);
    dv.setUint32(24 + 8, 0x7ffffff0, true);
    const c = new CaptureRedaction(redactor());
    expect(() => c.push(pcap)).toThrow(/declares 2147483632 bytes/);
  });
});
