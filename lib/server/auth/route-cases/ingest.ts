// Working requests of the ingest routes (the cluster's agent, with its ingest token) and of the nodes' snapshot,
// counter and capture-request routes (see ../route-cases.ts). Bodies are real: a snapshot the agent recorded in a
// namespace (lib/server/ingest/testdata/snapshots), the summary of a recorded capture.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { summarizeCapture } from "../../../analysis/capture";
import { getPrisma } from "../../db";
import { recordedSnapshots } from "../../testing/snapshots";
import type { RouteCases } from "../route-cases";

const PCAP = fileURLToPath(new URL("../../../analysis/capture/testdata/healthy-http.pcap", import.meta.url));

/** A capture summary this cluster's agent sent, written directly. */
async function captureOf(clusterId: string, nodeId: string): Promise<string> {
  const prisma = await getPrisma();
  const row = await prisma.evidenceItem.create({
    data: {
      clusterId,
      nodeId,
      kind: "capture_summary",
      filename: "capture-eth0.pcap",
      sha256: createHash("sha256").update(randomBytes(16)).digest("hex"),
      sizeBytes: BigInt(10),
      status: "ready",
    },
    select: { id: true },
  });
  return row.id;
}

async function requestOf(nodeId: string): Promise<string> {
  const prisma = await getPrisma();
  return (await prisma.captureRequest.create({ data: { nodeId, iface: "eth0", seconds: 5 }, select: { id: true } })).id;
}

export default {
  "POST /api/v1/ingest/snapshots": {
    setup: async (f) => ({ body: { ...recordedSnapshots("node-srv")[0]!, node: f.node.name } }),
    expect: 202,
    // attached to another cluster's incident
    foreign: async (f) => ({ body: { ...recordedSnapshots("node-srv")[1]!, node: f.node.name, incidentId: f.hidden.incident.id }, expect: 404 }),
  },
  "POST /api/v1/ingest/captures": {
    setup: async (f) => ({
      body: {
        node: f.node.name,
        takenAt: new Date().toISOString(),
        agent: { version: "test" },
        capture: { iface: "eth0", seconds: 5 },
        summary: await summarizeCapture(readFileSync(PCAP)),
      },
    }),
    expect: 202,
    // the answer to another cluster's capture request
    foreign: async (f) => ({
      body: {
        node: f.node.name,
        takenAt: new Date().toISOString(),
        agent: { version: "test" },
        capture: { iface: "eth0", seconds: 5 },
        requestId: await requestOf(f.hidden.node.id),
        summary: await summarizeCapture(readFileSync(PCAP)),
      },
      expect: 404,
    }),
  },
  "POST /api/v1/ingest/captures/[id]/raw": {
    setup: async (f) => ({
      params: { id: await captureOf(f.cluster.id, f.node.id) },
      body: new Uint8Array(readFileSync(PCAP)),
      contentType: "application/vnd.tcpdump.pcap",
    }),
    expect: 202,
    foreign: async (f) => ({
      params: { id: await captureOf(f.hidden.cluster.id, f.hidden.node.id) },
      body: new Uint8Array(readFileSync(PCAP)),
      contentType: "application/vnd.tcpdump.pcap",
      expect: 404,
    }),
  },
  "GET /api/v1/ingest/capture-requests": {
    setup: async (f) => ({ query: `node=${encodeURIComponent(f.node.name)}` }),
    expect: 200,
    // another cluster's node, by its name, with a pending request: nothing handed out (still unclaimed)
    foreign: async (f) => {
      await requestOf(f.hidden.node.id);
      return { query: "node=hidden-node", expect: 200 };
    },
  },
  "POST /api/v1/ingest/capture-requests/[id]/failure": {
    setup: async (f) => ({ params: { id: await requestOf(f.node.id) }, body: { error: "tcpdump: eth0: No such device exists" } }),
    expect: 200,
    foreign: async (f) => ({ params: { id: await requestOf(f.hidden.node.id) }, body: { error: "tcpdump: eth0: No such device exists" }, expect: 404 }),
  },
  "GET /api/v1/nodes/[id]/snapshots": { params: (f) => ({ id: f.node.id }), expect: 200 },
  "GET /api/v1/nodes/[id]/counters": { params: (f) => ({ id: f.node.id }), expect: 200 },
  "GET /api/v1/nodes/[id]/capture-requests": { params: (f) => ({ id: f.node.id }), expect: 200 },
  "POST /api/v1/nodes/[id]/capture-requests": { params: (f) => ({ id: f.node.id }), body: { iface: "eth0", seconds: 10 }, expect: 201 },
} satisfies RouteCases;
