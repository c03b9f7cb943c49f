/**
 * A small ustar writer for bundles (`netmortem collect`, `netmortem redact`): regular files only, names up to 255
 * bytes (ustar prefix + name), gzip'd. The bundle reader (lib/analysis/bundle) and GNU tar read it.
 */
import { gzipSync } from "node:zlib";

const enc = new TextEncoder();

function header(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(512);
  let nameBytes = enc.encode(name);
  let prefix = new Uint8Array(0);
  if (nameBytes.length > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || enc.encode(name.slice(cut + 1)).length > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = enc.encode(name.slice(0, cut));
    nameBytes = enc.encode(name.slice(cut + 1));
  }
  h.set(nameBytes, 0);
  const oct = (v: number, len: number, at: number) => h.set(enc.encode(`${v.toString(8).padStart(len - 1, "0")}\0`), at);
  oct(0o644, 8, 100);
  oct(0, 8, 108);
  oct(0, 8, 116);
  if (size > 0o77777777777) throw new Error(`tar: ${name} is too big`);
  oct(size, 12, 124);
  oct(Math.floor(mtime / 1000), 12, 136);
  h.set(enc.encode("        "), 148);
  h[156] = 0x30; // regular file
  h.set(enc.encode("ustar\0"), 257);
  h.set(enc.encode("00"), 263);
  h.set(prefix, 345);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return h;
}

export type TarFile = { path: string; data: Uint8Array | string };

/** files → a .tar (uncompressed) */
export function tar(files: TarFile[], mtime = Date.now()): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const data = typeof f.data === "string" ? enc.encode(f.data) : f.data;
    parts.push(header(f.path, data.length, mtime), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** files → a .tar.gz */
export const tarGz = (files: TarFile[], mtime?: number): Uint8Array => gzipSync(tar(files, mtime));
