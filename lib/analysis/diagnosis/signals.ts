/**
 * Turning signals into a confidence. failure-patterns.md grades each signal H (near-conclusive), M
 * (supportive) or L (weak / shared with other causes). Independent signals combine like independent
 * witnesses (noisy-OR); several sightings of the same signal (three hosts with the same counter) count once,
 * at their strongest, because they are not independent. Counter-evidence multiplies the result down.
 *
 * The weights keep the table's promises: one L never reaches the root-cause threshold (0.5), nor do two Ls
 * or one M; one H does.
 */
import { CONFIGURATION_CAP, type EvidenceItem, type Finding, type Fix, type NextStep, type RootCauseId } from "./model";

export type Strength = "H" | "M" | "L";

export const WEIGHT: Record<Strength, number> = { H: 0.8, M: 0.4, L: 0.15 };

/**
 * A symptom is something that happened (a counter, a log line, a capture, a latency); a condition is a
 * setting that makes the cause possible (a sysctl, an MTU, a route). A finding of conditions alone is
 * capped below the root-cause threshold: a risky setting on a healthy system is not an incident.
 */
type Signal = { key: string; strength: Strength; weight: number; condition: boolean };

/** findings of conditions alone that still lead (an H-grade setting: a definite misconfiguration) */
const strongConfiguration = new WeakSet<Finding>();

/** may this finding be the leading hypothesis (observed, or a definite misconfiguration)? */
export function mayLead(f: Finding): boolean {
  return f.basis !== "configuration" || strongConfiguration.has(f);
}

export class Case {
  private signals = new Map<string, Signal>();
  private items: EvidenceItem[] = [];
  private againstNotes: string[] = [];
  private factor = 1;

  /**
   * `key` names the signal (its kind, not its sighting): repeated keys keep only the strongest.
   * `scale` (0..1] weakens a signal whose strength the data only partly supports.
   */
  support(key: string, strength: Strength, items: EvidenceItem | EvidenceItem[], scale = 1): this {
    return this.add(key, strength, items, scale, false);
  }

  /** a setting that makes the cause possible (see Signal): weighs like `support`, but is not a symptom */
  condition(key: string, strength: Strength, items: EvidenceItem | EvidenceItem[], scale = 1): this {
    return this.add(key, strength, items, scale, true);
  }

  private add(key: string, strength: Strength, items: EvidenceItem | EvidenceItem[], scale: number, condition: boolean): this {
    const weight = WEIGHT[strength] * Math.max(0, Math.min(1, scale));
    const prev = this.signals.get(key);
    if (!prev || prev.weight < weight) this.signals.set(key, { key, strength, weight, condition: prev ? prev.condition && condition : condition });
    for (const it of Array.isArray(items) ? items : [items]) this.items.push(it);
    return this;
  }

  /** at least one signal is a symptom */
  get observed(): boolean {
    for (const s of this.signals.values()) if (!s.condition) return true;
    return false;
  }

  /** context that belongs in the evidence list without adding weight */
  note(items: EvidenceItem | EvidenceItem[]): this {
    for (const it of Array.isArray(items) ? items : [items]) this.items.push(it);
    return this;
  }

  /** something checked that does not fit; `factor` < 1 lowers the confidence */
  against(text: string, factor = 1): this {
    this.againstNotes.push(text);
    this.factor *= Math.max(0, Math.min(1, factor));
    return this;
  }

  get hasSignals(): boolean {
    return this.signals.size > 0;
  }

  has(key: string): boolean {
    return this.signals.has(key);
  }

  get strengths(): Strength[] {
    return [...this.signals.values()].map((s) => s.strength);
  }

  confidence(): number {
    let miss = 1;
    for (const s of this.signals.values()) miss *= 1 - s.weight;
    const c = round((1 - miss) * this.factor);
    return this.observed ? c : Math.min(c, CONFIGURATION_CAP);
  }

  get evidence(): EvidenceItem[] {
    return this.items;
  }

  get againstList(): string[] {
    return this.againstNotes;
  }

  finding(f: {
    id: Exclude<RootCauseId, "none">;
    title: string;
    summary: string;
    fix: Fix[];
    references: string[];
    next?: NextStep[];
  }): Finding | null {
    if (!this.hasSignals) return null;
    const confidence = this.confidence();
    if (confidence <= 0) return null;
    const observed = this.observed;
    const out: Finding = {
      id: f.id,
      confidence,
      title: f.title,
      summary: observed ? f.summary : `${f.summary} Only the settings that make this possible were seen, nothing that shows it happened: a risk, not yet a cause.`,
      evidence: dedupe(this.items).slice(0, 40),
      against: this.againstNotes,
      fix: f.fix,
      references: f.references,
      next: dedupeNext(f.next ?? []).slice(0, 6),
      basis: observed ? "observed" : "configuration",
    };
    if (!observed && [...this.signals.values()].some((s) => s.strength === "H" && s.weight >= WEIGHT.H * 0.99)) strongConfiguration.add(out);
    return out;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function dedupeNext(steps: NextStep[]): NextStep[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const k = `${s.host}|${s.command}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function dedupe(items: EvidenceItem[]): EvidenceItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.host}|${i.file}|${i.line ?? ""}|${i.fact}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
