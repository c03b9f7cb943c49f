import { z } from "zod";
import { Timestamp } from "./common";

// The contract between the node agent (`netmortem agent`, `cli/commands/agent.ts`) and the ingest API
// (`POST /api/v1/ingest/snapshots`, `POST /api/v1/ingest/captures`). One schema for both sides: the agent builds
// these bodies, the server parses them with the same schema and then hands every output to the same evidence engine
// (lib/analysis/evidence) the bundle reader uses, so there is one parser, not two.
//
// Transport: JSON, optionally gzip'd (`Content-Encoding: gzip`); `Authorization: Bearer <ingest token>` (scoped to
// one cluster: the node is created under it when unknown); `Idempotency-Key: <uuid or ≤ 200 chars>` makes a retry a
// no-op that answers the first answer. Everything here is bounded because it comes from the network.

export const INGEST_LIMITS = {
  /** one output's text (a `sysctl -a` is ~60-120 KB; nft rulesets of big clusters a few MB) */
  maxOutputBytes: 4 * 1024 * 1024,
  /** outputs in one snapshot */
  maxOutputs: 64,
  /** the decoded JSON body of one snapshot */
  maxSnapshotBytes: 16 * 1024 * 1024,
  /** the decoded JSON body of one capture summary */
  maxCaptureSummaryBytes: 32 * 1024 * 1024,
  /** flows kept in a capture summary sent by an agent (worst first) */
  maxFlows: 10_000,
} as const;

/** A Kubernetes node name (RFC 1123 subdomain) or a plain host name. */
export const NodeName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "must be a host or node name (letters, digits, '.', '-', '_')");

export const AgentInfo = z.strictObject({
  version: z.string().max(40),
  /** what `uname -r` said, when it ran */
  kernel: z.string().max(80).optional(),
  /** the namespace the agent ran in, as it sees it ("host" with hostNetwork) */
  netns: z.string().max(120).optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/**
 * One collected output. `name` is the file name the output would have in a bundle (`sysctl-a.txt`,
 * `proc-net-netstat.txt`, `ss-ltn.txt`…): a hint only, the engine recognises outputs by content.
 */
export const SnapshotOutput = z.strictObject({
  name: z.string().min(1).max(200).regex(/^[^/\\\0]+$/, "a file name, not a path"),
  /** the command line that produced it, or the file that was read (`cat /proc/net/netstat`) */
  command: z.string().max(500),
  content: z.string().max(INGEST_LIMITS.maxOutputBytes),
  /** the output was cut at the agent's bound */
  truncated: z.boolean().optional(),
  exitCode: z.number().int().min(-1).max(255).optional(),
});
export type SnapshotOutput = z.infer<typeof SnapshotOutput>;

/** What the agent could not collect, and why (a missing tool is skipped, never fatal). */
export const SkippedOutput = z.strictObject({
  command: z.string().max(500),
  reason: z.string().max(500),
});
export type SkippedOutput = z.infer<typeof SkippedOutput>;

export const SnapshotIngest = z.strictObject({
  node: NodeName,
  /** when the outputs were taken (the agent's clock) */
  takenAt: Timestamp,
  agent: AgentInfo,
  outputs: z.array(SnapshotOutput).max(INGEST_LIMITS.maxOutputs),
  skipped: z.array(SkippedOutput).max(INGEST_LIMITS.maxOutputs).default([]),
  /** attach the snapshot's evidence to this incident as well as to the node (optional) */
  incidentId: z.guid().optional(),
});
export type SnapshotIngest = z.infer<typeof SnapshotIngest>;

/**
 * A capture summarised at the node by the same capture engine (lib/analysis/capture `CaptureSummary`, flows cut to
 * `maxFlows`). The summary is validated for shape at its top level and bounded in size; its fields are the engine's.
 */
export const CaptureSummaryBody = z.looseObject({
  format: z.enum(["pcap", "pcapng", "tcpdump-text"]),
  packets: z.number().int().min(0),
  bytes: z.number().min(0),
  flows: z.array(z.looseObject({})).max(INGEST_LIMITS.maxFlows),
});

export const CaptureIngest = z.strictObject({
  node: NodeName,
  takenAt: Timestamp,
  agent: AgentInfo,
  capture: z.strictObject({
    iface: z.string().min(1).max(64),
    filter: z.string().max(500).optional(),
    seconds: z.number().min(0).max(3600),
    /** tcpdump's own counts ("N packets captured / received by filter / dropped by kernel") */
    tcpdump: z
      .strictObject({ captured: z.number().int().min(0), received: z.number().int().min(0), dropped: z.number().int().min(0) })
      .optional(),
  }),
  summary: CaptureSummaryBody,
  /** set when this capture answers a capture request made in the war room */
  requestId: z.guid().optional(),
  incidentId: z.guid().optional(),
});
export type CaptureIngest = z.infer<typeof CaptureIngest>;

/** What both ingest routes answer (202): the evidence item and whether it was new or a known repeat. */
export const IngestAccepted = z.object({
  id: z.string(),
  nodeId: z.string(),
  status: z.enum(["received", "processing", "ready", "failed"]),
  duplicate: z.boolean(),
});
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** `GET /api/v1/ingest/capture-requests?node=NAME`: what the war room asked this node's agent to capture. */
export const CaptureRequestForAgent = z.object({
  id: z.string(),
  iface: z.string(),
  seconds: z.number().int(),
  filter: z.string().nullable(),
  sendRaw: z.boolean(),
});
export type CaptureRequestForAgent = z.infer<typeof CaptureRequestForAgent>;
