// Any /api path no route has (a typo, an id that held "/" or "..", an old version): the usual error body, not
// Next's HTML 404 page (found by the API fuzz target: /api/v1/clusters/%2e%2e/nodes is /api/v1/nodes).
// More specific routes (every /api/v1 route, /api/auth/[...all]) always win over this catch-all.
import { notFoundRoute } from "@/lib/server/http";

export const GET = notFoundRoute;
export const HEAD = notFoundRoute;
export const POST = notFoundRoute;
export const PUT = notFoundRoute;
export const PATCH = notFoundRoute;
export const DELETE = notFoundRoute;
export const OPTIONS = notFoundRoute;
