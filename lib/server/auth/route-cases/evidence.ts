// Working requests of the evidence and analysis routes (see ../route-cases.ts). Seeded by auth; ingest extends.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { sharedPath } from "../../../testing/shared";
import { getPrisma } from "../../db";
import type { RouteCases } from "../route-cases";

/** An evidence item (a paste) of an incident, written directly. */
async function evidenceOf(incidentId: string): Promise<string> {
  const prisma = await getPrisma();
  const row = await prisma.evidenceItem.create({
    data: {
      incidentId,
      kind: "paste",
      sha256: createHash("sha256").update(randomBytes(16)).digest("hex"),
      sizeBytes: BigInt(12),
      status: "ready",
    },
    select: { id: true },
  });
  return row.id;
}

/** A real output to paste: `netstat -ant` from the shared corpus (see its SOURCES.md). */
const pasted = () => readFileSync(sharedPath("corpus/cmd/netstat-ant_datadog.out"), "utf8");

export default {
  "GET /api/v1/incidents/[id]/evidence": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/evidence": {
    setup: async (f) => ({ params: { id: f.incident.id }, body: pasted(), contentType: "text/plain" }),
    expect: 202,
  },
  "GET /api/v1/incidents/[id]/evidence/[evidenceId]": {
    setup: async (f) => ({ params: { id: f.incident.id, evidenceId: await evidenceOf(f.incident.id) } }),
    // a visible incident with the item of another (hidden) incident: as "not found" as no item at all
    hidden: async (f) => ({ id: f.incident.id, evidenceId: await evidenceOf(f.hidden.incident.id) }),
    expect: 200,
  },
  "DELETE /api/v1/incidents/[id]/evidence/[evidenceId]": {
    setup: async (f) => ({ params: { id: f.incident.id, evidenceId: await evidenceOf(f.incident.id) } }),
    hidden: async (f) => ({ id: f.incident.id, evidenceId: await evidenceOf(f.hidden.incident.id) }),
    expect: 200,
  },
  "GET /api/v1/incidents/[id]/analysis": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/analysis": { params: (f) => ({ id: f.incident.id }), body: {}, expect: 202 },
} satisfies RouteCases;
