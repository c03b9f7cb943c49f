/**
 * Names and messages at the file-system edge. A file name is bytes on Linux: one that is not valid UTF-8 is
 * read through its bytes (Buffer paths) and shown with the undecodable bytes as `\xNN`, so one odd name
 * neither fails a directory (ENOENT from a lossy round trip) nor reaches a terminal raw.
 */
const strict = new TextDecoder("utf-8", { fatal: true });

/** the name as text: UTF-8 when it is, else valid runs decoded and every other byte as `\xNN` */
export function displayName(b: Uint8Array): string {
  try {
    return strict.decode(b);
  } catch {
    // fall through: decode byte by byte
  }
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n > 0 && i + n <= b.length) {
      try {
        out += strict.decode(b.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // not a valid sequence: escape its first byte
      }
    }
    out += `\\x${c.toString(16).padStart(2, "0")}`;
    i++;
  }
  return out;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many levels of symbolic links (a symlink loop?)",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
  EIO: "input/output error",
};

/** an fs error as a sentence: what went wrong in words (and the errno code), with the path when given */
export function ioMessage(err: unknown, p?: string): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const what = code && ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : err instanceof Error ? err.message : String(err);
  return p === undefined ? what : `${what}: ${p}`;
}
