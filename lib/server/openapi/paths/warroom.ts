// The war room: checklist, findings, charts, compare, report (Markdown, PDF), action items, share links, linked
// nodes, presence and the live event stream of an incident.
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import {
  ActionItem,
  ActionItemCreate,
  ActionItemPatch,
  ChartData,
  ChecklistEntry,
  ChecklistEntryPatch,
  ChecklistView,
  CompareQuery,
  CompareSources,
  Comparison,
  FindingDecisionCreate,
  FindingList,
  IncidentNode,
  IncidentNodeLink,
  ManualCheckCreate,
  PresenceList,
  Report,
  ReportSave,
  ShareLink,
  ShareLinkCreate,
  ShareLinkCreated,
} from "../../../schemas/warroom";
import { idPath, op } from "../op";

const incident = z.guid().meta({ description: "the incident's id (UUID)" });
const withChild = (name: string, schema: z.ZodType, description: string) => z.object({ id: incident, [name]: schema.meta({ description }) });

export const warRoomPaths: ZodOpenApiPathsObject = {
  "/api/v1/incidents/{id}/checklist": {
    get: op({
      summary: "The guided checklist (timeouts, resources, logs, capture, kernel) with ticks, notes and manual checks",
      description: "Computed from the latest analysis and the stored evidence; every item cites the facts it rests on or says what to collect, where, and how to send it.",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "the checklist", schema: ChecklistView },
      errors: [400, 404],
    }),
    post: op({
      summary: "Add a manual check (attributed, on the timeline)",
      tags: ["war room"],
      access: "responder",
      path: idPath("incident"),
      body: { json: ManualCheckCreate },
      ok: { status: 201, description: "the stored check", schema: ChecklistEntry },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/incidents/{id}/checklist/{key}": {
    patch: op({
      summary: "Tick, untick or note an item (a manual check's result too); `expectedVersion` guards a note",
      tags: ["war room"],
      access: "responder",
      path: withChild("key", z.string(), "the item's key (resources.accept-queue, manual.…)"),
      body: { json: ChecklistEntryPatch },
      ok: { status: 200, description: "the entry as stored", schema: ChecklistEntry },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/incidents/{id}/findings": {
    get: op({
      summary: "The latest analysis' findings, ranked, with the engineers' verdicts",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "the findings", schema: FindingList },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/findings/{findingId}/decision": {
    post: op({
      summary: "Confirm a finding as the root cause, reject it with a reason, or reopen it (on the timeline)",
      tags: ["war room"],
      access: "responder",
      path: withChild("findingId", z.string(), "a root-cause id of the latest analysis"),
      body: { json: FindingDecisionCreate },
      ok: { status: 200, description: "the findings after the verdict", schema: FindingList },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/incidents/{id}/charts": {
    get: op({
      summary: "What the charts draw: SYN/SYN-ACK schedules per host, capture histograms and states, latencies, timeouts",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "the chart data", schema: ChartData },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/compare/sources": {
    get: op({
      summary: "What can be compared: the hosts of the evidence and the linked nodes' snapshots",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "the sources", schema: CompareSources },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/compare": {
    get: op({
      summary: "Two nodes, or one node at two times: the sysctls, MTUs, routes and counters that differ",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      query: CompareQuery,
      ok: { status: 200, description: "the differences", schema: Comparison },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/report": {
    get: op({
      summary: "The postmortem: the saved Markdown, or the draft from the analysis, verdicts and timeline (?draft=1: the draft)",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      query: z.object({ draft: z.enum(["1", "true"]).optional() }),
      ok: { status: 200, description: "the report", schema: Report },
      errors: [400, 404],
    }),
    put: op({
      summary: "Save the Markdown over the version it was loaded from (0: the first save)",
      description: "A stale `expectedVersion` is refused with 409 and `error.current` (the report as it now is): nothing is overwritten. Every saved version is kept.",
      tags: ["war room"],
      access: "responder",
      path: idPath("incident"),
      body: { json: ReportSave },
      ok: { status: 200, description: "the saved report", schema: Report },
      errors: [400, 404, 409, 413],
    }),
  },
  "/api/v1/incidents/{id}/report.md": {
    get: op({
      summary: "The report as a Markdown file",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "text/markdown, as an attachment", schema: z.string(), contentType: "text/markdown", raw: true },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/report.pdf": {
    get: op({
      summary: "The report as a PDF (the system Chromium prints the public report page with the print stylesheet)",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      ok: { status: 200, description: "application/pdf, as an attachment", schema: z.string().meta({ format: "binary" }), contentType: "application/pdf", raw: true },
      errors: [400, 404],
    }),
  },
  "/api/v1/incidents/{id}/action-items": {
    get: op({ summary: "The postmortem's action items", tags: ["war room"], access: "viewer", path: idPath("incident"), ok: { status: 200, description: "the items", schema: z.array(ActionItem) }, errors: [400, 404] }),
    post: op({ summary: "Add an action item (owner, due date, status)", tags: ["war room"], access: "responder", path: idPath("incident"), body: { json: ActionItemCreate }, ok: { status: 201, description: "the item", schema: ActionItem }, errors: [400, 404, 413] }),
  },
  "/api/v1/incidents/{id}/action-items/{itemId}": {
    patch: op({ summary: "Change an action item", tags: ["war room"], access: "responder", path: withChild("itemId", z.guid(), "the action item's id"), body: { json: ActionItemPatch }, ok: { status: 200, description: "the item", schema: ActionItem }, errors: [400, 404, 413] }),
    delete: op({ summary: "Delete an action item", tags: ["war room"], access: "responder", path: withChild("itemId", z.guid(), "the action item's id"), ok: { status: 204, description: "deleted" }, errors: [400, 404] }),
  },
  "/api/v1/incidents/{id}/share-links": {
    get: op({ summary: "The report's share links (prefix, expiry, state; never the token)", tags: ["war room"], access: "viewer", path: idPath("incident"), ok: { status: 200, description: "the links", schema: z.array(ShareLink) }, errors: [400, 404] }),
    post: op({
      summary: "Create a read-only link to the report: /r/<token>, the token shown only in this answer (≥ 128 bits; its sha256 is stored)",
      tags: ["war room"],
      access: "responder",
      path: idPath("incident"),
      body: { json: ShareLinkCreate },
      ok: { status: 201, description: "the link and its token", schema: ShareLinkCreated },
      errors: [400, 404, 413],
    }),
  },
  "/api/v1/incidents/{id}/share-links/{linkId}": {
    delete: op({ summary: "Revoke a share link (its page is a 404 at once)", tags: ["war room"], access: "responder", path: withChild("linkId", z.guid(), "the share link's id"), ok: { status: 200, description: "the revoked link", schema: ShareLink }, errors: [400, 404] }),
  },
  "/api/v1/incidents/{id}/nodes": {
    get: op({ summary: "Nodes linked to the incident: kernel, MTUs, CNI, last snapshot", tags: ["war room"], access: "viewer", path: idPath("incident"), ok: { status: 200, description: "the nodes", schema: z.array(IncidentNode) }, errors: [400, 404] }),
    post: op({ summary: "Link nodes of the incident's cluster", tags: ["war room"], access: "responder", path: idPath("incident"), body: { json: IncidentNodeLink }, ok: { status: 200, description: "the linked nodes", schema: z.array(IncidentNode) }, errors: [400, 404, 413] }),
  },
  "/api/v1/incidents/{id}/nodes/{nodeId}": {
    delete: op({ summary: "Unlink a node", tags: ["war room"], access: "responder", path: withChild("nodeId", z.guid(), "the node's id"), ok: { status: 200, description: "the linked nodes", schema: z.array(IncidentNode) }, errors: [400, 404] }),
  },
  "/api/v1/incidents/{id}/presence": {
    get: op({ summary: "Who has the incident open (on any instance)", tags: ["war room"], access: "viewer", path: idPath("incident"), ok: { status: 200, description: "the people", schema: PresenceList }, errors: [400, 404] }),
  },
  "/api/v1/incidents/{id}/events": {
    get: op({
      summary: "The incident's live events (Server-Sent Events: `id: seq`, `data: {incidentId, seq, kind, entityId?}`)",
      description: "Replays what came after `Last-Event-ID` (or `?since=`), then streams; `event: ready` once caught up, `event: resync` when too much was missed or the server lost its LISTEN connection (refetch everything). The viewer is shown as present while the stream is open.",
      tags: ["war room"],
      access: "viewer",
      path: idPath("incident"),
      query: z.object({ since: z.string().regex(/^\d+$/).optional(), once: z.enum(["1"]).optional().meta({ description: "replay, say ready, and end the stream (a catch-up poll)" }) }),
      ok: { status: 200, description: "text/event-stream", schema: z.string(), contentType: "text/event-stream", raw: true },
      errors: [400, 404],
    }),
  },
};
