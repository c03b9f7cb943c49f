// Scalar 1.46.2's browser bundle (dist/browser/standalone.js, 3.5 MB), read from node_modules at run time and
// kept in memory after the first request. Pinned in package.json: 1.47+ needs Node 22.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { route } from "@/lib/server/http";

// Signed-in users only (route × role test).
export const dynamic = "force-dynamic";

let bundle: Promise<Buffer> | undefined;

export const GET = route({ role: "viewer" }, async (): Promise<Response> => {
  bundle ??= readFile(
    path.join(/*turbopackIgnore: true*/ process.cwd(), "node_modules/@scalar/api-reference/dist/browser/standalone.js"),
  );
  try {
    const body = await bundle;
    return new Response(new Uint8Array(body), {
      headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" },
    });
  } catch (err) {
    bundle = undefined;
    console.error("[docs] Scalar's bundle could not be read:", err);
    return new Response("// the API reference viewer is not installed (npm ci)\n", {
      status: 500,
      headers: { "content-type": "text/javascript; charset=utf-8" },
    });
  }
});
