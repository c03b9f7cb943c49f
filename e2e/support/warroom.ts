// Helpers of the war-room specs: screenshots of each step as files a reviewer can open, and axe (WCAG 2.1 AA) on
// the page as it stands.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** test-results/warroom-screens/<db>/NN-step.png: kept after the run (Playwright clears only per-test folders). */
export function screenshotDir(): string {
  const db = process.env.DATABASE_URL ? "postgresql" : "pglite";
  const dir = path.resolve("test-results", "warroom-screens", db);
  mkdirSync(dir, { recursive: true });
  return dir;
}

let step = 0;
export async function shot(page: Page, name: string): Promise<string> {
  step++;
  const file = path.join(screenshotDir(), `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(v, `axe on ${what}`).toEqual([]);
}
