// The route × role test (routes.test.ts) finds every app/**/route.ts, checks each exported method was made with
// route(policy, handler), and then for each one: 401 without a credential, 403 for every role (and token kind) the
// policy excludes, and a working request for the least role it allows. The working request is declared here, one
// entry per "METHOD /path/of/[the]/route", in any file of lib/server/auth/route-cases/ (one file per area, so that
// people adding routes do not edit the same file):
//
//   // lib/server/auth/route-cases/evidence.ts
//   import type { RouteCases } from "../route-cases";
//   export default {
//     "GET /api/v1/incidents/[id]/evidence": { params: (f) => ({ id: f.incident.id }), expect: 200 },
//     "POST /api/v1/incidents/[id]/evidence": {
//       params: (f) => ({ id: f.incident.id }),
//       body: "netstat -s output…", contentType: "text/plain", expect: 202,
//     },
//     "DELETE /api/v1/incidents/[id]/evidence/[evidenceId]": {
//       setup: async (f) => ({ params: { id: f.incident.id, evidenceId: (await makeEvidence(f.incident.id)).id } }),
//       expect: 200,
//     },
//   } satisfies RouteCases;
//
// The fixture: one cluster with a node and an incident; a viewer, a responder and an admin (all members of the
// cluster), an ingest token of the cluster; and `hidden`, another cluster (no members) with its own node and
// incident. `setup` runs right before the working request, as `as` (the caller), and may make whatever that
// request needs.
//
// Scoping: for a viewer/responder route with path parameters, the test also sends the request with the ids of
// something the caller may not see and with ids that exist nowhere, and requires the same 404 answer (ids aside).
// An `[id]` after incidents/, clusters/, nodes/ or tokens/ is filled in automatically (the hidden cluster's
// objects, another user's token); any other parameter (a nested child's id) needs `hidden`:
//
//     hidden: async (f) => ({ id: f.incident.id, evidenceId: (await makeEvidence(f.hidden.incident.id)).id }),
//
// i.e. a visible parent with a child of an invisible one, which must be as "not found" as a child that never was.
import type { TestUser } from "../testing/auth";

export interface RouteFixture {
  cluster: { id: string; name: string };
  node: { id: string; name: string };
  incident: { id: string };
  users: { viewer: TestUser; responder: TestUser; admin: TestUser };
  ingest: { token: string; id: string };
  /** a cluster nobody of `users` is a member of (admins aside), with a node and an incident */
  hidden: { cluster: { id: string }; node: { id: string }; incident: { id: string } };
}

export interface RouteRequest {
  /** path parameters ([id] → { id }) */
  params?: Record<string, string>;
  /** a JSON-able value (sent as JSON) or a string or bytes (sent as is, with `contentType`) */
  body?: unknown;
  contentType?: string;
  /** query string without "?" */
  query?: string;
  headers?: Record<string, string>;
}

export interface RouteCase extends Omit<RouteRequest, "params"> {
  params?: (f: RouteFixture) => Record<string, string>;
  /** makes what the working request needs; `as` is who will send it (null for public routes, the ingest token's fixture for ingest ones) */
  setup?: (f: RouteFixture, as: TestUser | null) => Promise<RouteRequest>;
  /** the status of the working request */
  expect: number;
  /** path parameters naming something the caller may not see (see the header); needed for nested ids */
  hidden?: (f: RouteFixture) => Promise<Record<string, string>> | Record<string, string>;
  /**
   * Ingest routes: the working request aimed at `f.hidden` (another cluster's node, incident, capture or capture
   * request). The cluster's ingest token must get `expect` (404 for an id: then the same answer as for an id that
   * exists nowhere, ids aside) and must change nothing of the other cluster.
   */
  foreign?: (f: RouteFixture) => Promise<RouteRequest & { expect: number }>;
}

export type RouteCases = Record<string, RouteCase>;
