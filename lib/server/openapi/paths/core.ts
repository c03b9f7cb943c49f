// Incidents, clusters, nodes, timeline and health: the API of sessions 1–3.
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { Cluster, ClusterCreate, ClusterListQuery, ClusterPatch } from "../../../schemas/cluster";
import {
  Incident,
  IncidentCreate,
  IncidentListQuery,
  IncidentPatch,
  IncidentStatusChange,
} from "../../../schemas/incident";
import { ClusterNode, NodeCreate, NodeListQuery, NodePatch } from "../../../schemas/node";
import { TimelineEvent, TimelineEventCreate, TimelineListQuery } from "../../../schemas/timeline";
import { idPath, op } from "../op";

const IncidentDoc = Incident.meta({ id: "Incident" });
const ClusterDoc = Cluster.meta({ id: "Cluster" });
const NodeDoc = ClusterNode.meta({ id: "Node" });
const TimelineEventDoc = TimelineEvent.meta({ id: "TimelineEvent" });

export const corePaths: ZodOpenApiPathsObject = {
  "/api/v1/health": {
    get: op({
      summary: "Liveness and a database round trip",
      tags: ["health"],
      access: "public",
      ok: {
        status: 200,
        description: "the server and its database answer",
        schema: z.object({ ok: z.literal(true), db: z.enum(["pglite", "postgresql"]) }),
      },
    }),
  },
  "/api/v1/incidents": {
    get: op({
      summary: "List incidents, newest first",
      tags: ["incidents"],
      access: "viewer",
      query: IncidentListQuery,
      ok: { status: 200, description: "a page of incidents", schema: IncidentDoc, list: true },
      errors: [400],
    }),
    post: op({
      summary: "Open an incident",
      tags: ["incidents"],
      access: "responder",
      body: { json: IncidentCreate },
      ok: { status: 201, description: "the incident", schema: IncidentDoc },
      errors: [400, 404, 413, 422],
    }),
  },
  "/api/v1/incidents/{id}": {
    get: op({
      summary: "One incident",
      tags: ["incidents"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "the incident", schema: IncidentDoc },
      errors: [400, 404],
    }),
    patch: op({
      summary: "Change an incident's descriptive fields (not its status)",
      tags: ["incidents"],
      access: "responder",
      path: idPath("incident"),
      body: { json: IncidentPatch },
      ok: { status: 200, description: "the incident as it now is", schema: IncidentDoc },
      errors: [400, 404, 413, 422],
    }),
  },
  "/api/v1/incidents/{id}/status": {
    post: op({
      summary: "Change an incident's status (guarded by expectedVersion)",
      tags: ["incidents"],
      access: "responder",
      path: idPath("incident"),
      body: { json: IncidentStatusChange },
      ok: { status: 200, description: "the incident as it now is", schema: IncidentDoc },
      errors: [400, 404, 409, 413, 422],
    }),
  },
  "/api/v1/incidents/{id}/timeline": {
    get: op({
      summary: "An incident's timeline, oldest first",
      tags: ["timeline"],
      access: "viewer",
      path: idPath("incident"),
      query: TimelineListQuery,
      ok: { status: 200, description: "a page of events", schema: TimelineEventDoc, list: true },
      errors: [400, 404],
    }),
    post: op({
      summary: "Add a timeline entry",
      tags: ["timeline"],
      access: "responder",
      path: idPath("incident"),
      body: { json: TimelineEventCreate },
      ok: { status: 201, description: "the event", schema: TimelineEventDoc },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/clusters": {
    get: op({
      summary: "List clusters, newest first",
      tags: ["clusters"],
      access: "viewer",
      query: ClusterListQuery,
      ok: { status: 200, description: "a page of clusters", schema: ClusterDoc, list: true },
      errors: [400],
    }),
    post: op({
      summary: "Add a cluster",
      tags: ["clusters"],
      access: "admin",
      body: { json: ClusterCreate },
      ok: { status: 201, description: "the cluster", schema: ClusterDoc },
      errors: [400, 409, 413],
    }),
  },
  "/api/v1/clusters/{id}": {
    get: op({
      summary: "One cluster",
      tags: ["clusters"],
      access: "viewer",
      path: idPath("cluster"),
      ok: { status: 200, description: "the cluster", schema: ClusterDoc },
      errors: [400, 404],
    }),
    patch: op({
      summary: "Change a cluster",
      tags: ["clusters"],
      access: "admin",
      path: idPath("cluster"),
      body: { json: ClusterPatch },
      ok: { status: 200, description: "the cluster as it now is", schema: ClusterDoc },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/clusters/{id}/nodes": {
    get: op({
      summary: "A cluster's nodes, newest first",
      tags: ["nodes"],
      access: "viewer",
      path: idPath("cluster"),
      query: NodeListQuery,
      ok: { status: 200, description: "a page of nodes", schema: NodeDoc, list: true },
      errors: [400, 404],
    }),
    post: op({
      summary: "Add a node to a cluster",
      tags: ["nodes"],
      access: "admin",
      path: idPath("cluster"),
      body: { json: NodeCreate },
      ok: { status: 201, description: "the node", schema: NodeDoc },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/nodes/{id}": {
    get: op({
      summary: "One node, with what its latest snapshot said (kernel, interfaces, MTUs)",
      tags: ["nodes"],
      access: "viewer",
      path: idPath("node"),
      ok: { status: 200, description: "the node", schema: NodeDoc },
      errors: [400, 404],
    }),
    patch: op({
      summary: "Change a node",
      tags: ["nodes"],
      access: "admin",
      path: idPath("node"),
      body: { json: NodePatch },
      ok: { status: 200, description: "the node as it now is", schema: NodeDoc },
      errors: [400, 404, 409, 413],
    }),
  },
};
