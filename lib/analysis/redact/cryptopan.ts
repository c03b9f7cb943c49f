/**
 * Crypto-PAn: prefix-preserving IP address pseudonymisation (Xu, Fan, Ammar, Moon, ICNP 2002), IPv4 and IPv6 as
 * in yacryptopan (keiichishima/yacryptopan, BSD): two addresses that share their first n bits map to two
 * addresses that share their first n bits, and no more, so subnets, overlaps and routes stay comparable.
 *
 * key[0..16] is the AES-128 key, pad = AES(key[16..32]). For bit i of the address, AES is applied to (the first i
 * bits of the address ‖ the pad's bits from i on) and the top bit of the result is the one-time-pad bit i.
 * IPv4 addresses take the pad's last 12 bytes as the rest of the block. One AES-ECB pass encrypts all 32 (128)
 * blocks at once; results are memoised per address.
 */
import { createCipheriv, type Cipher } from "node:crypto";

export class CryptoPAn {
  private readonly cipher: Cipher;
  private readonly pad: Buffer;
  private readonly memo4 = new Map<number, number>();
  private readonly memo6 = new Map<string, Uint8Array>();

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error(`Crypto-PAn needs a 32-byte key (got ${key.length})`);
    // ECB without padding keeps no state between blocks, so one cipher object serves every call
    this.cipher = createCipheriv("aes-128-ecb", key.subarray(0, 16), null);
    this.cipher.setAutoPadding(false);
    this.pad = this.cipher.update(key.subarray(16, 32));
  }

  /** the one-time pad of an address of `bytes` bytes (4 or 16), whose blocks are built from `addr` */
  private otp(addr: Uint8Array, bits: number): Uint8Array {
    const blocks = Buffer.alloc(bits * 16);
    for (let pos = 0; pos < bits; pos++) {
      const b = blocks.subarray(pos * 16, pos * 16 + 16);
      this.pad.copy(b);
      // the first `pos` bits come from the address, the rest from the pad
      const full = pos >> 3;
      for (let i = 0; i < full; i++) b[i] = addr[i]!;
      const rest = pos & 7;
      if (rest) {
        const m = (0xff << (8 - rest)) & 0xff;
        b[full] = (addr[full]! & m) | (this.pad[full]! & ~m & 0xff);
      }
    }
    const enc = this.cipher.update(blocks);
    const out = new Uint8Array(bits >> 3);
    for (let pos = 0; pos < bits; pos++) if (enc[pos * 16]! & 0x80) out[pos >> 3]! |= 0x80 >> (pos & 7);
    return out;
  }

  /** an IPv4 address as an unsigned 32-bit integer */
  v4(addr: number): number {
    const hit = this.memo4.get(addr);
    if (hit !== undefined) return hit;
    const a = new Uint8Array([addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff]);
    const p = this.otp(a, 32);
    const r = (((a[0]! ^ p[0]!) << 24) | ((a[1]! ^ p[1]!) << 16) | ((a[2]! ^ p[2]!) << 8) | (a[3]! ^ p[3]!)) >>> 0;
    this.memo4.set(addr, r);
    return r;
  }

  /** an IPv6 address as 16 bytes (a new array) */
  v6(addr: Uint8Array): Uint8Array {
    const k = Buffer.from(addr).toString("hex");
    let r = this.memo6.get(k);
    if (!r) {
      const p = this.otp(addr, 128);
      r = new Uint8Array(16);
      for (let i = 0; i < 16; i++) r[i] = addr[i]! ^ p[i]!;
      this.memo6.set(k, r);
    }
    return new Uint8Array(r);
  }

  /** text in, text out: "192.0.2.1" → "192.0.125.244"; IPv6 in yacryptopan's uncompressed form when `full` */
  anonymize(text: string, full = false): string {
    const v4 = parseIPv4(text);
    if (v4 !== null) return formatIPv4(this.v4(v4));
    const v6 = parseIPv6(text);
    if (v6 === null) throw new Error(`not an IP address: ${text}`);
    return full ? formatIPv6Full(this.v6(v6)) : formatIPv6(this.v6(v6));
  }
}

export function parseIPv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export const formatIPv4 = (a: number) => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;

/** RFC 4291 text (with "::" and a trailing dotted quad) → 16 bytes, or null */
export function parseIPv6(s: string): Uint8Array | null {
  if (s.length < 2 || s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return null;
  let head = s;
  let v4tail: number | null = null;
  const lastColon = s.lastIndexOf(":");
  if (s.indexOf(".", lastColon) > 0) {
    v4tail = parseIPv4(s.slice(lastColon + 1));
    if (v4tail === null) return null;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = head.indexOf("::");
  if (dbl !== head.lastIndexOf("::")) return null;
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  let parts: string[];
  if (dbl >= 0) {
    const l = groups(head.slice(0, dbl));
    const r = groups(head.slice(dbl + 2));
    if (l.length + r.length > 7) return null;
    parts = [...l, ...Array<string>(8 - l.length - r.length).fill("0"), ...r];
  } else parts = head.split(":");
  if (parts.length !== 8 || parts.some((p) => !/^[0-9A-Fa-f]{1,4}$/.test(p))) return null;
  const out = new Uint8Array(16);
  parts.forEach((p, i) => {
    const v = parseInt(p, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (v4tail !== null) {
    out[12] = v4tail >>> 24;
    out[13] = (v4tail >>> 16) & 0xff;
    out[14] = (v4tail >>> 8) & 0xff;
    out[15] = v4tail & 0xff;
  }
  return out;
}

const words = (b: Uint8Array) => Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);

export const formatIPv6Full = (b: Uint8Array) => words(b).map((w) => w.toString(16)).join(":");

/** RFC 5952 text: lower case, the longest run (≥ 2) of zero groups as "::" */
export function formatIPv6(b: Uint8Array): string {
  const w = words(b);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}
