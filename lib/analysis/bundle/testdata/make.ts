/**
 * Builders for GENERATED test archives (hostile ones: `..`, absolute paths, links, devices, bombs).
 * Real tools cannot be talked into most of these, so the bytes are laid out by hand following the ustar
 * and zip specifications. Tests of ordinary archives use the real `tar` and `zip` instead.
 */
import { crc32, deflateRawSync } from "node:zlib";

const enc = new TextEncoder();

export type TarSpec = { name: string; type?: string; data?: Uint8Array | string; linkname?: string; prefix?: string };

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

export function tarHeader(spec: TarSpec, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number, len: number) => h.set(enc.encode(s).subarray(0, len), off);
  put(spec.name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  put("        ", 148, 8);
  put(spec.type ?? "0", 156, 1);
  if (spec.linkname) put(spec.linkname, 157, 100);
  put("ustar\u000000", 257, 8);
  if (spec.prefix) put(spec.prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  return h;
}

export function makeTar(specs: TarSpec[], opts: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of specs) {
    const data = typeof s.data === "string" ? enc.encode(s.data) : s.data ?? new Uint8Array(0);
    parts.push(tarHeader(s, data.length), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export type ZipSpec = { name: string; data: Uint8Array | string; deflate?: boolean; mode?: number; declaredSize?: number };

/** A zip with local headers, central directory and end record (made by unix, so the mode is honoured). */
export function makeZip(specs: ZipSpec[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const s of specs) {
    const raw = typeof s.data === "string" ? enc.encode(s.data) : s.data;
    const body = s.deflate ? new Uint8Array(deflateRawSync(raw)) : raw;
    const name = enc.encode(s.name);
    const crc = crc32(raw) >>> 0;
    const usize = s.declaredSize ?? raw.length;
    const lh = new DataView(new ArrayBuffer(30));
    lh.setUint32(0, 0x04034b50, true);
    lh.setUint16(4, 20, true);
    lh.setUint16(8, s.deflate ? 8 : 0, true);
    lh.setUint32(14, crc, true);
    lh.setUint32(18, body.length, true);
    lh.setUint32(22, usize, true);
    lh.setUint16(26, name.length, true);
    const local = concat([new Uint8Array(lh.buffer), name, body]);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, (3 << 8) | 20, true);
    ch.setUint16(6, 20, true);
    ch.setUint16(10, s.deflate ? 8 : 0, true);
    ch.setUint32(16, crc, true);
    ch.setUint32(20, body.length, true);
    ch.setUint32(24, usize, true);
    ch.setUint16(28, name.length, true);
    ch.setUint32(38, ((s.mode ?? 0o100644) << 16) >>> 0, true);
    ch.setUint32(42, offset, true);
    centrals.push(concat([new Uint8Array(ch.buffer), name]));
    locals.push(local);
    offset += local.length;
  }
  const cd = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, specs.length, true);
  end.setUint16(10, specs.length, true);
  end.setUint32(12, cd.length, true);
  end.setUint32(16, offset, true);
  return concat([...locals, cd, new Uint8Array(end.buffer)]);
}

/**
 * The "full overlap" zip bomb: ONE local header and deflate stream, and `n` central-directory records that all
 * point at it (each entry reads the same bytes; 102 records over 10 MiB of zeros is the 16.6 KB → 1.07 GB
 * reproduction of issue 10). `quoted`: each record points one byte further instead, inside the previous data.
 */
export function makeOverlapZip(n: number, data: Uint8Array, opts: { quoted?: boolean } = {}): Uint8Array {
  const body = new Uint8Array(deflateRawSync(data));
  const crc = crc32(data) >>> 0;
  const lname = enc.encode("a");
  const lh = new DataView(new ArrayBuffer(30));
  lh.setUint32(0, 0x04034b50, true);
  lh.setUint16(4, 20, true);
  lh.setUint16(8, 8, true);
  lh.setUint32(14, crc, true);
  lh.setUint32(18, body.length, true);
  lh.setUint32(22, data.length, true);
  lh.setUint16(26, lname.length, true);
  const local = concat([new Uint8Array(lh.buffer), lname, body]);
  const centrals: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const name = enc.encode(`f${i}`);
    const ch = new DataView(new ArrayBuffer(46));
    ch.setUint32(0, 0x02014b50, true);
    ch.setUint16(4, (3 << 8) | 20, true);
    ch.setUint16(6, 20, true);
    ch.setUint16(10, 8, true);
    ch.setUint32(16, crc, true);
    ch.setUint32(20, body.length, true);
    ch.setUint32(24, data.length, true);
    ch.setUint16(28, name.length, true);
    ch.setUint32(38, (0o100644 << 16) >>> 0, true);
    ch.setUint32(42, opts.quoted ? i : 0, true);
    centrals.push(concat([new Uint8Array(ch.buffer), name]));
  }
  const cd = concat(centrals);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, n, true);
  end.setUint16(10, n, true);
  end.setUint32(12, cd.length, true);
  end.setUint32(16, local.length, true);
  return concat([local, cd, new Uint8Array(end.buffer)]);
}
