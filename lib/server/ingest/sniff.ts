// What an upload is, told from its first bytes (not its name or label): an archive (bundle), a capture or a text
// (paste). The Content-Type must agree with it, so a garbage body labelled .tar.gz is refused (415) before any job
// is made; a gzip whose head inflates to nothing readable goes to the job, which says what is wrong with it.
import { constants, gunzipSync } from "node:zlib";
import type { EvidenceKind, UploadContentType } from "../../schemas/evidence";

export type UploadKind = Extract<EvidenceKind, "bundle" | "capture" | "paste">;

export type Sniffed = { kind: UploadKind; format: "tar" | "tar.gz" | "zip" | "gzip" | "pcap" | "pcapng" | "text"; gzip: boolean };

const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
const isTar = (b: Uint8Array) =>
  b.length >= 262 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;

function captureFormat(b: Uint8Array): "pcap" | "pcapng" | undefined {
  if (b.length < 4) return undefined;
  const m = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return "pcap";
  if (m === 0x0a0d0d0a) return "pcapng";
  return undefined;
}

function isText(b: Uint8Array): boolean {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return true; // UTF-16LE with a BOM (PowerShell's `>`)
  const n = Math.min(b.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) odd++;
  }
  return n === 0 || odd / n <= 0.1;
}

function describe(b: Uint8Array): string {
  const hex = Buffer.from(b.subarray(0, 8)).toString("hex").replace(/(..)/g, "$1 ").trim();
  return b.length === 0 ? "it is empty" : `it starts with ${hex}`;
}

/** The kind of an upload from its head, or the reason it is refused (415). */
export function sniffUpload(head: Uint8Array, contentType: UploadContentType): Sniffed | { refuse: string } {
  let found: Sniffed | undefined;
  if (isGzip(head)) {
    let inner: Uint8Array | undefined;
    try {
      inner = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      inner = undefined; // a corrupt stream: the job reads it and says where it breaks
    }
    if (!inner || inner.length === 0) found = { kind: "bundle", format: "gzip", gzip: true };
    else if (isTar(inner) || isZip(inner)) found = { kind: "bundle", format: "tar.gz", gzip: true };
    else if (captureFormat(inner)) found = { kind: "capture", format: captureFormat(inner)!, gzip: true };
    else if (isText(inner)) found = { kind: "paste", format: "text", gzip: true };
    else return { refuse: "the body is gzip-compressed but holds neither a tar archive, a pcap/pcapng capture nor text" };
  } else if (isZip(head)) found = { kind: "bundle", format: "zip", gzip: false };
  else if (isTar(head)) found = { kind: "bundle", format: "tar", gzip: false };
  else if (captureFormat(head)) found = { kind: "capture", format: captureFormat(head)!, gzip: false };
  else if (isText(head) && head.length > 0) found = { kind: "paste", format: "text", gzip: false };
  if (!found) {
    return { refuse: `the body is not a tar, tar.gz or zip archive, a pcap/pcapng capture or text (${describe(head)})` };
  }
  const archiveTypes = ["application/gzip", "application/x-gzip", "application/x-tar", "application/zip"];
  const captureTypes = ["application/vnd.tcpdump.pcap", "application/x-pcapng"];
  if (contentType === "text/plain" && found.kind !== "paste") {
    return { refuse: `Content-Type is text/plain but the body is a ${found.format} file: send it as ${found.kind === "capture" ? "application/vnd.tcpdump.pcap" : "application/gzip or application/zip"}` };
  }
  if (archiveTypes.includes(contentType) && found.kind === "paste" && !found.gzip) {
    return { refuse: `Content-Type is ${contentType} but the body is text, not an archive (${describe(head)}): send a pasted output as text/plain` };
  }
  if (captureTypes.includes(contentType) && found.kind !== "capture") {
    return { refuse: `Content-Type is ${contentType} but the body is not a pcap/pcapng capture (${describe(head)})` };
  }
  return found;
}

/** The name an upload gets when X-Filename does not give one (a single-host bundle's host is named after it). */
export function defaultFilename(s: Sniffed, sha256: string): string {
  switch (s.format) {
    case "zip":
      return "upload.zip";
    case "tar":
      return "upload.tar";
    case "tar.gz":
    case "gzip":
      return "upload.tar.gz";
    case "pcap":
    case "pcapng":
      return `capture.${s.format}${s.gzip ? ".gz" : ""}`;
    default:
      // the hash first: a name ending in digits ("paste-be779ee7") would be read as the rank of a reading
      // (snapshotRank), and a paste of two `netstat -s` readings would be one reading at one moment
      return `${sha256.slice(0, 8)}-paste.txt${s.gzip ? ".gz" : ""}`;
  }
}
