// lib/server/route-methods.ts (the HTTP guard's Allow on a 405) must list every route file's methods as they are
// now: regenerate it with `npx tsx scripts/build/route-methods.ts` when this fails.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allowed, exportedMethods, routeMethodsSource } from "../../scripts/build/route-methods";

describe("route methods table", () => {
  it("is current with app/**/route.ts", () => {
    expect(fs.readFileSync(path.join(import.meta.dirname, "route-methods.ts"), "utf8")).toBe(routeMethodsSource());
  });
  it("reads every way a route file exports a method, and adds what Next answers by itself", () => {
    const src = "export const GET = route(x);\nexport async function POST() {}\nexport { a as DELETE, PATCH };\nexport const dynamic = 'force-dynamic';\nconst PUT = 1;\n";
    expect(exportedMethods(src)).toEqual(["GET", "POST", "DELETE", "PATCH"]);
    expect(allowed(["POST"])).toEqual(["OPTIONS", "POST"]);
    expect(allowed(["GET", "DELETE"])).toEqual(["DELETE", "GET", "HEAD", "OPTIONS"]);
  });
});
