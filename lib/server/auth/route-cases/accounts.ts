// Working requests of the account, token and set-up routes (see ../route-cases.ts).
import { makePersonalToken } from "../../testing/auth";
import type { RouteCases } from "../route-cases";

export default {
  // The set-up is gone once an account exists (its first-start behaviour: auth.test.ts).
  "POST /api/v1/setup": { body: { name: "x", email: "late@example.test", password: "a long password" }, expect: 404 },

  "GET /api/v1/tokens": { expect: 200 },
  "POST /api/v1/tokens": { body: { name: "route test" }, expect: 201 },
  "DELETE /api/v1/tokens/[id]": {
    // a token of the caller's own
    setup: async (_f, as) => ({ params: { id: (await makePersonalToken(as?.id ?? "")).id } }),
    expect: 200,
  },
  "GET /api/v1/clusters/[id]/ingest-tokens": { params: (f) => ({ id: f.cluster.id }), expect: 200 },
  "POST /api/v1/clusters/[id]/ingest-tokens": { params: (f) => ({ id: f.cluster.id }), body: { name: "agent" }, expect: 201 },
} satisfies RouteCases;
