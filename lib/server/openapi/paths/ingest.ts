// What node agents send (cluster ingest token), and the nodes' snapshots, counter series and capture requests.
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import {
  AgentCaptureRequestQuery,
  CaptureRequest,
  CaptureRequestCreate,
  CaptureRequestFailure,
  CaptureRequestListQuery,
} from "../../../schemas/capture-request";
import { CaptureIngest, CaptureRequestForAgent, IngestAccepted, SnapshotIngest } from "../../../schemas/ingest";
import { CounterSeries, CounterSeriesQuery, NodeSnapshot, SnapshotListQuery } from "../../../schemas/snapshot";
import { idPath, op } from "../op";

const Accepted = IngestAccepted.meta({ id: "IngestAccepted" });
const idempotency = z.object({
  "idempotency-key": z.string().max(200).optional().meta({
    description: "the same key with the same body answers the first answer (200, duplicate) and changes nothing; with another body: 409",
  }),
  "content-encoding": z.enum(["gzip", "identity"]).optional(),
});

export const ingestPaths: ZodOpenApiPathsObject = {
  "/api/v1/ingest/snapshots": {
    post: op({
      summary: "One node's outputs at one moment, from its agent",
      description:
        "The node is made under the token's cluster when unknown; its kernel, interfaces and MTUs follow its latest " +
        "snapshot. Outputs are recognised and parsed by the evidence engine (the same parser as uploads); an output " +
        "that did not change is stored once. Bodies up to 16 MiB once inflated.",
      tags: ["ingest"],
      access: "ingest",
      headers: idempotency,
      body: { json: SnapshotIngest.meta({ id: "SnapshotIngest" }) },
      ok: { status: 202, description: "stored (200 when it repeats an earlier Idempotency-Key)", schema: Accepted },
      errors: [400, 404, 409, 413, 415],
    }),
  },
  "/api/v1/ingest/captures": {
    post: op({
      summary: "A capture summarised at the node by the same capture engine",
      tags: ["ingest"],
      access: "ingest",
      headers: idempotency,
      body: { json: CaptureIngest.meta({ id: "CaptureIngest" }) },
      ok: { status: 202, description: "stored (200 when it repeats an earlier Idempotency-Key); its requestId's request is done", schema: Accepted },
      errors: [400, 404, 409, 413, 415],
    }),
  },
  "/api/v1/ingest/captures/{id}/raw": {
    post: op({
      summary: "The raw pcap of a capture summary (--send-raw)",
      tags: ["ingest"],
      access: "ingest",
      path: idPath("capture summary evidence item"),
      body: { raw: ["application/vnd.tcpdump.pcap", "application/x-pcapng"], description: "the pcap/pcapng (Content-Encoding: gzip allowed)" },
      ok: { status: 202, description: "kept in the blob directory under its retention limit (200 when it was already)", schema: Accepted },
      errors: [400, 404, 413, 415],
    }),
  },
  "/api/v1/ingest/capture-requests": {
    get: op({
      summary: "The capture requests waiting for a node's agent (handed out once)",
      tags: ["ingest"],
      access: "ingest",
      query: AgentCaptureRequestQuery,
      ok: { status: 200, description: "the pending requests, now claimed", schema: z.array(CaptureRequestForAgent) },
      errors: [400],
    }),
  },
  "/api/v1/ingest/capture-requests/{id}/failure": {
    post: op({
      summary: "The agent cannot do a capture request",
      tags: ["ingest"],
      access: "ingest",
      path: idPath("capture request"),
      body: { json: CaptureRequestFailure },
      ok: { status: 200, description: "the request, now failed", schema: CaptureRequest },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/nodes/{id}/snapshots": {
    get: op({
      summary: "A node's agent snapshots, newest first",
      tags: ["nodes"],
      access: "viewer",
      path: idPath("node"),
      query: SnapshotListQuery,
      ok: { status: 200, description: "a page of snapshots", schema: NodeSnapshot, list: true },
      errors: [400, 404],
    }),
  },
  "/api/v1/nodes/{id}/counters": {
    get: op({
      summary: "A node's counters over time, for charts",
      description: "One series per counter (default: the counters the diagnosis reads) with deltas and rates between snapshots.",
      tags: ["nodes"],
      access: "viewer",
      path: idPath("node"),
      query: CounterSeriesQuery,
      ok: { status: 200, description: "the series", schema: CounterSeries },
      errors: [400, 404],
    }),
  },
  "/api/v1/nodes/{id}/capture-requests": {
    get: op({
      summary: "The capture requests of a node, newest first",
      tags: ["nodes"],
      access: "viewer",
      path: idPath("node"),
      query: CaptureRequestListQuery,
      ok: { status: 200, description: "a page of capture requests", schema: CaptureRequest, list: true },
      errors: [400, 404],
    }),
    post: op({
      summary: "Ask a node's agent for a capture",
      tags: ["nodes"],
      access: "responder",
      path: idPath("node"),
      body: { json: CaptureRequestCreate },
      ok: { status: 201, description: "the request, pending until the agent polls", schema: CaptureRequest },
      errors: [400, 404, 413],
    }),
  },
};
