// The API reference, rendered in the browser by Scalar's standalone bundle served from this server: no CDN, no
// fonts, no telemetry, no agent. The configuration is in ./init.js, not
// inline, so a Content-Security-Policy without 'unsafe-inline' scripts allows the page.
// Signed-in users only (route × role test); read per request, never prerendered without the session.
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>netmortem API reference</title>
</head>
<body>
<main id="app"><noscript>The API reference needs JavaScript; the raw document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript></main>
<script src="/docs/api/scalar.js"></script>
<script src="/docs/api/init.js"></script>
</body>
</html>
`;

export const GET = route({ role: "viewer" }, async () =>
  new Response(HTML, { headers: { "content-type": "text/html; charset=utf-8" } }),
);
