/**
 * The API target's request maker (api-gen.ts) on the OpenAPI document the server serves: every /api/v1 operation
 * is found, requests replay by (seed, index), path ids come from the pool of real ids, and the hostile parts the
 * issue names (control characters, extremes, wrong types, missing and extra fields) are all produced.
 */
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../lib/server/openapi/document";
import { collectionOf, makeRequest, operations } from "./api-gen";

const doc = openApiDocument() as unknown as Record<string, unknown>;
const ops = operations(doc);
const raw = () => new Uint8Array([1, 2, 3]);
const ids = (c: string) => (c === "incidents" ? ["11111111-1111-4111-8111-111111111111"] : []);

describe("api-gen", () => {
  it("finds every /api/v1 operation of the document with its access, parameters and body", () => {
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    const expected = Object.entries(paths).filter(([p]) => p.startsWith("/api/v1/")).flatMap(([p, item]) => Object.keys(item).filter((m) => ["get", "post", "put", "patch", "delete"].includes(m)).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(expected.sort());
    const create = ops.find((o) => o.method === "POST" && o.path === "/api/v1/incidents")!;
    expect(create.access).not.toBe("public");
    expect(create.body?.schema?.properties).toHaveProperty("title");
    expect(ops.find((o) => o.path === "/api/v1/incidents/{id}")!.params.map((p) => `${p.in}:${p.name}`)).toContain("path:id");
  });

  it("requests replay by (seed, index) and path ids come from the pool", () => {
    const op = ops.find((o) => o.method === "GET" && o.path === "/api/v1/incidents/{id}")!;
    expect(makeRequest(op, 5, 77, ids, raw)).toEqual(makeRequest(op, 5, 77, ids, raw));
    const urls = Array.from({ length: 200 }, (_, i) => makeRequest(op, 5, i, ids, raw).url);
    expect(urls.filter((u) => u.includes("11111111-1111-4111-8111-111111111111")).length).toBeGreaterThan(100);
    expect(collectionOf("/api/v1/incidents/{id}/evidence/{evidenceId}", "id")).toBe("incidents");
    expect(collectionOf("/api/v1/incidents/{id}/evidence/{evidenceId}", "evidenceId")).toBe("evidence");
  });

  it("produces control characters, extremes, wrong types, missing and extra fields, broken JSON; valid requests are valid JSON", () => {
    const op = ops.find((o) => o.method === "POST" && o.path === "/api/v1/incidents")!;
    const notes = new Set<string>();
    const bodies: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const req = makeRequest(op, 9, i, ids, raw);
      for (const n of req.notes) notes.add(n.replace(/^[^:]*: /, "").replace(/ .*$/, ""));
      if (req.body) bodies.push(Buffer.from(req.body).toString("utf8"));
      if (req.notes.includes("valid")) expect(() => JSON.parse(Buffer.from(req.body!).toString("utf8"))).not.toThrow();
    }
    for (const n of ["hostile", "extreme", "wrong", "field", "extra", "truncated", "deep"]) expect([...notes].some((x) => x.startsWith(n)), n).toBe(true);
    expect(bodies.some((b) => b.includes("\\u0000"))).toBe(true);
    expect(bodies.some((b) => b.includes("\\u001b"))).toBe(true);
    expect(bodies.some((b) => /1e\+?308/.test(b))).toBe(true);
  });
});
