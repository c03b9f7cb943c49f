import { expect, type Page } from "@playwright/test";

/**
 * A small axe-like check of what this app promises: every form control has a label, every button and
 * link has an accessible name, ids are unique, there is exactly one h1 and one main landmark.
 */
export async function expectBasicA11y(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""}`;
    for (const el of Array.from(document.querySelectorAll("input, select, textarea"))) {
      const c = el as HTMLInputElement;
      if (c.type === "hidden") continue;
      const labelled = (c.labels && c.labels.length > 0) || c.getAttribute("aria-label") || c.getAttribute("aria-labelledby");
      if (!labelled) out.push(`control without label: ${describe(el)}`);
    }
    for (const el of Array.from(document.querySelectorAll("button, a[href]"))) {
      const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim();
      if (!name) out.push(`${el.tagName.toLowerCase()} without accessible name`);
    }
    const ids = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll("[id]"))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) out.push(`duplicate id ${id} (${n}x)`);
    if (document.querySelectorAll("h1").length !== 1) out.push(`expected one h1, found ${document.querySelectorAll("h1").length}`);
    if (document.querySelectorAll("main").length !== 1) out.push("expected one main landmark");
    if (document.documentElement.lang !== "en") out.push(`html lang is "${document.documentElement.lang}"`);
    return out;
  });
  expect(problems).toEqual([]);
}
