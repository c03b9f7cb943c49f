/**
 * Constants and address helpers shared by the capture engine's TypeScript side. The decoding itself is in
 * the WebAssembly core (core/engine.ts); these turn its numeric addresses into text and back.
 */

export const LINKTYPE_NAMES: Record<number, string> = {
  0: "NULL",
  1: "ETHERNET",
  12: "RAW",
  101: "RAW",
  108: "LOOP",
  113: "LINUX_SLL",
  228: "IPV4",
  229: "IPV6",
  239: "NFLOG",
  276: "LINUX_SLL2",
};

export function v4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function v4FromString(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) return undefined;
    v = v * 256 + n;
  }
  return v | 0;
}

/** RFC 5952 text of the address in words w[at..at+3] */
export function v6WordsToString(w: Int32Array, at: number): string {
  const b = V6_BYTES;
  for (let i = 0; i < 4; i++) {
    const x = w[at + i];
    b[4 * i] = x >>> 24;
    b[4 * i + 1] = (x >>> 16) & 255;
    b[4 * i + 2] = (x >>> 8) & 255;
    b[4 * i + 3] = x & 255;
  }
  return v6ToString(b, 0);
}
const V6_BYTES = new Uint8Array(16);

/**
 * Parses IPv6 text (RFC 4291: "::" once, an embedded dotted IPv4 tail, a "%zone" is dropped) into words
 * w[at..at+3]; false (words untouched) when it is not an IPv6 address.
 */
export function v6WordsFromString(s: string, w: Int32Array, at: number): boolean {
  const text = s.includes("%") ? s.slice(0, s.indexOf("%")) : s;
  const groups: number[] = [];
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes(".")) {
        const v4 = v4FromString(it);
        if (v4 === undefined) return undefined;
        out.push((v4 >>> 16) & 0xffff, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(parseInt(it, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (!head || !tail) return false;
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return false;
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    if (head.length !== 8) return false;
    groups.push(...head);
  }
  for (let i = 0; i < 4; i++) w[at + i] = ((groups[2 * i] << 16) | groups[2 * i + 1]) | 0;
  return true;
}

/** RFC 5952 text form (no arrays or joins: a capture's summary formats tens of thousands of these) */
export function v6ToString(b: Uint8Array, off: number): string {
  const G = V6_GROUPS;
  for (let i = 0; i < 8; i++) G[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  if (G[0] === 0 && G[1] === 0 && G[2] === 0 && G[3] === 0 && G[4] === 0 && G[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  // the longest run of two or more zero groups (the first of equal ones) becomes "::"
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (G[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && G[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += "::";
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && !out.endsWith(":")) out += ":";
    out += HEX16[G[i]] ?? G[i].toString(16);
  }
  return out;
}
const V6_GROUPS = new Uint16Array(8);
// hex text of the group values seen most (0–0xffff is 64 k strings: built on first use, per value)
const HEX16: string[] = [];
for (let i = 0; i < 256; i++) HEX16[i] = i.toString(16);
