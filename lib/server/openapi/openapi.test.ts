// The OpenAPI document: valid OpenAPI 3.1 (checked by a validator), and in step with the route files: every
// exported handler of every app/api/v1/**/route.ts is documented with its errors, and nothing documented is missing.
import { readdirSync } from "node:fs";
import path from "node:path";
import { validate } from "@readme/openapi-parser";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./document";

const ROOT = path.resolve(__dirname, "../../..");
const API_DIR = path.join(ROOT, "app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** app/api/v1/incidents/[id]/route.ts → /api/v1/incidents/{id} */
function routeFiles(dir = API_DIR): Array<{ file: string; path: string }> {
  const out: Array<{ file: string; path: string }> = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...routeFiles(full));
    else if (d.name === "route.ts") {
      const rel = path.relative(path.join(ROOT, "app"), path.dirname(full)).split(path.sep);
      out.push({ file: full, path: "/" + rel.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/") });
    }
  }
  return out;
}

type Operation = {
  responses: Record<string, unknown>;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  "x-access"?: string;
};

describe("OpenAPI document", () => {
  const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Record<string, Operation>> };

  it("is valid OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    // the validator dereferences in place: give it a copy
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("documents every handler of every route file, with its errors, and nothing else", async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(5);
    const handlers = new Set<string>();
    for (const { file, path: p } of files) {
      const mod = (await import(file)) as Record<string, unknown>;
      const methods = METHODS.filter((m) => typeof mod[m] === "function");
      expect(methods.length, `${file} exports no handler`).toBeGreaterThan(0);
      for (const m of methods) {
        handlers.add(`${m} ${p}`);
        const o = doc.paths[p]?.[m.toLowerCase()];
        expect(o, `${m} ${p} (${path.relative(ROOT, file)}) has no OpenAPI entry: add it in lib/server/openapi/paths/`).toBeDefined();
        const codes = Object.keys(o!.responses).map(Number);
        expect(codes.some((c) => c >= 200 && c < 300), `${m} ${p}: no success answer`).toBe(true);
        expect(codes.some((c) => c >= 400), `${m} ${p}: no error answer documented`).toBe(true);
        // what every route of a kind can answer: a malformed or unknown id, a body that is bad or too big
        if (p.includes("{")) expect(codes, `${m} ${p}: an {id} route answers 400 and 404`).toEqual(expect.arrayContaining([400, 404]));
        if (o!.requestBody) expect(codes, `${m} ${p}: a route with a body answers 400 and 413`).toEqual(expect.arrayContaining([400, 413]));
        if (o!["x-access"] !== "public") expect(codes, `${m} ${p}: a protected route answers 401 and 403`).toEqual(expect.arrayContaining([401, 403]));
        for (const name of p.match(/\{(\w+)\}/g) ?? []) {
          const param = name.slice(1, -1);
          expect(o!.parameters?.some((x) => x.in === "path" && x.name === param), `${m} ${p}: path parameter ${param} undocumented`).toBe(true);
        }
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.keys(item).filter((k) => METHODS.includes(k.toUpperCase() as never)).map((k) => `${k.toUpperCase()} ${p}`),
    );
    // better-auth's own routes (app/api/auth/[...all], allow-listed in lib/server/auth/handler.ts) are documented too.
    const library = new Set(["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "POST /api/auth/change-password"]);
    expect(documented.filter((d) => !handlers.has(d) && !library.has(d)), "documented but no such handler").toEqual([]);
  });
});
