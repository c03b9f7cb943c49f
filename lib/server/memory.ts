// A full garbage collection on request, when the process runs with --expose-gc (`npm start` gives the server that
// flag: scripts/node-options.mjs). Big jobs call it between their steps, so that what a step left behind (a capture's
// parse, a summary's JSON text, the buffers of a query) is freed before the next step allocates: V8 collects when
// it needs room, not when it is best for the process's peak RSS, which is what issue 12 bounds (< 400 MB through a
// 1 GiB upload's analysis). A no-op without the flag (tests, `next dev`).
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
