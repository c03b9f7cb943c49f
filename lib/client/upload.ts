"use client";

// Evidence upload with real progress: XMLHttpRequest (fetch has no upload progress) sending the file as the raw
// request body (never multipart), as the ingest API takes it.
import { EvidenceAccepted } from "@/lib/schemas/evidence";
import { API_BASE, ApiError } from "./api";

/** The Content-Type the upload route expects for a file name (the server decides what the bytes are). */
export function contentTypeFor(name: string): string {
  const n = name.toLowerCase();
  if (/\.(tar\.gz|tgz|gz)$/.test(n)) return "application/gzip";
  if (n.endsWith(".tar")) return "application/x-tar";
  if (n.endsWith(".zip")) return "application/zip";
  if (/\.(pcap|cap)$/.test(n)) return "application/vnd.tcpdump.pcap";
  if (n.endsWith(".pcapng")) return "application/x-pcapng";
  if (/\.(txt|log|out|conf|json)$/.test(n)) return "text/plain";
  return "application/octet-stream";
}

/** X-Filename must be a Latin-1 header value without path separators. */
export function headerFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/[^\x20-\x7e]/g, "_").slice(0, 255) || "upload";
}

export type UploadProgress = { loaded: number; total: number };

export function uploadEvidence(
  incidentId: string,
  body: Blob,
  opts: {
    filename: string;
    host?: string;
    contentType?: string;
    /** the user's redaction key (64 hex digits): the server redacts the upload before storing it; the key is not kept */
    redactKey?: string;
    onProgress?: (p: UploadProgress) => void;
    signal?: AbortSignal;
  },
): Promise<EvidenceAccepted> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API_BASE}/incidents/${incidentId}/evidence${opts.redactKey ? "?redact=1" : ""}`);
    if (opts.redactKey) xhr.setRequestHeader("x-netmortem-redact-key", opts.redactKey);
    xhr.setRequestHeader("content-type", opts.contentType ?? contentTypeFor(opts.filename));
    xhr.setRequestHeader("x-filename", headerFilename(opts.filename));
    if (opts.host) xhr.setRequestHeader("x-host", opts.host);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : body.size });
    xhr.onerror = () => reject(new ApiError(0, "network_error", "The upload was cut off: check the connection and try again."));
    xhr.onabort = () => reject(new DOMException("upload cancelled", "AbortError"));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = EvidenceAccepted.safeParse((json as { data?: unknown } | undefined)?.data);
        if (parsed.success) resolve(parsed.data);
        else reject(new ApiError(xhr.status, "bad_response", "The server sent a response this page does not understand."));
        return;
      }
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      reject(new ApiError(xhr.status, err?.code ?? "http_error", err?.message ?? `The server answered ${xhr.status}`));
    };
    opts.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
