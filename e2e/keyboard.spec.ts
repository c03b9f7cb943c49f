import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { expectBasicA11y } from "./support/a11y";
import { uniq } from "./support/api";

async function activeId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/** Presses Tab until the element with `id` has focus; fails if it is not reachable within `max` stops. */
async function tabTo(page: Page, id: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await activeId(page)) === id) return;
    await page.keyboard.press("Tab");
  }
  expect(await activeId(page), `#${id} not reachable with Tab`).toBe(id);
}

async function tabToText(page: Page, text: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    const t = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
    if (t === text) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`"${text}" not reachable with Tab`);
}

test("the new-incident form can be filled and submitted with the keyboard only", async ({ page }, testInfo) => {
  const title = `Keyboard-only incident ${uniq("k")}`;
  await page.goto("/incidents/new");
  await expect(page.getByRole("heading", { name: "Declare an incident", level: 1 })).toBeVisible();
  await expectBasicA11y(page);

  // First Tab lands on the skip link; following it puts focus on the main content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // Submitting the empty form reports errors and moves focus to the first bad field.
  await tabTo(page, "incident-title");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
  expect(outline, "focused field must show a focus ring").not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.locator("#incident-title-error")).toHaveText("Give the incident a title.");
  await expect(page.locator("#incident-startedAt-error")).toHaveText("When did it start?");
  await expect(page.locator("#incident-title")).toBeFocused();
  await expect(page.locator("#incident-title")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: testInfo.outputPath("new-incident-errors.png"), fullPage: true });

  await page.keyboard.type(title);
  await page.keyboard.press("Tab");
  await expect(page.locator("#incident-severity")).toBeFocused();
  // Closed <select>: arrow keys change the value on Linux Chromium without opening the list.
  await page.keyboard.press("ArrowUp");
  await expect(page.locator("#incident-severity")).toHaveValue("sev1");

  await tabToText(page, "Now");
  await expect(page.getByRole("button", { name: "Set started at to now" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#incident-startedAt")).toHaveValue(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);

  await tabTo(page, "incident-commander");
  await page.keyboard.type("Zhang San");
  await page.keyboard.press("Tab");
  await expect(page.locator("#incident-summary")).toBeFocused();
  await page.keyboard.type("Pods on two nodes lose DNS answers every few minutes.");

  await tabToText(page, "Declare incident");
  await expect(page.getByRole("button", { name: "Declare incident" })).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByText("Zhang San")).toBeVisible();
  await expect(page.getByTestId("incident-badges")).toContainText("sev1");
  await expectBasicA11y(page);

  // The war room's tabs and the add-note form are keyboard-reachable too: Tab to the tab list, End to the last
  // tab (Timeline; Radix activates it on focus), then on to the note.
  await tabToText(page, "Checklist", 80);
  await page.keyboard.press("End");
  await expect(page.getByTestId("tab-timeline")).toHaveAttribute("data-state", "active");
  await tabTo(page, "note-body", 80);
  await page.keyboard.type("Typed and posted with Ctrl+Enter.");
  await page.keyboard.press("Control+Enter");
  await expect(page.getByTestId("timeline-event").filter({ hasText: "Typed and posted with Ctrl+Enter." })).toHaveCount(1);
  await expect(page.locator("#note-body")).toHaveValue("");
});

test("list and cluster pages pass the basic accessibility check", async ({ page }, testInfo) => {
  await page.goto("/incidents");
  await expect(page.getByRole("heading", { name: "Incidents", level: 1 })).toBeVisible();
  await expect(page.getByRole("status").or(page.getByRole("table")).first()).toBeVisible();
  await expectBasicA11y(page);
  await page.goto("/clusters");
  await expect(page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();
  await expect(page.getByTestId("cluster-row").first()).toBeVisible();
  await expectBasicA11y(page);
  await page.screenshot({ path: testInfo.outputPath("clusters.png"), fullPage: true });
});
