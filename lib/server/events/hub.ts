// The process-wide hub: one LISTEN per process (PostgreSQL: a dedicated client; PGlite: in-process) fanned out to
// the SSE connections of each incident. A lost PostgreSQL connection loses the notifications sent meanwhile, so
// after a reconnect every subscriber is told to resync (refetch) — replay by seq covers what a browser missed
// while it was away, not what this process missed.
import { getDatabase, type Database } from "../db";
import { LIVE_CHANNEL, LiveMessage } from "./model";

export type HubSignal = { type: "message"; message: LiveMessage } | { type: "resync" };
export type HubListener = (signal: HubSignal) => void;

type Hub = {
  db: Database;
  ready: Promise<void>;
  stop: (() => Promise<void>) | null;
  byIncident: Map<string, Set<HubListener>>;
};

const store = globalThis as typeof globalThis & { __netmortemHub?: Hub };

function dispatch(hub: Hub, payload: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return;
  }
  const message = LiveMessage.safeParse(parsed);
  if (!message.success) return;
  const listeners = hub.byIncident.get(message.data.incidentId);
  if (!listeners) return;
  for (const l of [...listeners]) l({ type: "message", message: message.data });
}

function resyncAll(hub: Hub): void {
  for (const set of hub.byIncident.values()) for (const l of [...set]) l({ type: "resync" });
}

async function hubFor(db: Database): Promise<Hub> {
  let hub = store.__netmortemHub;
  if (hub && hub.db !== db) {
    // tests swap databases; the old hub's subscribers belong to the old database
    await stopHub();
    hub = undefined;
  }
  if (!hub) {
    const created: Hub = { db, ready: Promise.resolve(), stop: null, byIncident: new Map() };
    created.ready = db
      .listen(LIVE_CHANNEL, (p) => dispatch(created, p), () => resyncAll(created))
      .then((stop) => {
        created.stop = stop;
      });
    created.ready.catch(() => {
      if (store.__netmortemHub === created) store.__netmortemHub = undefined;
    });
    store.__netmortemHub = created;
    hub = created;
  }
  await hub.ready;
  return hub;
}

/** Listens to one incident's events; resolves once the LISTEN is in place (nothing committed after is missed). */
export async function subscribe(incidentId: string, listener: HubListener): Promise<() => void> {
  const hub = await hubFor(await getDatabase());
  let set = hub.byIncident.get(incidentId);
  if (!set) hub.byIncident.set(incidentId, (set = new Set()));
  set.add(listener);
  return () => {
    const s = hub.byIncident.get(incidentId);
    if (!s) return;
    s.delete(listener);
    if (s.size === 0) hub.byIncident.delete(incidentId);
  };
}

/** How many connections listen to an incident in this process (tests, diagnostics). */
export function subscriberCount(incidentId: string): number {
  return store.__netmortemHub?.byIncident.get(incidentId)?.size ?? 0;
}

export async function stopHub(): Promise<void> {
  const hub = store.__netmortemHub;
  store.__netmortemHub = undefined;
  if (!hub) return;
  await hub.ready.catch(() => undefined);
  if (hub.stop) await hub.stop().catch(() => undefined);
}
