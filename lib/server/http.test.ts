import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConflictError, InvalidJsonError, PayloadTooLargeError, ValidationError } from "./errors";
import { errorResponse, readJson } from "./http";

describe("readJson", () => {
  it("counts bytes of a chunked body that declares no length", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const req = new Request("http://x/", { method: "POST", body, duplex: "half" } as RequestInit);
    expect(req.headers.get("content-length")).toBeNull();
    await expect(readJson(req, 1_000_000)).rejects.toBeInstanceOf(PayloadTooLargeError);
    // It stopped reading soon after the limit instead of draining the whole stream.
    expect(sent).toBeLessThan(40);
  });

  it("refuses by declared length before reading", async () => {
    const req = new Request("http://x/", { method: "POST", body: "{}", headers: { "content-length": "2000000" } });
    await expect(readJson(req)).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it("parses UTF-8 JSON and rejects non-JSON", async () => {
    const ok = new Request("http://x/", { method: "POST", body: JSON.stringify({ title: "丢包" }) });
    expect(await readJson(ok)).toEqual({ title: "丢包" });
    await expect(readJson(new Request("http://x/", { method: "POST", body: "nope" }))).rejects.toBeInstanceOf(InvalidJsonError);
  });
});

describe("errorResponse", () => {
  it("maps zod issues to path strings", async () => {
    const err = z.strictObject({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: "x" }, c: 1 }).error;
    const res = errorResponse(err);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(["a.b", "c"]);
  });

  it("includes current state on conflict", async () => {
    const res = errorResponse(new ConflictError("stale", { version: 3 }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: "conflict", message: "stale", current: { version: 3 } } });
  });
});

describe("hostile input is a 400 at the reading layer (issue 10 items 5, 8)", () => {
  it("a NUL in any string of a body (value or key, however deep) or of a query is a 400 naming the field", async () => {
    const { refuseNul, searchParams } = await import("./http");
    for (const body of [{ title: "a\u0000b" }, { a: { b: ["x", "y\u0000"] } }, { "k\u0000": 1 }]) {
      const req = new Request("http://x/", { method: "POST", body: JSON.stringify(body) });
      const err = await readJson(req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      const res = errorResponse(err);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("validation_failed");
    }
    expect(() => refuseNul({ ok: ["fine", 1, null, { x: "y" }] }, [])).not.toThrow();
    // an unpaired surrogate: PostgreSQL's json refuses its escape (the fuzz campaign's 500 on an ingest token's name)
    for (const raw of ['{"name":"x\\udfffy"}', '{"name":"\\ud800"}', '{"a":["\\udc00z"]}', '{"k\\udfff":1}']) {
      const err = await readJson(new Request("http://x/", { method: "POST", body: raw })).catch((e: unknown) => e);
      expect(err, raw).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toContain("unpaired UTF-16 surrogate");
    }
    expect(() => refuseNul({ ok: "pair \ud83d\ude00 ok, é, 中" }, [])).not.toThrow();
    expect(() => searchParams(new Request("http://x/?q=%00"))).toThrow(ValidationError);
    expect(searchParams(new Request("http://x/?q=east"))).toEqual({ q: "east" });
  });

  it("forged, malformed or out-of-range cursors are a 400, a cursor this API issued is read back", async () => {
    const { decodeCursor, encodeCursor } = await import("./cursor");
    const b = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const id = "6f1c2b7e-0000-4000-8000-000000000000";
    const forged = [
      b(["+275760-09-13T00:00:00.000Z", id]), b(["-000001-01-01T00:00:00.000Z", id]), b(["2026-01-01", id]),
      b(["2026-02-30T00:00:00.000Z", id]), b(["2026-01-01T00:00:00.000Z", "------------------------------------"]),
      b(["2026-01-01T00:00:00.000Z", `${id}\u0000`]), b([1, 2]), b({}), "!!!", "x".repeat(600), b(["2026-01-01T00:00:00.000Z", id, 3]),
    ];
    for (const c of forged) expect(() => decodeCursor(c), c).toThrow(ValidationError);
    const at = new Date("2026-12-07T17:50:00.123Z");
    expect(decodeCursor(encodeCursor({ at, id }))).toEqual({ at, id });
  });

  it("LIKE wildcards in a search are literal", async () => {
    const { likeLiteral } = await import("./http");
    expect(likeLiteral("%")).toBe("\\%");
    expect(likeLiteral("a_b\\c%")).toBe("a\\_b\\\\c\\%");
    expect(likeLiteral("east-1")).toBe("east-1");
  });
});

describe("an API path no route has (app/api/[...path])", () => {
  it("is a 404 with the error body for every method, naming the path; HEAD without a body", async () => {
    const { notFoundRoute } = await import("./http");
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const res = await notFoundRoute(new Request("http://x/api/v1/nodes", { method }));
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code: "not_found", message: 'no API route "/api/v1/nodes" (see /api/v1/openapi.json)' } });
    }
    const head = await notFoundRoute(new Request("http://x/api/nope", { method: "HEAD" }));
    expect(head.status).toBe(404);
    expect(await head.text()).toBe("");
  });
});
