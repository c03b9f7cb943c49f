// Time-order rules shared by create and update: an incident cannot be detected, mitigated or resolved before it
// started. Violations are 422 (well-formed but impossible), not 400.
import { InvalidTransitionError } from "../../errors";

export interface IncidentTimes {
  startedAt: Date;
  detectedAt: Date | null;
  mitigatedAt: Date | null;
  resolvedAt: Date | null;
}

export function assertTimeOrder(t: IncidentTimes): void {
  const before = (label: string, d: Date | null) => {
    if (d && d.getTime() < t.startedAt.getTime()) {
      throw new InvalidTransitionError(`${label} (${d.toISOString()}) is before startedAt (${t.startedAt.toISOString()})`);
    }
  };
  before("detectedAt", t.detectedAt);
  before("mitigatedAt", t.mitigatedAt);
  before("resolvedAt", t.resolvedAt);
}
