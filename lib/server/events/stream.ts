// One incident's Server-Sent Events stream: what was missed since Last-Event-ID (from incident_events), then the
// live events of the hub, a keepalive comment every 20 s, and the viewer's presence while the stream is open.
import { getPrisma } from "../db";
import { subscribe, type HubSignal } from "./hub";
import type { LiveKind, LiveMessage } from "./model";
import { beatPresence, joinPresence, leavePresence, PRESENCE_HEARTBEAT_MS } from "./presence";

export const REPLAY_LIMIT = 500;
const KEEPALIVE_MS = 20_000;
/** EventSource reconnect delay the browser is told to use */
export const RETRY_MS = 1_500;

export type StreamOptions = {
  incidentId: string;
  /** from the Last-Event-ID header (a reconnect) or ?since= */
  lastEventId?: string | null;
  /** the viewer, for presence; null = not shown */
  userId?: string | null;
  signal?: AbortSignal;
  /** replay what was missed, say `ready`, and end (a catch-up poll; no live events, no presence) */
  once?: boolean;
};

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform keeps Next (and proxies) from compressing, which would hold events back
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
  connection: "keep-alive",
} as const;

function frame(message: LiveMessage): string {
  return `id: ${message.seq}\ndata: ${JSON.stringify(message)}\n\n`;
}

function parseSeq(raw: string | null | undefined): number | null {
  if (!raw || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

export async function openIncidentStream(opts: StreamOptions): Promise<Response> {
  const { incidentId } = opts;
  const since = parseSeq(opts.lastEventId);
  const encoder = new TextEncoder();
  const prisma = await getPrisma();

  let cleanup: (() => void) | null = null;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          closed = true;
        }
      };
      // Live messages wait here until the replay is out, then go straight through.
      let buffer: HubSignal[] | null = [];
      const replayed = new Set<number>();
      const deliver = (s: HubSignal) => {
        if (s.type === "resync") send(`event: resync\ndata: {}\n\n`);
        else if (!replayed.has(s.message.seq)) send(frame(s.message));
      };
      const unsubscribe = await subscribe(incidentId, (s) => (buffer ? buffer.push(s) : deliver(s)));

      const timers: NodeJS.Timeout[] = [];
      let present = false;
      let finished = false;
      cleanup = () => {
        if (finished) return;
        finished = true;
        closed = true;
        unsubscribe();
        for (const t of timers) clearInterval(t);
        if (present && opts.userId) {
          present = false;
          void leavePresence(incidentId, opts.userId).catch((err: unknown) => console.error("[events] presence leave:", err));
        }
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      opts.signal?.addEventListener("abort", () => cleanup?.(), { once: true });

      send(`retry: ${RETRY_MS}\n\n`);
      if (since === null && !opts.once) {
        const last = await prisma.incidentEvent.findFirst({ where: { incidentId }, orderBy: { seq: "desc" }, select: { seq: true } });
        send(`id: ${last ? Number(last.seq) : 0}\nevent: ready\ndata: {}\n\n`);
      } else {
        const rows = await prisma.incidentEvent.findMany({
          where: { incidentId, seq: { gt: BigInt(since ?? 0) } },
          orderBy: { seq: "asc" },
          take: REPLAY_LIMIT + 1,
          select: { seq: true, kind: true, entityId: true },
        });
        if (rows.length > REPLAY_LIMIT) {
          // too much missed: the browser refetches everything instead
          const last = await prisma.incidentEvent.findFirst({ where: { incidentId }, orderBy: { seq: "desc" }, select: { seq: true } });
          send(`id: ${last ? Number(last.seq) : (since ?? 0)}\nevent: resync\ndata: {}\n\n`);
        } else {
          for (const r of rows) {
            const m: LiveMessage = { incidentId, seq: Number(r.seq), kind: r.kind as LiveKind, ...(r.entityId ? { entityId: r.entityId } : {}) };
            replayed.add(m.seq);
            send(frame(m));
          }
          send(`event: ready\ndata: {}\n\n`);
        }
      }
      const pending = buffer;
      buffer = null;
      for (const s of pending) deliver(s);
      if (opts.once) {
        cleanup();
        return;
      }

      timers.push(setInterval(() => send(`: keepalive\n\n`), KEEPALIVE_MS));
      if (opts.userId) {
        const userId = opts.userId;
        present = true;
        await joinPresence(incidentId, userId).catch((err: unknown) => console.error("[events] presence join:", err));
        timers.push(
          setInterval(() => {
            void beatPresence(incidentId, userId).catch((err: unknown) => console.error("[events] presence beat:", err));
          }, PRESENCE_HEARTBEAT_MS),
        );
      }
      if (opts.signal?.aborted) cleanup();
    },
    cancel() {
      cleanup?.();
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
