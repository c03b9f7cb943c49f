import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConflictError, InvalidJsonError, PayloadTooLargeError } from "./errors";
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
