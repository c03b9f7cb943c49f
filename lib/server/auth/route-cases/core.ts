// Working requests of the incident, cluster and node routes (see ../route-cases.ts).
import type { RouteCases } from "../route-cases";

export default {
  "GET /api/v1/health": { expect: 200 },
  "GET /collect.sh": { expect: 200 },
  "GET /api/v1/openapi.json": { expect: 200 },
  "GET /docs/api": { expect: 200 },
  "GET /docs/api/init.js": { expect: 200 },
  "GET /docs/api/scalar.js": { expect: 200 },

  "GET /api/v1/clusters": { expect: 200 },
  "POST /api/v1/clusters": { body: { name: `rbac-${Math.random().toString(36).slice(2, 8)}` }, expect: 201 },
  "GET /api/v1/clusters/[id]": { params: (f) => ({ id: f.cluster.id }), expect: 200 },
  "PATCH /api/v1/clusters/[id]": { params: (f) => ({ id: f.cluster.id }), body: { provider: "kubeadm" }, expect: 200 },
  "GET /api/v1/clusters/[id]/nodes": { params: (f) => ({ id: f.cluster.id }), expect: 200 },
  "POST /api/v1/clusters/[id]/nodes": { params: (f) => ({ id: f.cluster.id }), body: { name: "node-rbac" }, expect: 201 },
  "GET /api/v1/nodes/[id]": { params: (f) => ({ id: f.node.id }), expect: 200 },
  "PATCH /api/v1/nodes/[id]": { params: (f) => ({ id: f.node.id }), body: { kernelVersion: "6.1.0-18-amd64" }, expect: 200 },

  "GET /api/v1/incidents": { expect: 200 },
  "POST /api/v1/incidents": { body: { title: "route × role", severity: "sev4" }, expect: 201 },
  "GET /api/v1/incidents/[id]": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "PATCH /api/v1/incidents/[id]": { params: (f) => ({ id: f.incident.id }), body: { summary: "edited by the route test" }, expect: 200 },
  "POST /api/v1/incidents/[id]/status": {
    setup: async (f) => {
      const { getPrisma } = await import("../../db");
      const row = await (await getPrisma()).incident.findUniqueOrThrow({ where: { id: f.incident.id } });
      return { params: { id: f.incident.id }, body: { to: row.status === "open" ? "mitigated" : "open", expectedVersion: row.version } };
    },
    expect: 200,
  },
  "GET /api/v1/incidents/[id]/timeline": { params: (f) => ({ id: f.incident.id }), expect: 200 },
  "POST /api/v1/incidents/[id]/timeline": { params: (f) => ({ id: f.incident.id }), body: { kind: "note", body: "route × role" }, expect: 201 },
} satisfies RouteCases;
