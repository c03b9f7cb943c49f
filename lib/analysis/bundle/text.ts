/**
 * Text of one entry read in bounded memory: decoded chunk by chunk, lines longer than `maxLineChars` cut
 * (the rest of the line dropped and counted), the text kept up to `maxTextChars` (cut at a line end), and
 * the remaining bytes read to the end (so sizes and limits are still counted) without being kept.
 */
import type { Chunks } from "./chunks";

export type BoundedText = {
  text: string;
  /** bytes read (after decompression) */
  bytes: number;
  /** the text stopped at maxTextChars: `keptChars` of about `bytes` were kept */
  truncated: boolean;
  /** lines cut at maxLineChars */
  longLines: number;
};

export async function readBoundedText(src: Chunks, utf16: boolean, maxTextChars: number, maxLineChars: number): Promise<BoundedText> {
  const dec = new TextDecoder(utf16 ? "utf-16le" : "utf-8");
  const parts: string[] = [];
  let kept = 0;
  let lineLen = 0;
  let longLines = 0;
  let cut = false;
  let full = false;
  let bytes = 0;

  const take = (s: string) => {
    if (full || s.length === 0) return;
    if (kept + s.length > maxTextChars) {
      // stop at the last line end that fits: the parsers see whole lines only
      const room = s.slice(0, maxTextChars - kept);
      const nl = room.lastIndexOf("\n");
      if (nl >= 0) parts.push(room.slice(0, nl + 1));
      full = true;
      return;
    }
    parts.push(s);
    kept += s.length;
  };

  const add = (s: string) => {
    if (full) return;
    let start = 0;
    let i = 0;
    for (;;) {
      const nl = s.indexOf("\n", i);
      const end = nl < 0 ? s.length : nl;
      const seg = end - i;
      if (lineLen + seg > maxLineChars) {
        const keep = Math.max(0, maxLineChars - lineLen);
        take(s.slice(start, i + keep));
        if (!cut) {
          longLines++;
          cut = true;
        }
        lineLen = maxLineChars;
        start = end;
      } else {
        lineLen += seg;
      }
      if (nl < 0) break;
      lineLen = 0;
      cut = false;
      i = nl + 1;
    }
    take(start === 0 ? s : s.slice(start));
  };

  for (;;) {
    const c = await src.read();
    if (c === null) break;
    bytes += c.length;
    if (!full) add(dec.decode(c, { stream: true }));
  }
  if (!full) add(dec.decode());
  return { text: parts.length === 1 ? parts[0]! : parts.join(""), bytes, truncated: full, longLines };
}
