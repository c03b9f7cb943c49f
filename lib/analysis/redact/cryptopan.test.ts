import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CryptoPAn, formatIPv6, parseIPv4, parseIPv6 } from "./cryptopan";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("Crypto-PAn against yacryptopan's published vectors", () => {
  it("README: key '32-char-str-for-AES-key-and-pad.'", () => {
    const cp = new CryptoPAn(Buffer.from("32-char-str-for-AES-key-and-pad."));
    expect(cp.anonymize("192.0.2.1")).toBe("192.0.125.244");
    expect(cp.v4(0xc0000201)).toBe(3221257716);
    expect(cp.anonymize("2001:db8::1", true)).toBe("27fe:8bc7:fee:1e:1e1f:f0fe:f0e1:83fd");
  });

  it("yacryptopan's own main: key bytes 0..31", () => {
    const cp = new CryptoPAn(Uint8Array.from({ length: 32 }, (_, i) => i));
    expect(cp.anonymize("192.0.2.1")).toBe("2.90.93.17");
    expect(cp.anonymize("2001:db8::1", true)).toBe("dd92:2c44:3fc0:ff1e:7ff9:c7f0:8180:7e00");
  });

  it("the reference implementation's 100-address sample trace (testdata/sample_trace_*.dat)", () => {
    const key = Uint8Array.from([21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16, 216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2]);
    const col = (f: string) =>
      readFileSync(path.join(here, "testdata", f), "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split("\t")[2]!);
    const raw = col("sample_trace_raw.dat");
    const sanitized = col("sample_trace_sanitized.dat");
    expect(raw).toHaveLength(100);
    const cp = new CryptoPAn(key);
    expect(raw.map((a) => cp.anonymize(a))).toEqual(sanitized);
    // memoised answers are the same
    expect(raw.map((a) => cp.anonymize(a))).toEqual(sanitized);
  });

  it("preserves prefixes exactly: the common prefix length of two addresses is kept (IPv4 and IPv6)", () => {
    const cp = new CryptoPAn(Buffer.alloc(32, 7));
    const common4 = (a: number, b: number) => Math.clz32((a ^ b) >>> 0);
    for (let i = 0; i < 200; i++) {
      const a = (Math.random() * 2 ** 32) >>> 0;
      const b = (a ^ (1 << (i % 32))) >>> 0;
      expect(common4(cp.v4(a), cp.v4(b))).toBe(common4(a, b));
    }
    const a6 = parseIPv6("2001:db8:1:2::10")!;
    const b6 = parseIPv6("2001:db8:1:3::10")!;
    const x = cp.v6(a6);
    const y = cp.v6(b6);
    expect(Buffer.from(x.subarray(0, 7))).toEqual(Buffer.from(y.subarray(0, 7)));
    expect(x[7]! >> 1).toBe(y[7]! >> 1);
    expect(x[7]).not.toBe(y[7]);
  });

  it("refuses a key of the wrong size", () => {
    expect(() => new CryptoPAn(new Uint8Array(16))).toThrow(/32-byte key/);
  });
});

describe("address text", () => {
  it("parses and formats", () => {
    expect(parseIPv4("10.0.0.256")).toBeNull();
    expect(parseIPv4("10.1.2.3")).toBe(0x0a010203);
    expect(formatIPv6(parseIPv6("2001:DB8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIPv6(parseIPv6("::ffff:10.1.2.3")!)).toBe("::ffff:a01:203");
    expect(formatIPv6(parseIPv6("fe80::1")!)).toBe("fe80::1");
    expect(parseIPv6("1::2::3")).toBeNull();
    expect(parseIPv6("12:34:56")).toBeNull();
    expect(parseIPv6("aa:bb:cc:dd:ee:ff")).toBeNull();
  });
});
