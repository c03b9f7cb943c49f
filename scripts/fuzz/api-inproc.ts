/**
 * A Transport (api-core.ts) that calls the app's route handlers in this process, the way Next would: the HTTP
 * guard's refusals first (lib/server/http-guard.ts), then the route whose pattern matches the path (static
 * segments before [param] before [...catchAll], as Next ranks them), with its params decoded. For CI's smoke of
 * the API target and for checking, on an embedded PGlite the test holds, that no 4xx writes.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { refusal } from "../../lib/server/http-guard";
import type { Answer, Transport } from "./api-core";
import { REPO_ROOT } from "./watchdog";

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Route = { segments: string[]; rank: number[]; mod: Record<string, unknown> };

function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(p));
    else if (/^route\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** every app/api route module, most specific first */
export async function loadRoutes(): Promise<Route[]> {
  const appDir = path.join(REPO_ROOT, "app");
  const routes: Route[] = [];
  for (const f of routeFiles(path.join(appDir, "api"))) {
    const segments = path.relative(appDir, path.dirname(f)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
    const rank = segments.map((s) => (s.startsWith("[...") ? 2 : s.startsWith("[") ? 1 : 0));
    routes.push({ segments, rank, mod: (await import(pathToFileURL(f).href)) as Record<string, unknown> });
  }
  return routes.sort((a, b) => {
    for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) if ((a.rank[i] ?? -1) !== (b.rank[i] ?? -1)) return (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
    return 0;
  });
}

function match(route: Route, parts: string[]): Record<string, string | string[]> | undefined {
  const params: Record<string, string | string[]> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const s = route.segments[i]!;
    if (s.startsWith("[...")) {
      if (i >= parts.length) return undefined;
      params[s.slice(4, -1)] = parts.slice(i);
      return params;
    }
    if (i >= parts.length) return undefined;
    if (s.startsWith("[")) params[s.slice(1, -1)] = parts[i]!;
    else if (s !== parts[i]) return undefined;
  }
  return route.segments.length === parts.length ? params : undefined;
}

export function inProcessTransport(routes: Route[]): Transport {
  const origin = "http://127.0.0.1:3150";
  return {
    origin,
    async send(req, timeoutMs) {
      const t0 = performance.now();
      const answer = async (res: Response): Promise<Answer> => {
        const headers: Record<string, string | string[]> = {};
        res.headers.forEach((v, k) => (headers[k] = v));
        const cookies = res.headers.getSetCookie();
        if (cookies.length) headers["set-cookie"] = cookies;
        return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()), ms: performance.now() - t0 };
      };
      const refused = refusal(req.method, req.url);
      if (refused) return answer(Response.json({ error: { code: refused.code, message: refused.message } }, { status: refused.status }));
      let request: Request;
      try {
        request = new Request(new URL(req.url, origin), { method: req.method, headers: req.headers, ...(req.body && req.method !== "GET" && req.method !== "HEAD" ? { body: Buffer.from(req.body) } : {}) });
      } catch (e) {
        return { error: `unsendable: ${(e as Error).message}` };
      }
      const parts = new URL(request.url).pathname.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
      for (const route of routes) {
        const params = match(route, parts);
        if (!params) continue;
        const handler = route.mod[req.method] as Handler | undefined;
        if (typeof handler !== "function") return answer(new Response(null, { status: 405 }));
        let timer: NodeJS.Timeout | undefined;
        try {
          const res = await Promise.race([
            handler(request, { params: Promise.resolve(params) }),
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
          ]);
          return await answer(res);
        } catch (e) {
          // what Next would turn into its own 500
          if (/no answer within/.test((e as Error).message)) return { error: (e as Error).message };
          return answer(new Response(`Internal Server Error: ${(e as Error).message}`, { status: 500 }));
        } finally {
          clearTimeout(timer);
        }
      }
      return answer(new Response("no route", { status: 404 }));
    },
  };
}
