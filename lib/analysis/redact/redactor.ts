/**
 * A Redactor pseudonymises, consistently for one key: IP addresses (Crypto-PAn, prefix-preserving), MAC addresses
 * and host names (keyed HMAC-SHA256). The same key gives the same mapping in text outputs, file names, capture
 * summaries and raw captures (pcap.ts), so one incident's evidence stays comparable after redaction. The key stays
 * with whoever redacts: nothing here stores it, and without it the mapping cannot be reversed or repeated.
 *
 * Kept as they are, because they identify nothing and the diagnosis reads them: 0.0.0.0, 255.255.255.255, netmasks
 * (255.x with contiguous ones), 127.0.0.0/8, 169.254.0.0/16 (link-local, the cloud metadata address), 224.0.0.0/4
 * (multicast); ::, ::1, ff00::/8; the broadcast, all-zero and multicast MACs. IPv6 link-local (fe80::/64) keeps its
 * prefix and gets a pseudonymised interface id (an EUI-64 id holds the MAC). IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * maps its IPv4 part as plain IPv4 does. A CIDR whose host bits are zero stays a network address (mapped, masked).
 *
 * Host names: every name given (`hostNames`, the bundle's host folders, `kernel.hostname` values found by
 * `learnHostNames`) is replaced in paths; in text, names that look like host names (they hold a digit, '-', '.' or
 * '_', or were found as `kernel.hostname`) are replaced as whole tokens. A host folder named like an ordinary word
 * ("client", "proxy") is replaced in paths only: replacing "server" or "upstream" in nginx's log lines would
 * destroy what the parsers read.
 */
