// Next calls register() once when a server starts (`next start`, `next dev`). It starts the analysis worker in the
// background (register must not wait for it: the server is not ready until register returns).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startJobs } = await import("./lib/server/jobs/start");
  void startJobs();
}
