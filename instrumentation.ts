// Next calls register() once when a server starts (`next start`, `next dev`), before it serves. It installs the
// HTTP guard and starts the analysis worker in the background (register must not wait for the worker: the server
// is not ready until register returns).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  // requests Next cannot answer (TRACE, other methods, broken percent-escapes) get a 4xx with the error body
  // at the HTTP server, before routing (lib/server/http-guard.ts)
  const { installHttpGuard } = await import("./lib/server/http-guard");
  installHttpGuard();
  const { startJobs } = await import("./lib/server/jobs/start");
  void startJobs();
}
