import { z } from "zod";
import { Id, PageQuery, queryFilter } from "./common";
import { NodeName } from "./ingest";

// Evidence of an incident: uploaded bundles, single captures, pasted text, agent snapshots and capture summaries.
//
//   POST /api/v1/incidents/{id}/evidence           raw body (never multipart), Content-Type below, 202 EvidenceAccepted
//   GET  /api/v1/incidents/{id}/evidence           EvidenceItem[] newest first (keyset pages), ?kind= ?nodeId=
//   GET  /api/v1/incidents/{id}/evidence/{evidenceId}   one EvidenceItem with every file

export const EVIDENCE_KINDS = ["bundle", "capture", "paste", "snapshot", "capture-summary"] as const;
export const EvidenceKind = z.enum(EVIDENCE_KINDS);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

/** received: stored, waiting for the analysis job; processing: being read; ready: read; failed: see `error`. */
export const EVIDENCE_STATUSES = ["received", "processing", "ready", "failed"] as const;
export const EvidenceStatus = z.enum(EVIDENCE_STATUSES);
export type EvidenceStatus = z.infer<typeof EvidenceStatus>;

/**
 * Content types the upload route takes (anything else is 415). What the bytes ARE is decided by their content
 * (magic bytes), so a .tar.gz sent as application/octet-stream is not refused for its label alone: the type says
 * how the client thinks of it, and text/plain is the one that means "a pasted output".
 */
export const UPLOAD_CONTENT_TYPES = [
  "application/gzip",
  "application/x-gzip",
  "application/x-tar",
  "application/zip",
  "application/vnd.tcpdump.pcap",
  "application/x-pcapng",
  "application/octet-stream",
  "text/plain",
] as const;
export const UploadContentType = z.enum(UPLOAD_CONTENT_TYPES);
export type UploadContentType = z.infer<typeof UploadContentType>;

/** `X-Filename`: a file name as the user's machine knew it (no folders), for display and as a name hint. */
export const UploadFilename = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^/\\\0\r\n]+$/, "a file name, not a path")
  .refine((s) => !/^\.+$/.test(s), "a file name, not . or ..");

/**
 * Headers and query of the upload. `X-Host` names the host a single file or a paste came from (default "host"; a
 * bundle's hosts come from its folders). `?keepRaw=true` keeps raw capture bytes in the blob directory (subject to
 * its retention limit); by default only their summaries are kept.
 */
export const UploadOptions = z.strictObject({
  filename: UploadFilename.optional(),
  host: NodeName.optional(),
  keepRaw: z.boolean().default(false),
});
export type UploadOptions = z.infer<typeof UploadOptions>;

export const UploadQuery = z.strictObject({
  keepRaw: queryFilter(z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")),
  /** redact the upload with the key of the X-Netmortem-Redact-Key header before anything keeps it */
  redact: queryFilter(z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")),
});

/** What POST …/evidence and the ingest routes answer (202). `duplicate`: the same bytes were already there. */
export const EvidenceAccepted = z
  .object({
    id: z.string(),
    status: EvidenceStatus,
    duplicate: z.boolean(),
    /** the analysis job this evidence started (null when a queued one already covers it) */
    jobId: z.string().nullable(),
  })
  .meta({ id: "EvidenceAccepted" });
export type EvidenceAccepted = z.infer<typeof EvidenceAccepted>;

/** A capture's summary in brief (the full summary is the engine's CaptureSummary, kept in the database). */
export const CaptureBrief = z
  .object({
    format: z.string(),
    packets: z.number().int(),
    bytes: z.number(),
    flows: z.number().int(),
    handshakes: z.object({ attempted: z.number().int(), failed: z.number().int() }).nullable(),
    /** reading stopped here (a cut or corrupt capture): what was read before is summarised */
    error: z.string().nullable(),
  })
  .meta({ id: "CaptureBrief" });
export type CaptureBrief = z.infer<typeof CaptureBrief>;

/** One file of an evidence item and what the engine recognised it as. */
export const EvidenceFile = z
  .object({
    id: z.string(),
    host: z.string(),
    path: z.string(),
    /** the parser that recognised it (sysctl, nstat, pcap, tcpdump-text, …) or "unrecognized" */
    kind: z.string(),
    recognised: z.boolean(),
    sizeBytes: z.number().int(),
    /** why it was not recognised, or what was odd about it */
    note: z.string().nullable(),
    capture: CaptureBrief.nullable(),
  })
  .meta({ id: "EvidenceFile" });
export type EvidenceFile = z.infer<typeof EvidenceFile>;

export const EvidenceSource = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("user"), userId: z.string(), name: z.string().nullable() }),
    z.object({ kind: z.literal("ingest"), tokenId: z.string() }),
  ])
  .meta({ id: "EvidenceSource" });
export type EvidenceSource = z.infer<typeof EvidenceSource>;

export const EvidenceItem = z
  .object({
    id: z.string(),
    incidentId: z.string().nullable(),
    clusterId: z.string().nullable(),
    node: z.object({ id: z.string(), name: z.string() }).nullable(),
    kind: EvidenceKind,
    filename: z.string().nullable(),
    contentType: z.string().nullable(),
    sha256: z.string(),
    sizeBytes: z.number().int(),
    status: EvidenceStatus,
    /** why it failed, in words for the person who sent it */
    error: z.string().nullable(),
    /** when the outputs were taken (snapshots, capture summaries); null when unknown */
    takenAt: z.string().nullable(),
    createdAt: z.string(),
    /** who sent it (null: before accounts, or the user was deleted) */
    source: EvidenceSource.nullable(),
    /** raw capture bytes are kept in the blob directory */
    rawKept: z.boolean(),
    /** host names in the item (a bundle's folders, the node of a snapshot) */
    hosts: z.array(z.string()),
    fileCount: z.number().int(),
    /** recognised / unrecognised file counts */
    recognisedCount: z.number().int(),
    /** the files; in lists at most EVIDENCE_LIST_FILES of them (`filesTruncated`), all of them from GET …/evidence/{evidenceId} */
    files: z.array(EvidenceFile),
    filesTruncated: z.boolean(),
  })
  .meta({ id: "EvidenceItem" });
export type EvidenceItem = z.infer<typeof EvidenceItem>;

export const EVIDENCE_LIST_FILES = 200;

export const EvidenceListQuery = PageQuery.extend({
  kind: queryFilter(EvidenceKind),
  nodeId: queryFilter(Id),
});
export type EvidenceListQuery = z.infer<typeof EvidenceListQuery>;
