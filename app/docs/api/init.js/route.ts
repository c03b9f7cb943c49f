// Scalar's configuration for the offline API reference (see ../route.ts). Every option that would make the browser
// call out is off: withDefaultFonts (fonts.scalar.com), telemetry, agent (proxy.scalar.com / api.scalar.com).
// Signed-in users only (route × role test); read per request, never prerendered without the session.
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const INIT = `Scalar.createApiReference("#app", {
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
  hideClientButton: true,
});
`;

export const GET = route({ role: "viewer" }, async () =>
  new Response(INIT, { headers: { "content-type": "text/javascript; charset=utf-8" } }),
);