import { createHmac } from "node:crypto";
import { CryptoPAn, formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "./cryptopan";

export type RedactorOptions = {
  /** host names to replace (node names, host folder names, …) */
  hostNames?: Iterable<string>;
};

const HOSTNAME_LIKE = /[0-9._-]/;

export class Redactor {
  readonly cp: CryptoPAn;
  private readonly key: Uint8Array;
  private readonly hostMap = new Map<string, string>();
  private readonly textHosts = new Set<string>();
  private hostRe: RegExp | null = null;
  private readonly macMemo = new Map<string, string>();

  constructor(key: Uint8Array, opts: RedactorOptions = {}) {
    this.key = key;
    this.cp = new CryptoPAn(key);
    for (const h of opts.hostNames ?? []) this.addHostName(h);
  }

  /** a host name to replace from now on; `inText`: also as a word in texts (default: when it looks like one) */
  addHostName(name: string, inText = HOSTNAME_LIKE.test(name)): string {
    const n = name.trim();
    if (!n || n === "(none)" || n === "localhost") return n;
    if (parseIPv4(n) !== null || parseIPv6(n) !== null) return this.ip(n);
    let p = this.hostMap.get(n);
    if (!p) {
      p = `host-${createHmac("sha256", this.key).update(`host\0${n}`).digest("hex").slice(0, 8)}`;
      this.hostMap.set(n, p);
    }
    if (inText && !this.textHosts.has(n)) {
      this.textHosts.add(n);
      this.hostRe = null;
    }
    return p;
  }

  /** the pseudonym of a host name (registered as one) */
  host(name: string): string {
    return this.addHostName(name, false);
  }

  /** the original names and what they map to (for the user's own records) */
  hostNames(): Map<string, string> {
    return new Map(this.hostMap);
  }

  mac(text: string): string {
    const lower = text.toLowerCase();
    const bytes = lower.split(/[:-]/).map((x) => parseInt(x, 16));
    if (bytes.every((b) => b === 0xff) || bytes.every((b) => b === 0) || bytes[0]! & 1) return text;
    let r = this.macMemo.get(lower);
    if (!r) {
      const h = this.macBytes(Uint8Array.from(bytes));
      r = Array.from(h, (b) => b.toString(16).padStart(2, "0")).join(text.includes("-") ? "-" : ":");
      this.macMemo.set(lower, r);
    }
    return r;
  }

  /** 6 bytes → their pseudonym (locally administered unicast); broadcast, zero and multicast are kept */
  macBytes(b: Uint8Array): Uint8Array {
    if (b.every((x) => x === 0xff) || b.every((x) => x === 0) || b[0]! & 1) return b;
    const h = createHmac("sha256", this.key).update("mac\0").update(b).digest();
    const out = Uint8Array.from(h.subarray(0, 6));
    out[0] = (out[0]! & 0xfc) | 0x02;
    return out;
  }

  /** an IPv4 address (32-bit unsigned) → its pseudonym, special addresses kept */
  v4(a: number): number {
    if (keepV4(a)) return a;
    return this.cp.v4(a);
  }

  /** an IPv6 address (16 bytes) → its pseudonym (a new array), special addresses kept */
  v6(b: Uint8Array): Uint8Array {
    if (b.every((x) => x === 0) || (b.subarray(0, 15).every((x) => x === 0) && b[15] === 1) || b[0] === 0xff) return Uint8Array.from(b);
    if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
      const v = this.v4(((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0);
      const out = Uint8Array.from(b);
      out.set([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], 12);
      return out;
    }
    const m = this.cp.v6(b);
    if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) m.set(b.subarray(0, 8), 0); // link-local: keep fe80::/64
    return m;
  }

  /** any address text → its pseudonym's text */
  ip(text: string): string {
    const a = parseIPv4(text);
    if (a !== null) return formatIPv4(this.v4(a));
    const b = parseIPv6(text);
    if (b === null) return text;
    if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff && text.includes(".")) {
      const v = this.v4(((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0);
      return `${text.slice(0, text.lastIndexOf(":") + 1)}${formatIPv4(v)}`;
    }
    const m = formatIPv6(this.v6(b));
    return text === text.toUpperCase() && /[A-F]/.test(text) ? m.toUpperCase() : m;
  }

  /** a CIDR: a network address (host bits zero) stays one */
  private cidr(addr: string, len: number): string {
    const a = parseIPv4(addr);
    if (a !== null) {
      if (len > 32) return this.ip(addr);
      const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
      const v = this.v4(a);
      return formatIPv4((a & ~mask) === 0 ? (v & mask) >>> 0 : v);
    }
    const b = parseIPv6(addr);
    if (b === null || len > 128) return this.ip(addr);
    const hostZero = (x: Uint8Array) => {
      for (let bit = len; bit < 128; bit++) if (x[bit >> 3]! & (0x80 >> (bit & 7))) return false;
      return true;
    };
    const m = this.v6(b);
    if (hostZero(b)) for (let bit = len; bit < 128; bit++) m[bit >> 3]! &= ~(0x80 >> (bit & 7));
    return formatIPv6(m);
  }

  /** one text output: addresses, MACs and host names replaced */
  text(s: string): string {
    let out = s.replace(TOKEN, (whole, v6: string | undefined, v6len: string | undefined, v4: string | undefined, v4len: string | undefined) => {
      if (v4 !== undefined) {
        if (parseIPv4(v4) === null) return whole;
        return v4len !== undefined ? `${this.cidr(v4, Number(v4len))}/${v4len}` : this.ip(v4);
      }
      return this.colonToken(v6!, v6len);
    });
    if (this.textHosts.size > 0) {
      if (!this.hostRe) {
        const names = [...this.textHosts].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        this.hostRe = new RegExp(`(?<![A-Za-z0-9_-])(?:${names.join("|")})(?![A-Za-z0-9_-])`, "g");
      }
      out = out.replace(this.hostRe, (n) => this.hostMap.get(n) ?? n);
    }
    return out;
  }

  /** a token with colons: an IPv6 address (maybe followed by :port or .port), a MAC, or something else */
  private colonToken(tok: string, len: string | undefined): string {
    if (parseIPv6(tok) !== null) return len !== undefined ? `${this.cidr(tok, Number(len))}/${len}` : this.ip(tok);
    const suffix = len !== undefined ? `/${len}` : "";
    if (/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(tok)) return this.mac(tok) + suffix;
    // ":::22" (netstat), "fe80::1.546" (tcpdump): the address, then a port
    const m = /^(.*?)([:.]\d{1,5})$/.exec(tok);
    if (m && m[1] && parseIPv6(m[1]) !== null) return this.ip(m[1]) + m[2] + suffix;
    return tok + suffix;
  }

  /** a bundle path: host folders and file names (which may hold addresses, `ip-route-get-10.0.0.5.txt`) */
  path(p: string): string {
    return p
      .split("/")
      .map((seg) => (this.hostMap.has(seg) ? this.hostMap.get(seg)! : this.text(seg)))
      .join("/");
  }

  /** a JSON value (e.g. a capture summary): every string redacted as text */
  json<T>(v: T): T {
    return JSON.parse(this.text(JSON.stringify(v))) as T;
  }
}

// an IPv6-ish token (hex and colons, at least two colons, maybe a dotted-quad tail) or an IPv4 address, each with an
// optional /prefix; not inside a longer word or dotted number
const TOKEN = new RegExp(
  [
    "(?<![\\w:])((?:[0-9A-Fa-f]{0,4}:){2,8}(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?:\\.\\d{1,5})?)(?:/(\\d{1,3})(?!\\d))?(?![\\w:])",
    "(?<![\\w.])(\\d{1,3}(?:\\.\\d{1,3}){3})(?:/(\\d{1,2})(?!\\d))?(?!\\d)",
  ].join("|"),
  "g",
);

function keepV4(a: number): boolean {
  const top = a >>> 24;
  if (a === 0 || a === 0xffffffff || top === 127 || top >= 224) return true;
  if (a >>> 16 === 0xa9fe) return true; // 169.254/16
  if (top === 255) return true; // netmasks 255.x (contiguous or not; nothing routable starts with 255)
  return false;
}

/** `kernel.hostname = X` lines of sysctl outputs: the host's own name, to be replaced wherever it appears */
export function learnHostNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^kernel\.(?:hostname|domainname)\s*=\s*(\S+)\s*$/gm)) if (m[1] !== "(none)") out.push(m[1]!);
  return out;
}
