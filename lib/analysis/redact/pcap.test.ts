import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { capturePackets, summarizeCapture } from "../capture";
import { parseIPv4 } from "./cryptopan";
import { redactCapture } from "./pcap";
import { Redactor } from "./redactor";

const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.join(here, "..", "capture", "testdata");
const captures = readdirSync(testdata).filter((f) => /\.pcap(ng)?$/.test(f));
const key = Buffer.alloc(32, 9);

/** ones'-complement checksum validity of the IPv4 header and TCP/UDP of complete Ethernet frames (null: not checkable) */
function checksumsOk(frame: Uint8Array): { ip: boolean; l4: boolean | null } | null {
  if (frame.length < 34) return null;
  let off = 12;
  let et = (frame[off]! << 8) | frame[off + 1]!;
  while (et === 0x8100 && off + 6 <= frame.length) {
    off += 4;
    et = (frame[off]! << 8) | frame[off + 1]!;
  }
  const ip = off + 2;
  const sum = (parts: Uint8Array[]) => {
    let s = 0;
    for (const p of parts) {
      for (let i = 0; i + 1 < p.length; i += 2) s += (p[i]! << 8) | p[i + 1]!;
      if (p.length % 2) s += p[p.length - 1]! << 8;
    }
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return s === 0xffff;
  };
  if (et !== 0x0800 || frame[ip]! >> 4 !== 4) return null;
  const ihl = (frame[ip]! & 15) * 4;
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  const ipOk = sum([frame.subarray(ip, ip + ihl)]);
  const proto = frame[ip + 9]!;
  if (ip + total > frame.length || (proto !== 6 && proto !== 17) || ((frame[ip + 6]! & 0x3f) | frame[ip + 7]!) !== 0) return { ip: ipOk, l4: null };
  const seg = frame.subarray(ip + ihl, ip + total);
  if (proto === 17 && seg[6] === 0 && seg[7] === 0) return { ip: ipOk, l4: null };
  const pseudo = new Uint8Array(12);
  pseudo.set(frame.subarray(ip + 12, ip + 20), 0);
  pseudo[9] = proto;
  pseudo[10] = seg.length >> 8;
  pseudo[11] = seg.length & 0xff;
  return { ip: ipOk, l4: sum([pseudo, seg]) };
}

function framesOf(pcap: Uint8Array): Uint8Array[] {
  const dv = new DataView(pcap.buffer, pcap.byteOffset);
  const le = pcap[0] === 0xd4 || pcap[0] === 0x4d;
  if (dv.getUint32(20, le) !== 1) return [];
  const out: Uint8Array[] = [];
  for (let off = 24; off + 16 <= pcap.length; ) {
    const n = dv.getUint32(off + 8, le);
    out.push(pcap.subarray(off + 16, off + 16 + n));
    off += 16 + n;
  }
  return out;
}

describe("redactCapture on the recorded captures", () => {
  for (const f of captures) {
    it(f, async () => {
      const orig = new Uint8Array(readFileSync(path.join(testdata, f)));
      const r = new Redactor(key);
      const red = redactCapture(orig, r);
      // the same analysis, with every address replaced by its pseudonym
      const [s0, s1] = [await summarizeCapture(orig), await summarizeCapture(red)];
      const expected = r.json(s0);
      expect({ ...s1, flows: undefined }).toEqual({ ...expected, flows: undefined });
      const key5 = (x: (typeof s1.flows)[number]) => `${x.proto} ${x.orig.addr}:${x.orig.port} ${x.resp.addr}:${x.resp.port} ${x.firstTs}`;
      expect(new Map(s1.flows.map((x) => [key5(x), x]))).toEqual(new Map(expected.flows.map((x) => [key5(x), x])));

      // no original address in the decoded packets, nor as bytes anywhere in the file
      const p0 = (await capturePackets(orig)).packets;
      const p1 = (await capturePackets(red)).packets;
      expect(p1.length).toBe(p0.length);
      const addrs = new Set(p0.flatMap((p) => [p.src, p.dst]).filter((a) => r.ip(a) !== a));
      expect(addrs.size).toBeGreaterThan(0);
      const after = new Set(p1.flatMap((p) => [p.src, p.dst]));
      for (const a of addrs) expect(after.has(a), a).toBe(false);
      const hay = Buffer.from(red);
      for (const a of addrs) {
        const v = parseIPv4(a);
        if (v !== null) expect(hay.indexOf(Buffer.from([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff])), a).toBe(-1);
      }

      // checksums: right before → right after (and wrong stays wrong)
      const [f0, f1] = [framesOf(orig), framesOf(red)];
      let checked = 0;
      for (let i = 0; i < f0.length; i++) {
        const a = checksumsOk(f0[i]!);
        const b = checksumsOk(f1[i]!);
        expect(b, `frame ${i}`).toEqual(a);
        if (a?.l4 !== null && a?.l4 !== undefined) checked++;
        // MACs of Ethernet frames are replaced (unicast ones)
        if (!(f0[i]![0]! & 1)) expect(Buffer.from(f1[i]!.subarray(0, 6))).not.toEqual(Buffer.from(f0[i]!.subarray(0, 6)));
      }
      // the checker reads IPv4 over Ethernet: these have complete, checkable segments
      if (["healthy-http.pcap", "accept-queue-full-syn-drops.pcap", "lossy-mix-v4-v6.pcap"].includes(f)) expect(checked).toBeGreaterThan(10);
    });
  }
});
