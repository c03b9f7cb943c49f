// Working requests of the account, token and set-up routes (see ../route-cases.ts).
import { createHash, randomBytes } from "node:crypto";
import { getPrisma } from "../../db";
import { makePersonalToken, makeUser } from "../../testing/auth";
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

  "GET /api/v1/me": { expect: 200 },

  "GET /api/v1/users": { expect: 200 },
  "POST /api/v1/users": {
    setup: async () => ({ body: { name: "Made In Test", email: `made-${randomBytes(4).toString("hex")}@example.test`, role: "viewer" } }),
    expect: 201,
  },
  "GET /api/v1/users/[id]": { params: (f) => ({ id: f.users.viewer.id }), expect: 200 },
  "PATCH /api/v1/users/[id]": {
    setup: async () => ({ params: { id: (await makeUser("viewer", { signIn: false })).id }, body: { role: "responder" } }),
    expect: 200,
  },
  "POST /api/v1/invites/accept": {
    setup: async () => {
      const user = await makeUser("viewer", { signIn: false });
      const token = `nmv_${randomBytes(32).toString("base64url")}`;
      await (await getPrisma()).userInvite.create({
        data: { userId: user.id, tokenHash: createHash("sha256").update(token).digest("hex"), expiresAt: new Date(Date.now() + 3600_000) },
      });
      return { body: { token, password: "a new password" } };
    },
    expect: 200,
  },

  "GET /api/v1/clusters/[id]/members": { params: (f) => ({ id: f.cluster.id }), expect: 200 },
  "POST /api/v1/clusters/[id]/members": {
    setup: async (f) => ({ params: { id: f.cluster.id }, body: { userId: (await makeUser("viewer", { signIn: false })).id } }),
    expect: 201,
  },
  "DELETE /api/v1/clusters/[id]/members/[userId]": {
    setup: async (f) => {
      const u = await makeUser("viewer", { signIn: false, clusters: [f.cluster.id] });
      return { params: { id: f.cluster.id, userId: u.id } };
    },
    expect: 204,
  },

  "GET /api/v1/audit": { expect: 200 },
} satisfies RouteCases;
