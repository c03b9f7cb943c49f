import { z } from "zod";
import { Id, PageQuery } from "./common";
import { NodeName } from "./ingest";

// The war room asks a node's agent for a capture; the agent polls for requests (no inbound port on the node).
//
//   POST /api/v1/nodes/{id}/capture-requests              (responder) CaptureRequestCreate → 201 CaptureRequest
//   GET  /api/v1/nodes/{id}/capture-requests              CaptureRequest[] newest first
//   GET  /api/v1/ingest/capture-requests?node=NAME        (ingest token) CaptureRequestForAgent[]: the pending ones,
//                                                         now marked claimed (handed out once); one not answered
//                                                         within seconds + CAPTURE_CLAIM_GRACE_S expires
//   POST /api/v1/ingest/capture-requests/{id}/failure     (ingest token) CaptureRequestFailure → 200 CaptureRequest
//   The capture itself arrives with POST /api/v1/ingest/captures `requestId`, which marks the request done;
//   its raw pcap, when asked for, with POST /api/v1/ingest/captures/{evidenceId}/raw.

export const CAPTURE_REQUEST_STATES = ["pending", "claimed", "done", "failed", "expired"] as const;
export const CaptureRequestState = z.enum(CAPTURE_REQUEST_STATES);
export type CaptureRequestState = z.infer<typeof CaptureRequestState>;

/** An interface name as `ip link` prints it (IFNAMSIZ 16, but `any` and altnames are longer in practice). */
export const InterfaceName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "an interface name (eth0, cni0, any)");

export const CaptureRequestCreate = z.strictObject({
  iface: InterfaceName,
  seconds: z.number().int().min(1).max(300).default(30),
  /** a BPF filter; the agent passes it to tcpdump as one argument (never through a shell) */
  filter: z.string().trim().max(500).regex(/^[^\0\r\n]*$/, "one line").optional(),
  sendRaw: z.boolean().default(false),
  incidentId: Id.optional(),
});
export type CaptureRequestCreate = z.infer<typeof CaptureRequestCreate>;

export const CaptureRequest = z
  .object({
    id: z.string(),
    nodeId: z.string(),
    incidentId: z.string().nullable(),
    iface: z.string(),
    seconds: z.number().int(),
    filter: z.string().nullable(),
    sendRaw: z.boolean(),
    state: CaptureRequestState,
    error: z.string().nullable(),
    evidenceId: z.string().nullable(),
    requestedById: z.string().nullable(),
    createdAt: z.string(),
    claimedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "CaptureRequest" });
export type CaptureRequest = z.infer<typeof CaptureRequest>;

export const CaptureRequestListQuery = PageQuery;

export const AgentCaptureRequestQuery = z.strictObject({ node: NodeName });

export const CaptureRequestFailure = z.strictObject({ error: z.string().trim().min(1).max(2000) });
export type CaptureRequestFailure = z.infer<typeof CaptureRequestFailure>;

/** A claimed request not answered within its seconds plus this grace expires. */
export const CAPTURE_CLAIM_GRACE_S = 120;
