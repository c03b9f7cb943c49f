/**
 * IPv6 addresses as words (the flow table's form) and as text (RFC 5952), both ways.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { v6ToString, v6WordsFromString, v6WordsToString } from "./decode";

const words = (text: string): number[] | undefined => {
  const w = new Int32Array(4);
  return v6WordsFromString(text, w, 0) ? [...w] : undefined;
};

describe("IPv6 words and text", () => {
  it("parses the usual forms", () => {
    expect(words("::")).toEqual([0, 0, 0, 0]);
    expect(words("::1")).toEqual([0, 0, 0, 1]);
    expect(words("2001:db8::1")).toEqual([0x20010db8 | 0, 0, 0, 1]);
    expect(words("fe80::1%eth0")).toEqual([0xfe800000 | 0, 0, 0, 1]);
    expect(words("::ffff:10.1.2.3")).toEqual([0, 0, 0xffff, 0x0a010203]);
    expect(words("fd47:0:0:0:0:0:0:2")).toEqual([0xfd470000 | 0, 0, 0, 2]);
    expect(words("FD47::A")).toEqual([0xfd470000 | 0, 0, 0, 10]);
  });

  it("refuses what is not an IPv6 address, leaving the words alone", () => {
    const w = new Int32Array([7, 7, 7, 7]);
    for (const bad of ["", "1::2::3", "12345::", "10.0.0.1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "::g", "::ffff:1.2.3", "1:2:3:4:5:6:7::8"]) {
      expect(v6WordsFromString(bad, w, 0), bad).toBe(false);
    }
    expect([...w]).toEqual([7, 7, 7, 7]);
  });

  it("text → words → text is the RFC 5952 text, for any 16 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const text = v6ToString(b, 0);
        const w = new Int32Array(8);
        expect(v6WordsFromString(text, w, 4)).toBe(true);
        expect(v6WordsToString(w, 4)).toBe(text);
        const back = new Uint8Array(16);
        for (let i = 0; i < 4; i++) new DataView(back.buffer).setInt32(4 * i, w[4 + i]);
        expect([...back]).toEqual([...b]);
      }),
      { numRuns: 500 },
    );
  });
});
