// Working requests of the war room's routes (see ../route-cases.ts).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RouteCases, RouteFixture } from "../route-cases";

const db = async () => (await import("../../db")).getPrisma();

/** An analysis of the fixture's incident with one finding (the latest version), so a verdict has something to judge. */
async function withAnalysis(incidentId: string): Promise<void> {
  const prisma = await db();
  const last = await prisma.analysis.findFirst({ where: { incidentId }, orderBy: { version: "desc" }, select: { version: true } });
  const finding = { id: "accept_queue_overflow", confidence: 0.9, title: "Accept queue overflow", summary: "s", evidence: [], against: [], fix: [], references: [] };
  const result = { rootCause: "accept_queue_overflow", findings: [finding], checked: [], hosts: [] };
  await prisma.analysis.create({ data: { incidentId, version: (last?.version ?? 0) + 1, rootCause: "accept_queue_overflow", result, evidenceIds: [] } });
}

/** A fresh incident of the fixture's cluster with one real output (`uname -r` of seed 002) from each of two hosts. */
async function incidentWithTwoHosts(f: RouteFixture): Promise<string> {
  const prisma = await db();
  const { putTextBlobs, textBlob } = await import("../../storage/text-blobs");
  const text = readFileSync(path.resolve("lib/analysis/diagnosis/testdata/seeds/002-nodeport/ingress-node/uname-r.txt"), "utf8");
  const blob = textBlob(text);
  await putTextBlobs(prisma, [blob]);
  const incident = await prisma.incident.create({ data: { clusterId: f.cluster.id, title: "compare", severity: "sev4", startedAt: new Date() } });
  const item = await prisma.evidenceItem.create({
    data: { incidentId: incident.id, kind: "paste", sha256: blob.sha256, sizeBytes: blob.bytes.length, status: "ready", filename: "uname.txt" },
  });
  for (const host of ["node-a", "node-b"]) {
    await prisma.evidenceFile.create({ data: { evidenceId: item.id, host, path: "uname-r.txt", kind: "uname", sizeBytes: blob.bytes.length, blobSha256: blob.sha256 } });
  }
  return incident.id;
}

export default {
  "GET /api/v1/incidents/[id]/checklist": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/checklist": { params: (f) => ({ id: f.incident.id }), body: { step: "logs", title: "CDN dashboard", result: "pass" }, expect: 201 },
  "PATCH /api/v1/incidents/[id]/checklist/[key]": {
    params: (f) => ({ id: f.incident.id, key: "kernel.version" }),
    body: { ticked: true },
    expect: 200,
    hidden: (f) => ({ id: f.hidden.incident.id, key: "kernel.version" }),
  },
  "GET /api/v1/incidents/[id]/findings": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/findings/[findingId]/decision": {
    setup: async (f) => {
      await withAnalysis(f.incident.id);
      return { params: { id: f.incident.id, findingId: "accept_queue_overflow" }, body: { verdict: "confirmed" } };
    },
    expect: 200,
    hidden: async (f) => {
      await withAnalysis(f.hidden.incident.id);
      return { id: f.hidden.incident.id, findingId: "accept_queue_overflow" };
    },
  },
  "GET /api/v1/incidents/[id]/charts": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "GET /api/v1/incidents/[id]/compare/sources": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "GET /api/v1/incidents/[id]/compare": {
    setup: async (f) => ({ params: { id: await incidentWithTwoHosts(f) }, query: "a=host:node-a&b=host:node-b" }),
    expect: 200,
  },
  "GET /api/v1/incidents/[id]/report": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "PUT /api/v1/incidents/[id]/report": {
    setup: async (f) => {
      const row = await (await db()).report.findUnique({ where: { incidentId: f.incident.id }, select: { version: true } });
      return { params: { id: f.incident.id }, body: { markdown: "# Postmortem\n\nroute × role", expectedVersion: row?.version ?? 0 } };
    },
    expect: 200,
  },
  "GET /api/v1/incidents/[id]/report.md": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "GET /api/v1/incidents/[id]/report.pdf": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "GET /api/v1/incidents/[id]/action-items": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/action-items": { params: (f) => ({ id: f.incident.id }), body: { title: "raise somaxconn" }, expect: 201 },
  "PATCH /api/v1/incidents/[id]/action-items/[itemId]": {
    setup: async (f) => {
      const item = await (await db()).actionItem.create({ data: { incidentId: f.incident.id, title: "patch me" } });
      return { params: { id: f.incident.id, itemId: item.id }, body: { status: "done" } };
    },
    expect: 200,
    hidden: async (f) => ({ id: f.incident.id, itemId: (await (await db()).actionItem.create({ data: { incidentId: f.hidden.incident.id, title: "hidden" } })).id }),
  },
  "DELETE /api/v1/incidents/[id]/action-items/[itemId]": {
    setup: async (f) => {
      const item = await (await db()).actionItem.create({ data: { incidentId: f.incident.id, title: "delete me" } });
      return { params: { id: f.incident.id, itemId: item.id } };
    },
    expect: 204,
    hidden: async (f) => ({ id: f.incident.id, itemId: (await (await db()).actionItem.create({ data: { incidentId: f.hidden.incident.id, title: "hidden" } })).id }),
  },
  "GET /api/v1/incidents/[id]/share-links": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/share-links": { params: (f) => ({ id: f.incident.id }), body: {}, expect: 201 },
  "DELETE /api/v1/incidents/[id]/share-links/[linkId]": {
    setup: async (f) => {
      const link = await (await db()).shareLink.create({ data: { incidentId: f.incident.id, tokenHash: Math.random().toString(16).slice(2).padEnd(64, "0").slice(0, 64), prefix: "routecas" } });
      return { params: { id: f.incident.id, linkId: link.id } };
    },
    expect: 200,
    hidden: async (f) => ({
      id: f.incident.id,
      linkId: (await (await db()).shareLink.create({ data: { incidentId: f.hidden.incident.id, tokenHash: Math.random().toString(16).slice(2).padEnd(64, "1").slice(0, 64), prefix: "hiddenln" } })).id,
    }),
  },
  "GET /api/v1/incidents/[id]/nodes": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/nodes": {
    setup: async (f) => {
      await (await db()).incidentNode.deleteMany({ where: { incidentId: f.incident.id, nodeId: f.node.id } });
      return { params: { id: f.incident.id }, body: { nodeIds: [f.node.id] } };
    },
    expect: 200,
  },
  "DELETE /api/v1/incidents/[id]/nodes/[nodeId]": {
    setup: async (f) => {
      await (await db()).incidentNode.upsert({ where: { incidentId_nodeId: { incidentId: f.incident.id, nodeId: f.node.id } }, create: { incidentId: f.incident.id, nodeId: f.node.id }, update: {} });
      return { params: { id: f.incident.id, nodeId: f.node.id } };
    },
    expect: 200,
    hidden: (f) => ({ id: f.incident.id, nodeId: f.hidden.node.id }),
  },
  "GET /api/v1/incidents/[id]/presence": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  // once=1: the replay, then the stream ends (a stream that stays open would never let the test read it)
  "GET /api/v1/incidents/[id]/events": { params: (f) => ({ id: f.incident.id }), query: "since=0&once=1", expect: 200 },
} satisfies RouteCases;
