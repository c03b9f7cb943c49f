/** Byte counts as people read them (1 KiB = 1024 bytes, one decimal). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "?";
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

const STAGE_LABEL: Record<string, string> = {
  queued: "Waiting for the analysis worker",
  reading: "Reading the evidence",
  capture: "Summarising captures",
  parsing: "Parsing outputs",
  diagnosing: "Diagnosing",
  saving: "Saving the analysis",
};
export function stageLabel(stage: string): string {
  return STAGE_LABEL[stage] ?? stage;
}
export const STAGES = ["queued", "reading", "capture", "parsing", "diagnosing", "saving"] as const;
