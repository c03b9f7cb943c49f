/**
 * The diagnosis engine: `diagnose` (pure, synchronous) over evidence already read, and `analyzeBundle`
 * which reads a bundle, summarises its captures and diagnoses.
 */
export { diagnose } from "./diagnose";
export { analyzeBundle, BundleReadError, type AnalyzeOptions } from "./analyze";
export type { DiagnoseInput, DiagnoseContext, CaptureInput } from "./context";
export { explainLatency, synSchedule, synAckSchedule, onSynLattice, type LatencyExplanation, type Schedule } from "./timing";
export { analyzeChain, keepaliveMismatches, configuredTimeouts, DEFAULTS as TIMEOUT_DEFAULTS, type Hop, type HopKind } from "./timeouts";
export { Analysis, Finding, RootCauseId, ROOT_CAUSE_THRESHOLD } from "./model";
