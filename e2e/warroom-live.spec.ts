import type { APIRequestContext, Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { createIncident, uniq } from "./support/api";
import { ADMIN, createUser, signInApi } from "./support/auth";
import { shot } from "./support/warroom";

// Several engineers on one incident: what one does appears in the other's page within 2 s without a reload, and
// two people saving the report from the same version never silently lose an edit.

async function responderContext(browser: Browser, baseURL: string, admin: APIRequestContext): Promise<{ ctx: BrowserContext; name: string }> {
  const u = await createUser(admin, "responder", { name: `Bo Responder ${uniq("n")}` });
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL });
  await signInApi(ctx.request, u.email, u.password);
  return { ctx, name: u.name };
}

async function openLive(page: Page, url: string, tab: string): Promise<void> {
  await page.goto(`${url}?tab=${tab}`);
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-state", "live");
}

test("a note and a tick in one context appear in the other within 2 s; presence shows both", async ({ page, browser, request }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const incident = await createIncident(request, { title: uniq("live incident") });
  const url = `/incidents/${incident.id}`;
  const { ctx, name: bo } = await responderContext(browser, baseURL, request);
  const other = await ctx.newPage();
  await openLive(page, url, "timeline");
  await openLive(other, url, "timeline");

  // presence: each sees the other
  await expect(page.getByTestId("presence")).toContainText(bo, { timeout: 5_000 });
  await expect(other.getByTestId("presence")).toContainText(ADMIN.name, { timeout: 5_000 });

  // a note written in the second context
  const note = `SYN retransmissions seen on ingress-2 ${uniq("note")}`;
  await other.getByLabel("Note", { exact: true }).fill(note);
  const [posted] = await Promise.all([
    other.waitForResponse((r) => r.url().endsWith(`/incidents/${incident.id}/timeline`) && r.request().method() === "POST"),
    other.getByRole("button", { name: "Add to timeline" }).click(),
  ]);
  expect(posted.status()).toBe(201);
  const t0 = Date.now();
  await expect(page.getByTestId("timeline")).toContainText(note, { timeout: 2_000 });
  const noteMs = Date.now() - t0;

  // a tick in the first context, seen in the second's checklist
  await page.getByTestId("tab-checklist").click();
  await other.getByTestId("tab-checklist").click();
  const item = (p: Page) => p.locator('[data-testid=checklist-item][data-key="kernel.version"]');
  await expect(item(other).getByRole("checkbox")).not.toBeChecked();
  const [ticked] = await Promise.all([
    page.waitForResponse((r) => r.url().includes("/checklist/kernel.version") && r.request().method() === "PATCH"),
    item(page).getByRole("checkbox").check(),
  ]);
  expect(ticked.status()).toBe(200);
  const t1 = Date.now();
  await expect(item(other).getByRole("checkbox")).toBeChecked({ timeout: 2_000 });
  const tickMs = Date.now() - t1;
  await expect(item(other)).toContainText(`Ticked by ${ADMIN.name}`);
  await shot(other, "live-tick-seen-by-other");
  testInfo.annotations.push({ type: "latency", description: `note ${noteMs} ms, tick ${tickMs} ms (after the writer's response)` });
  console.log(`[warroom-live] note appeared after ${noteMs} ms, tick after ${tickMs} ms`);

  // leaving: the other sees it
  await other.close();
  await expect(page.getByTestId("presence")).not.toContainText(bo, { timeout: 5_000 });
  await ctx.close();
});

test("two contexts save the report from the same version: the second is refused and shown as a conflict, nothing lost", async ({ page, browser, request }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const incident = await createIncident(request, { title: uniq("conflict incident") });
  const url = `/incidents/${incident.id}`;
  const { ctx } = await responderContext(browser, baseURL, request);
  const other = await ctx.newPage();
  await openLive(page, url, "report");
  await openLive(other, url, "report");
  const a = page.getByTestId("report-markdown");
  const b = other.getByTestId("report-markdown");
  await expect(a).toHaveValue(/# Postmortem:/);
  await expect(b).toHaveValue(/# Postmortem:/);

  const mine = `${await a.inputValue()}\nAdmin's paragraph ${uniq("a")}\n`;
  const theirs = `${await b.inputValue()}\nResponder's paragraph ${uniq("b")}\n`;
  await a.fill(mine);
  await b.fill(theirs);
  // both typed from version 0 (the draft); the first save wins
  await page.getByTestId("report-save").click();
  await expect(page.getByTestId("report-version")).toContainText("Version 1");

  const [refused] = await Promise.all([
    other.waitForResponse((r) => r.url().endsWith(`/incidents/${incident.id}/report`) && r.request().method() === "PUT"),
    other.getByTestId("report-save").click(),
  ]);
  expect(refused.status()).toBe(409);
  const conflict = other.getByTestId("report-conflict");
  await expect(conflict).toBeVisible();
  // nothing lost: their own text is still in the editor, the saved one beside it
  await expect(b).toHaveValue(theirs);
  await expect(other.getByTestId("conflict-theirs")).toHaveValue(mine);
  await shot(other, "report-conflict");

  // the server kept version 1 (the first save) untouched
  const saved = await request.get(`/api/v1/incidents/${incident.id}/report`);
  expect(((await saved.json()) as { data: { markdown: string; version: number } }).data).toMatchObject({ markdown: mine, version: 1 });

  // choosing to save over it makes version 2 with their text; version 1 stays as a revision
  await other.getByRole("button", { name: "Save mine over version 1" }).click();
  await expect(other.getByTestId("report-version")).toContainText("Version 2");
  await expect(page.getByTestId("report-version")).toContainText("Version 2", { timeout: 5_000 });
  await ctx.close();
});
