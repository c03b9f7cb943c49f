// The Node options `npm start` gives the server (scripts/start.mjs), in a module of their own so a test can read them.

/**
 * - V8's young generation is capped at NETMORTEM_SEMI_SPACE_MB per semi-space (default 4; Node's default is 16): the
 *   server's RSS holds all of it once touched, and with 16 the 1 GiB upload's analysis went past the 400 MB the
 *   issue allows (442 MB on PostgreSQL, bench:ingest, 2026-12-08; 392-409 MB with 4, idle server 265 → 201 MB). It
 *   costs more frequent scavenges (~1 ms of CPU per ingested snapshot, within the bench's noise). 0 keeps Node's
 *   default; a --max-semi-space-size already in NODE_OPTIONS wins.
 * - --expose-gc: big jobs ask for a full collection between their steps (lib/server/memory.ts), so their garbage is
 *   gone before the next step allocates (the peak RSS of a job is what counts).
 */
export function serverNodeOptions(environment) {
  const mb = (environment.NETMORTEM_SEMI_SPACE_MB ?? "4").trim();
  const current = environment.NODE_OPTIONS ?? "";
  const add = [];
  if (mb !== "0" && !/--max-semi-space-size/.test(current)) {
    if (!/^\d+$/.test(mb)) throw new Error(`NETMORTEM_SEMI_SPACE_MB=${mb}: give a whole number of MB (0: Node's default)`);
    add.push(`--max-semi-space-size=${mb}`);
  }
  if (!/--expose-gc/.test(current)) add.push("--expose-gc");
  return add.length > 0 ? { NODE_OPTIONS: [current, ...add].filter(Boolean).join(" ") } : {};
}
