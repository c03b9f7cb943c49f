/**
 * Terminal safety for everything the command prints (issue 10 item 6): file names and file contents come
 * from strangers, and a raw ESC[2J, a window-title sequence (OSC), a carriage return that rewrites the line
 * or a bidi override would act on the user's terminal. `escapeControls` shows every such character as a
 * visible escape (`\x1b`, `\r`, `\u202e`); newline and tab stay. `installTerminalEscaping` (called once by
 * main) routes stdout and stderr through it, so no command can forget; the command's own control sequences
 * (the progress line's `\r … ESC[K`) go through `writeRaw`.
 */

// C0 controls but \t and \n, DEL, C1 controls, and the Unicode format characters that reorder or hide text
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\r": "\\r", "\u000b": "\\v", "\f": "\\f", "\b": "\\b", "\u0000": "\\0" };

export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

type Write = typeof process.stdout.write;
const raw = new WeakMap<NodeJS.WriteStream, Write>();

/** Every later write to stdout/stderr is escaped (strings and bytes alike). Idempotent. */
export function installTerminalEscaping(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (raw.has(stream)) continue;
    const original = stream.write.bind(stream) as Write;
    raw.set(stream, original);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : String(chunk);
      return (original as (c: string, ...r: unknown[]) => boolean)(escapeControls(text), ...rest);
    }) as Write;
  }
}

/** Writes the command's own control sequences (escape whatever came from input before calling this). */
export function writeRaw(stream: NodeJS.WriteStream, s: string): boolean {
  const w = raw.get(stream) ?? (stream.write.bind(stream) as Write);
  return (w as (c: string) => boolean)(s);
}
