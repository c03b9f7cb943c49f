/**
 * GET /collect.sh: the POSIX collection script (deploy/collect.sh) for hosts without Node. Public, like the issue
 * says (no session: it is fetched with curl on the host), and it holds no secret: only what the repository holds.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

let cached: string | undefined;

export const GET = route({ public: true }, async (): Promise<Response> => {
  try {
    cached ??= await readFile(path.join(process.cwd(), "deploy", "collect.sh"), "utf8");
  } catch {
    return Response.json({ error: { code: "internal", message: "collect.sh is not available on this server" } }, { status: 500 });
  }
  return new Response(cached, {
    headers: {
      "content-type": "text/x-shellscript; charset=utf-8",
      "content-disposition": 'inline; filename="collect.sh"',
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    },
  });
});
