/**
 * Redaction of texts of any size, piece by piece (`netmortem redact`, with walkBundle's `textStreams`): the bytes
 * are decoded as they come and redacted up to the last place where no token can be cut (a line end, else past
 * MAX_PENDING characters the last character no address, MAC or host name can hold or touch), so the output is
 * exactly Redactor.text of the whole text while only about one line is held. Also the pass that learns the hosts'
 * own names (`kernel.hostname = …`) from a streamed text.
 */
import { learnHostNames, type Redactor } from "./redactor";

/** characters held at most while waiting for a line end */
const MAX_PENDING = 1 << 20;

/**
 * Where `s` can be cut so that redacting the two sides apart gives what redacting `s` whole gives: after the last
 * "\n", else (when `s` is long) after the last character outside [A-Za-z0-9_:./-] (an address, a MAC, a CIDR, a
 * host name and what their patterns look at around them are made of these), else nowhere (-1).
 */
function cutAt(s: string, force: boolean): number {
  const nl = s.lastIndexOf("\n");
  if (nl >= 0) return nl + 1;
  if (!force) return -1;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    const word = (c >= 48 && c <= 58) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 47 || c === 45;
    if (!word) return i + 1;
  }
  return -1;
}

/** Text pieces → the redacted text, in pieces (see the header comment). */
export class TextRedaction {
  private readonly dec: TextDecoder;
  private pending = "";

  constructor(private readonly r: Redactor, encoding: "utf-8" | "utf-16le" = "utf-8") {
    this.dec = new TextDecoder(encoding, { fatal: false });
  }

  push(chunk: Uint8Array): string {
    return this.take(this.pending + this.dec.decode(chunk, { stream: true }), false);
  }

  end(): string {
    return this.take(this.pending + this.dec.decode(), true);
  }

  private take(s: string, last: boolean): string {
    if (last) {
      this.pending = "";
      return this.r.text(s);
    }
    let at = cutAt(s, s.length > MAX_PENDING);
    // a token of over MAX_PENDING characters with nothing to cut at: cut it anyway, rather than hold it all
    if (at < 0 && s.length > 4 * MAX_PENDING) at = s.length;
    if (at <= 0) {
      this.pending = s;
      return "";
    }
    this.pending = s.slice(at);
    return this.r.text(s.slice(0, at));
  }
}

/** The `kernel.hostname` / `kernel.domainname` values of a streamed text (learnHostNames, line by line). */
export class HostNameScan {
  private readonly dec: TextDecoder;
  private pending = "";
  readonly names: string[] = [];

  constructor(encoding: "utf-8" | "utf-16le" = "utf-8") {
    this.dec = new TextDecoder(encoding, { fatal: false });
  }

  push(chunk: Uint8Array): void {
    const s = this.pending + this.dec.decode(chunk, { stream: true });
    const nl = s.lastIndexOf("\n");
    // a line longer than MAX_PENDING holds no sysctl line worth keeping whole
    this.pending = nl >= 0 ? s.slice(nl + 1) : s.length > MAX_PENDING ? "" : s;
    if (nl >= 0 && s.includes("kernel.")) this.names.push(...learnHostNames(s.slice(0, nl + 1)));
  }

  end(): string[] {
    const s = this.pending + this.dec.decode();
    this.pending = "";
    if (s.includes("kernel.")) this.names.push(...learnHostNames(s));
    return this.names;
  }
}
