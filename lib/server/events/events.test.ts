// The live-event hub on both databases: publish inside a transaction reaches subscribers after commit only, the
// SSE stream replays from Last-Event-ID, says resync when too much was missed, and presence follows the stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Database } from "../db";
import { testTargets } from "../testing/databases";
import { stopHub, subscribe, subscriberCount, type HubSignal } from "./hub";
import { listPresence } from "./presence";
import { publish } from "./publish";
import { openIncidentStream, REPLAY_LIMIT } from "./stream";

function waitFor<T>(get: () => T | undefined, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = get();
      if (v !== undefined) return resolve(v);
      if (Date.now() > until) return reject(new Error("timed out"));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** Reads an SSE body into frames until `until` says stop. */
async function readFrames(res: Response, until: (frames: string[]) => boolean, ms = 4000, keepOpen = false): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  const frames = () => text.split("\n\n").filter((f) => f.trim() !== "");
  let pending: ReturnType<typeof reader.read> | null = null;
  while (!until(frames())) {
    if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(frames())}`);
    pending ??= reader.read();
    const r = await Promise.race([pending, new Promise<null>((ok) => setTimeout(() => ok(null), 200))]);
    if (r === null) continue;
    pending = null;
    if (r.done) break;
    text += decoder.decode(r.value, { stream: true });
  }
  if (keepOpen) reader.releaseLock();
  else await reader.cancel();
  return frames();
}

describe.each(testTargets())("live events on $name", (target) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let incidentId: string;
  let userId: string;

  beforeAll(async () => {
    ({ db, dispose } = await target.open());
    setDatabase(db);
    const inc = await db.prisma.incident.create({ data: { title: "live", severity: "sev3", startedAt: new Date() } });
    incidentId = inc.id;
    const user = await db.prisma.user.create({ data: { name: "Ada Responder", email: `ada-${Date.now()}@example.test`, role: "responder" } });
    userId = user.id;
  });
  afterAll(async () => {
    await stopHub();
    setDatabase(undefined);
    await dispose();
  });

  it("delivers what a committed transaction published, with its seq, and nothing of a rolled-back one", async () => {
    const got: HubSignal[] = [];
    const unsubscribe = await subscribe(incidentId, (s) => got.push(s));
    await expect(
      db.prisma.$transaction(async (tx) => {
        await publish(tx, { incidentId, kind: "checklist", entityId: "rolled-back" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    const sent = await db.prisma.$transaction((tx) => publish(tx, { incidentId, kind: "timeline", entityId: "e1", actorId: userId }));
    const first = await waitFor(() => got.find((s) => s.type === "message"));
    expect(first).toEqual({ type: "message", message: sent });
    expect(sent.seq).toBeGreaterThan(0);
    // the rolled-back one left no row and no message
    await new Promise((r) => setTimeout(r, 150));
    expect(got.filter((s) => s.type === "message").map((s) => s.type === "message" && s.message.entityId)).toEqual(["e1"]);
    const rows = await db.prisma.incidentEvent.findMany({ where: { incidentId } });
    expect(rows.map((r) => r.entityId)).toEqual(["e1"]);
    unsubscribe();
    expect(subscriberCount(incidentId)).toBe(0);
  });

  it("does not deliver another incident's events", async () => {
    const other = await db.prisma.incident.create({ data: { title: "other", severity: "sev4", startedAt: new Date() } });
    const got: HubSignal[] = [];
    const unsubscribe = await subscribe(incidentId, (s) => got.push(s));
    await publish(db.prisma, { incidentId: other.id, kind: "report" });
    await publish(db.prisma, { incidentId, kind: "report", entityId: "mine" });
    await waitFor(() => got.find((s) => s.type === "message"));
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(1);
    unsubscribe();
  });

  it("streams live events and replays what came after Last-Event-ID", async () => {
    const ac = new AbortController();
    const res = await openIncidentStream({ incidentId, signal: ac.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    const pub = setTimeout(() => void publish(db.prisma, { incidentId, kind: "evidence", entityId: "ev-live" }), 300);
    const frames = await readFrames(res, (f) => f.some((x) => x.includes("ev-live")));
    clearTimeout(pub);
    ac.abort();
    expect(frames[0]).toMatch(/^retry: \d+/);
    const ready = frames.find((f) => f.includes("event: ready"))!;
    const readyId = Number(/id: (\d+)/.exec(ready)![1]);
    const live = frames.find((f) => f.includes("ev-live"))!;
    expect(Number(/id: (\d+)/.exec(live)![1])).toBeGreaterThan(readyId);

    // a reconnect from readyId gets ev-live again, then anything newer
    await publish(db.prisma, { incidentId, kind: "job", entityId: "job-1" });
    const res2 = await openIncidentStream({ incidentId, lastEventId: String(readyId) });
    const replay = await readFrames(res2, (f) => f.some((x) => x.includes("event: ready")));
    const kinds = replay.filter((f) => f.startsWith("id:")).map((f) => JSON.parse(f.split("data: ")[1]!).entityId);
    expect(kinds).toEqual(["ev-live", "job-1"]);
  });

  it.runIf(target.name === "postgresql")("re-LISTENs after the listener connection dies and tells subscribers to resync", async () => {
    const got: HubSignal[] = [];
    const unsubscribe = await subscribe(incidentId, (s) => got.push(s));
    const killed = await db.withSession((s) =>
      s.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1", [
        `netmortem listen ${process.pid}`,
      ]),
    );
    expect(killed.map((r) => r.ok)).toEqual([true]);
    await waitFor(() => got.find((s) => s.type === "resync"), 8000);
    await publish(db.prisma, { incidentId, kind: "node", entityId: "after-reconnect" });
    const after = await waitFor(() => got.find((s) => s.type === "message"));
    expect(after.type === "message" && after.message.entityId).toBe("after-reconnect");
    unsubscribe();
  });

  it("tells a browser that missed too much to resync", async () => {
    const start = await db.prisma.incidentEvent.findFirst({ where: { incidentId }, orderBy: { seq: "desc" } });
    await db.prisma.incidentEvent.createMany({
      data: Array.from({ length: REPLAY_LIMIT + 1 }, (_, i) => ({ incidentId, kind: "timeline", entityId: `bulk-${i}` })),
    });
    const res = await openIncidentStream({ incidentId, lastEventId: String(start!.seq) });
    const frames = await readFrames(res, (f) => f.some((x) => x.includes("event: resync")));
    expect(frames.some((f) => f.includes("bulk-"))).toBe(false);
  });

  it("shows the viewer as present while the stream is open, and announces join and leave", async () => {
    const got: HubSignal[] = [];
    const unsubscribe = await subscribe(incidentId, (s) => got.push(s));
    const ac = new AbortController();
    const res = await openIncidentStream({ incidentId, userId, signal: ac.signal });
    await readFrames(res, (f) => f.some((x) => x.includes("event: ready")), 4000, true);
    await waitFor(() => got.find((s) => s.type === "message" && s.message.kind === "presence"));
    expect((await listPresence(incidentId)).map((p) => p.name)).toEqual(["Ada Responder"]);
    ac.abort();
    await waitFor(() => (got.filter((s) => s.type === "message" && s.message.kind === "presence").length === 2 ? true : undefined));
    expect(await listPresence(incidentId)).toEqual([]);
    unsubscribe();
  });
});
