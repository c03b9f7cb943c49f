/**
 * Turning signals into a confidence. failure-patterns.md grades each signal H (near-conclusive), M
 * (supportive) or L (weak / shared with other causes). Independent signals combine like independent
 * witnesses (noisy-OR); several sightings of the same signal (three hosts with the same counter) count once,
 * at their strongest, because they are not independent. Counter-evidence multiplies the result down.
 *
 * The weights keep the table's promises: one L never reaches the root-cause threshold (0.5), nor do two Ls
 * or one M; one H does.
 */
import type { EvidenceItem, Finding, Fix, RootCauseId } from "./model";

export type Strength = "H" | "M" | "L";

export const WEIGHT: Record<Strength, number> = { H: 0.8, M: 0.4, L: 0.15 };

type Signal = { key: string; strength: Strength; weight: number };

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
    const weight = WEIGHT[strength] * Math.max(0, Math.min(1, scale));
    const prev = this.signals.get(key);
    if (!prev || prev.weight < weight) this.signals.set(key, { key, strength, weight });
    for (const it of Array.isArray(items) ? items : [items]) this.items.push(it);
    return this;
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
    return round((1 - miss) * this.factor);
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
  }): Finding | null {
    if (!this.hasSignals) return null;
    const confidence = this.confidence();
    if (confidence <= 0) return null;
    return {
      id: f.id,
      confidence,
      title: f.title,
      summary: f.summary,
      evidence: dedupe(this.items).slice(0, 40),
      against: this.againstNotes,
      fix: f.fix,
      references: f.references,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
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
