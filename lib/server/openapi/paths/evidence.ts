// Evidence (uploads, pastes) and the durable analysis of an incident.
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { AnalysisQueued, AnalysisRequest, AnalysisState } from "../../../schemas/analysis";
import { EvidenceAccepted, EvidenceItem, EvidenceListQuery, UPLOAD_CONTENT_TYPES, UploadFilename } from "../../../schemas/evidence";
import { NodeName } from "../../../schemas/ingest";
import { idPath, op } from "../op";

const evidencePath = z.object({
  id: z.guid().meta({ description: "the incident's id (UUID)" }),
  evidenceId: z.guid().meta({ description: "the evidence item's id (UUID)" }),
});

export const evidencePaths: ZodOpenApiPathsObject = {
  "/api/v1/incidents/{id}/evidence": {
    get: op({
      summary: "What arrived for an incident: items newest first, each file with what it was recognised as",
      tags: ["evidence"],
      access: "viewer",
      path: idPath("incident"),
      query: EvidenceListQuery,
      ok: { status: 200, description: "a page of evidence items (each with at most 200 files)", schema: EvidenceItem, list: true },
      errors: [400, 404],
    }),
    post: op({
      summary: "Upload a bundle, a capture or a pasted output (raw body)",
      description:
        "The file is the request body itself (`curl -T bundle.tar.gz -H 'Content-Type: application/gzip'`), never " +
        "multipart. It is streamed to disk while counted and hashed (413 past the cap, 1 GiB by default; a declared " +
        "Content-Length over it is refused before anything is read), told by its content (415 when it is none of the " +
        "formats, or not what its Content-Type says), and read by the incident's analysis job (see …/analysis). " +
        "The same bytes sent twice to one incident make one item: the second answer is 200 with `duplicate: true`. " +
        "`?redact=1` with the user's key in `X-Netmortem-Redact-Key` (64 hex digits, the key of `netmortem redact` " +
        "and `--redact`) pseudonymises the upload before anything keeps it: addresses (Crypto-PAn, prefix-preserving), " +
        "MACs and host names in texts, file names and captures (payloads zeroed); a bundle is stored as a redacted " +
        ".tar.gz, what cannot be redacted is left out (listed in the item's options as `redactionDropped`). Only the " +
        "redacted copy is stored; the item's options say `redacted: true`. The key is used for this request only, " +
        "never stored or logged; a missing or malformed key (or a key without `redact=1`) is a 400 and nothing is stored.",
      tags: ["evidence"],
      access: "responder",
      path: idPath("incident"),
      query: z.object({
        keepRaw: z.enum(["true", "false", "1", "0"]).optional().meta({ description: "keep the raw file in the blob directory (retention-limited)" }),
        redact: z.enum(["true", "false", "1", "0"]).optional().meta({ description: "redact the upload with the key of X-Netmortem-Redact-Key before it is stored" }),
      }),
      headers: z.object({
        "x-filename": UploadFilename.optional().meta({ description: "the file's name (percent-encoded when not ASCII); a single-host bundle's host is named after it" }),
        "x-host": NodeName.optional().meta({ description: "the host a single file or paste came from (default `host`)" }),
        "x-netmortem-redact-key": z.string().regex(/^[0-9a-fA-F]{64}$/).optional().meta({ description: "with redact=1: the user's redaction key (64 hex digits); used for this request only, never stored" }),
      }),
      body: { raw: UPLOAD_CONTENT_TYPES, description: "the bundle (.tar, .tar.gz, .zip), capture (.pcap, .pcapng, gzip'd or not) or text" },
      ok: { status: 202, description: "stored; the analysis job reads it (200 when the same bytes were already there)", schema: EvidenceAccepted },
      errors: [400, 404, 413, 415],
    }),
  },
  "/api/v1/incidents/{id}/evidence/{evidenceId}": {
    get: op({
      summary: "One evidence item with every file and what it was recognised as",
      tags: ["evidence"],
      access: "viewer",
      path: evidencePath,
      ok: { status: 200, description: "the evidence item", schema: EvidenceItem },
      errors: [400, 404],
    }),
    delete: op({
      summary: "Delete an evidence item (audited; the incident is analysed again without it)",
      tags: ["evidence"],
      access: "responder",
      path: evidencePath,
      ok: { status: 200, description: "deleted", schema: z.object({ id: z.guid(), deleted: z.literal(true) }) },
      errors: [400, 404, 409],
    }),
  },
  "/api/v1/incidents/{id}/analysis": {
    get: op({
      summary: "The incident's analysis: the latest job's state and progress, and the latest result",
      tags: ["analysis"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "status, progress, error and the Analysis JSON (rootCause, findings, leading, …)", schema: AnalysisState },
      errors: [400, 404],
    }),
    post: op({
      summary: "Analyse the incident again from the evidence the database holds",
      tags: ["analysis"],
      access: "responder",
      path: idPath("incident"),
      body: { json: AnalysisRequest, required: false, description: "nothing, or {}" },
      ok: { status: 202, description: "the job that will run (a queued one is reused)", schema: AnalysisQueued },
      errors: [400, 404, 413],
    }),
  },
};
