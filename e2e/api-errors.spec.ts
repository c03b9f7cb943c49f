import { expect, test } from "./support/test";
import { API, createIncident, errorOf, uniq } from "./support/api";

// The API's failure paths, straight through HTTP: each must answer with the contract's status code and
// the `{ error: { code, message, issues? } }` body, never a stack trace.

test("malformed JSON is a 400 with error.code invalid_json", async ({ request }) => {
  const res = await request.post(`${API}/incidents`, {
    headers: { "content-type": "application/json" },
    // A Buffer, because Playwright JSON-encodes a non-JSON *string* body when the content type is JSON,
    // which would turn the malformed body into a valid JSON string.
    data: Buffer.from('{"title": "half a body", '),
  });
  const err = await errorOf(res, 400);
  expect(err.code).toBe("invalid_json");
});

test("an unknown field is a 400 naming the field", async ({ request }) => {
  const res = await request.post(`${API}/incidents`, {
    data: { title: uniq("unknown field"), severity: "sev3", startedAt: "2026-11-22T08:00:00Z", rootCause: "dns" },
  });
  const err = await errorOf(res, 400);
  expect(err.code).toBe("validation_failed");
  expect(JSON.stringify(err.issues ?? [])).toContain("rootCause");
});

test("a 201-character title is a 400 on path title; 200 characters is accepted", async ({ request }) => {
  const res = await request.post(`${API}/incidents`, {
    data: { title: "x".repeat(201), severity: "sev3", startedAt: "2026-11-22T08:00:00Z" },
  });
  const err = await errorOf(res, 400);
  expect(err.code).toBe("validation_failed");
  expect(err.issues?.map((i) => i.path)).toContain("title");

  const ok = await request.post(`${API}/incidents`, {
    data: { title: "y".repeat(200), severity: "sev3", startedAt: "2026-11-22T08:00:00Z" },
  });
  expect(ok.status(), await ok.text()).toBe(201);
});

test("an unknown incident id is a 404", async ({ request }) => {
  const err = await errorOf(await request.get(`${API}/incidents/6c1d2a57-0b59-4d0e-9a55-3f0f5d1e2b7c`), 404);
  expect(err.code).toBe("not_found");
  const timeline = await errorOf(await request.get(`${API}/incidents/6c1d2a57-0b59-4d0e-9a55-3f0f5d1e2b7c/timeline`), 404);
  expect(timeline.code).toBe("not_found");
});

test("a malformed id is a 400, not a 404 or 500", async ({ request }) => {
  const err = await errorOf(await request.get(`${API}/incidents/not-a-uuid`), 400);
  expect(err.code).toBe("validation_failed");
  const c = await errorOf(await request.get(`${API}/clusters/1234`), 400);
  expect(c.code).toBe("validation_failed");
});

test("a status change with a stale expectedVersion is a 409 carrying the current incident", async ({ request }) => {
  const inc = await createIncident(request);
  const first = await request.post(`${API}/incidents/${inc.id}/status`, {
    data: { to: "mitigated", expectedVersion: inc.version },
  });
  expect(first.status(), await first.text()).toBe(200);
  const after = ((await first.json()) as { data: { status: string; version: number } }).data;
  expect(after.status).toBe("mitigated");
  expect(after.version).toBeGreaterThan(inc.version);

  const stale = await request.post(`${API}/incidents/${inc.id}/status`, {
    data: { to: "resolved", expectedVersion: inc.version },
  });
  const err = await errorOf(stale, 409);
  expect(err.code).toBe("conflict");
  expect(err.current?.status).toBe("mitigated");
  expect(err.current?.version).toBe(after.version);

  // The stale request changed nothing: still mitigated, and exactly one status-change event.
  const now = (await (await request.get(`${API}/incidents/${inc.id}`)).json()) as { data: { status: string; version: number } };
  expect(now.data).toMatchObject({ status: "mitigated", version: after.version });
  const tl = (await (await request.get(`${API}/incidents/${inc.id}/timeline`)).json()) as { data: { kind: string }[] };
  expect(tl.data.filter((e) => e.kind === "status-change")).toHaveLength(1);
});

test("status-change events cannot be posted directly to the timeline", async ({ request }) => {
  const inc = await createIncident(request);
  const res = await request.post(`${API}/incidents/${inc.id}/timeline`, { data: { kind: "status-change", body: "forged" } });
  const err = await errorOf(res, 400);
  expect(err.code).toBe("validation_failed");
});
