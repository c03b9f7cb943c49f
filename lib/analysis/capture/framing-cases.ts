/**
 * Hostile record lengths for framing.test.ts (built here, run in framing.child.ts). Issue 10: a 104-byte
 * pcap (snaplen 0xFFFFFFFF, a record claiming 0xFFFFFFF0 bytes) made the core's record loop spin forever;
 * nearby claims wrapped in i32 arithmetic, framed garbage as packets and ended in a false "memory limit".
 */

/** the issue's reproduction, byte for byte (python3 struct.pack('<IHHiIII', …) + struct.pack('<IIII', …) + 64 zero bytes) */
export function issuePcap(): Uint8Array {
  return pcap(true, 0xffffffff, 1, [record(true, 1, 0, 0xfffffff0, 60, new Uint8Array(64))]);
}

function u32(le: boolean, ...v: number[]): Uint8Array {
  const b = new Uint8Array(4 * v.length);
  const dv = new DataView(b.buffer);
  v.forEach((x, i) => dv.setUint32(4 * i, x >>> 0, le));
  return b;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function pcap(le: boolean, snaplen: number, link: number, records: Uint8Array[]): Uint8Array {
  const h = new Uint8Array(24);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, snaplen >>> 0, le);
  dv.setUint32(20, link, le);
  return cat(h, ...records);
}

function record(le: boolean, sec: number, usec: number, caplen: number, origLen: number, body: Uint8Array): Uint8Array {
  return cat(u32(le, sec, usec, caplen, origLen), body);
}

/** a raw IPv6 packet (LINKTYPE_RAW) whose hop-by-hop jumbo option claims `jumbo` bytes, carrying a TCP SYN header with MSS 1440 */
function jumboV6(jumbo: number): Uint8Array {
  const p = new Uint8Array(40 + 8 + 24);
  const dv = new DataView(p.buffer);
  p[0] = 0x60;
  dv.setUint16(4, 0); // payload length 0: look for the jumbo option
  p[6] = 0; // hop-by-hop
  p[7] = 64;
  p[8] = 0xfd; // fd00::1 -> fd00::2
  p[23] = 1;
  p[24] = 0xfd;
  p[39] = 2;
  p[40] = 6; // next header TCP
  p[41] = 0; // 8 bytes
  p[42] = 0xc2; // jumbo payload
  p[43] = 4;
  dv.setUint32(44, jumbo >>> 0);
  dv.setUint16(48, 40000);
  dv.setUint16(50, 80);
  dv.setUint32(52, 1000);
  p[60] = 6 << 4;
  p[61] = 0x02; // SYN
  dv.setUint16(62, 64240);
  p[68] = 2; // MSS option
  p[69] = 4;
  dv.setUint16(70, 1440);
  return p;
}

export type ReaderCase = { name: string; bytes: Uint8Array; claim?: number };

/** whole files, summarised from bytes and from a random-access source */
export function readerCases(): ReaderCase[] {
  const cases: ReaderCase[] = [{ name: "issue-10-104-bytes", bytes: issuePcap(), claim: 0xfffffff0 }];
  const claims = [0xfffffff0, 0xffffffef, 0xffffffe0, 0xffffff00, 0xffff0000, 0x80000010, 0x80000000, 0x7fffffff, 0x7ffffff0, 0x10000000, 0x04000001];
  for (const le of [true, false]) {
    for (const snaplen of [0xffffffff, 0x80000000, 0x7fffffff]) {
      for (const claim of claims) {
        cases.push({
          name: `${le ? "le" : "be"} snaplen 0x${snaplen.toString(16)} claim 0x${claim.toString(16)}`,
          bytes: pcap(le, snaplen, 1, [record(le, 1, 0, claim, 60, new Uint8Array(64)), record(le, 2, 0, 4, 60, new Uint8Array(4))]),
          claim,
        });
      }
    }
  }
  // a record above 256 kB but within the stated snaplen is real (BIG TCP, USB), and still read
  const big = new Uint8Array(300_000);
  cases.push({ name: "a 300 kB record within a snaplen of 0xffffffff", bytes: pcap(true, 0xffffffff, 1, [record(true, 1, 0, big.length, big.length, big), record(true, 2, 0, 4, 60, new Uint8Array(4))]) });
  // pcapng lengths are read in JavaScript (doubles), but are part of the same class
  const shb = cat(u32(true, 0x0a0d0d0a, 28, 0x1a2b3c4d), new Uint8Array([1, 0, 0, 0]), u32(true, 0xffffffff, 0xffffffff, 28));
  const idb = cat(u32(true, 1, 20), new Uint8Array([1, 0, 0, 0]), u32(true, 0xffffffff, 20));
  cases.push({ name: "pcapng EPB captured length 0xfffffff0", bytes: cat(shb, idb, u32(true, 6, 96, 0, 0, 0, 0xfffffff0, 60), new Uint8Array(64), u32(true, 96)) });
  cases.push({ name: "pcapng block length 0xfffffff0", bytes: cat(shb, idb, u32(true, 6, 0xfffffff0, 0, 0, 0, 60, 60), new Uint8Array(64)) });
  // IPv6 jumbo payload length near 2^31: added to a memory offset it wrapped, and the TCP header was lost
  const j = jumboV6(0x7fffffff);
  cases.push({ name: "IPv6 jumbo payload 0x7fffffff", bytes: pcap(true, 65535, 101, [record(true, 1, 0, j.length, j.length, j)]) });
  return cases;
}

export type CoreCase = { name: string; records: Uint8Array; claim: number };

/** pcap records handed straight to the core's record loop with maxCap 2^32 (no reader bound in between) */
export function coreCases(): CoreCase[] {
  return [0xfffffff0, 0xffffffe0, 0x80000000, 0x7ffffff0].map((claim) => ({
    name: `core claim 0x${claim.toString(16)}`,
    records: cat(record(true, 1, 0, 4, 60, new Uint8Array(4)), record(true, 1, 0, claim, 60, new Uint8Array(64))),
    claim,
  }));
}
