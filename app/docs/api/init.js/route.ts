// Scalar's configuration for the offline API reference (see ../route.ts). Every option that would make the browser
// call out is off: withDefaultFonts (fonts.scalar.com), telemetry, agent (proxy.scalar.com / api.scalar.com).
export const dynamic = "force-static";

const INIT = `Scalar.createApiReference("#app", {
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
  hideClientButton: true,
});
`;

export function GET(): Response {
  return new Response(INIT, { headers: { "content-type": "text/javascript; charset=utf-8" } });
}
