import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/test";
import { uniq } from "./support/api";
import { expectNoAxeViolations, screenshotDir, shot } from "./support/warroom";

// The war-room journey through the browser against the production build: create an incident, upload a lab bundle
// and watch it go up and get analysed, the checklist fills in with cited items and the leading finding, a pasted
// `netstat -s` is recognised, a manual check is ticked, the root cause confirmed, the report edited and downloaded
// as Markdown and PDF, shared, opened logged out, revoked, and gone. axe on every page; a screenshot per step.

const LAB_BUNDLE = path.resolve("lib/analysis/checklist/testdata/lab/accept_queue_overflow.tar.gz");
// the seed-004 team's own `netstat -s` (recorded, see lib/analysis/diagnosis/testdata/seeds/004-accept-queue.md)
const NETSTAT = readFileSync(path.resolve("lib/analysis/diagnosis/testdata/seeds/004-accept-queue/nginx-pod/netstat-s-after.txt"), "utf8");

test.describe.configure({ mode: "serial" });

test("war room: evidence → checklist → root cause → report → share → revoke", async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const title = `Images fail to load ${uniq("wr")}`;

  // 1. create the incident through the page
  await page.goto("/incidents/new");
  await expectNoAxeViolations(page, "new incident");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Severity").selectOption("sev2");
  await page.getByLabel("Started at", { exact: true }).fill("2026-12-07T09:15");
  await page.getByRole("button", { name: "Declare incident" }).last().click();
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  const incidentUrl = page.url();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("live-state")).toHaveAttribute("data-state", "live");
  await shot(page, "incident-created");
  await expectNoAxeViolations(page, "war room, checklist (empty)");

  // 2. upload the lab bundle by the file picker, with the upload slowed so the bar can be seen moving
  await page.getByTestId("tab-evidence").click();
  await expectNoAxeViolations(page, "war room, evidence (empty)");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 32 * 1024 });
  await page.getByTestId("file-input").setInputFiles(LAB_BUNDLE);
  const bar = page.getByTestId("upload-progress");
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 10_000 }).toBeGreaterThan(0);
  const mid = Number(await bar.getAttribute("value"));
  expect(mid).toBeLessThan(100);
  await shot(page, "upload-progress");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.getByTestId("upload-row").first()).toHaveAttribute("data-state", "received", { timeout: 20_000 });
  // then the job's stages, until done
  await expect(page.getByTestId("analysis-done").first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("evidence-host")).toHaveCount(2);
  await expect(page.locator('[data-host="server"] [data-testid=evidence-file][data-kind=pcap]')).toHaveCount(1);
  await shot(page, "analysed-evidence");
  await expectNoAxeViolations(page, "war room, evidence (a bundle)");

  // 3. the checklist: cited items and the leading finding
  await page.getByTestId("tab-checklist").click();
  await expect(page.getByTestId("leading-finding")).toContainText("accept_queue_overflow", { timeout: 10_000 });
  const aq = page.locator('[data-testid=checklist-item][data-key="resources.accept-queue"]');
  await expect(aq).toHaveAttribute("data-status", "fail");
  // its facts cite the server's files first (the full listener, the overflow counter), linked to the evidence list
  await expect(aq.getByTestId("fact-link").first()).toHaveAttribute("href", /^#ev-server-/);
  await expect(aq).toContainText("17 connections waiting on a backlog of 16");
  await shot(page, "checklist-filled");
  await expectNoAxeViolations(page, "war room, checklist");

  // a cited fact links to its evidence file: the evidence tab opens on it
  const href = (await aq.getByTestId("fact-link").first().getAttribute("href"))!;
  await aq.getByTestId("fact-link").first().click();
  await expect(page.getByTestId("tab-evidence")).toHaveAttribute("data-state", "active");
  await expect(page.locator(href)).toBeInViewport();

  // the charts (with their text alternatives) and the comparison of the bundle's two nodes
  await page.getByTestId("tab-charts").click();
  await expect(page.getByTestId("charts").getByTestId("chart-summary").first()).toBeVisible({ timeout: 20_000 });
  await shot(page, "charts");
  await expectNoAxeViolations(page, "war room, charts");
  await page.getByTestId("tab-compare").click();
  await page.getByLabel("A", { exact: true }).selectOption({ index: 1 });
  await page.getByLabel("B", { exact: true }).selectOption({ index: 2 });
  await expect(page.getByTestId("compare-result")).toBeVisible({ timeout: 20_000 });
  await shot(page, "compare");
  await expectNoAxeViolations(page, "war room, compare");

  // 4. paste a netstat -s: recognised
  await page.getByTestId("tab-evidence").click();
  await page.getByTestId("paste-text").fill(`$ netstat -s\n${NETSTAT}`);
  await page.getByLabel("From node (optional)").fill("nginx-pod");
  await page.getByRole("button", { name: "Send paste" }).click();
  await expect(page.getByText("Pasted; it is being recognised and analysed.")).toBeVisible();
  const pasted = page.locator('[data-host="nginx-pod"] [data-testid=evidence-file]');
  await expect(pasted.first()).toHaveAttribute("data-kind", "netstat-s", { timeout: 60_000 });
  await expect(page.getByTestId("analysis-done").first()).toBeVisible({ timeout: 60_000 });
  await shot(page, "paste-recognised");

  // 5. a manual check, ticked
  await page.getByTestId("tab-checklist").click();
  await page.getByRole("button", { name: "+ Add a manual check to Logs" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("What was checked").fill("CDN error-rate dashboard for the image host");
  await dialog.getByLabel("Result").selectOption("warn");
  await expectNoAxeViolations(page, "manual-check dialog");
  await dialog.getByRole("button", { name: "Add check" }).click();
  const manual = page.locator("[data-testid=checklist-item]").filter({ hasText: "CDN error-rate dashboard" });
  await expect(manual).toHaveAttribute("data-status", "warn");
  await manual.getByRole("checkbox").check();
  await expect(manual.getByRole("checkbox")).toBeChecked();
  await expect(manual).toContainText("Ticked by");
  await shot(page, "manual-check-ticked");

  // 6. confirm the root cause
  await page.getByTestId("tab-findings").click();
  const finding = page.locator('[data-testid=finding][data-finding="accept_queue_overflow"]');
  await expectNoAxeViolations(page, "war room, findings");
  await finding.getByRole("button", { name: "Confirm as root cause" }).click();
  await expect(finding).toHaveAttribute("data-verdict", "confirmed");
  await expect(finding.getByTestId("decision")).toContainText("Confirmed as the root cause by");
  await shot(page, "root-cause-confirmed");

  // timeline: the tick and the confirmation are there, attributed
  await page.getByTestId("tab-timeline").click();
  await expect(page.getByTestId("timeline")).toContainText(/Root cause confirmed: .*\(accept_queue_overflow, confidence/);
  await expect(page.getByTestId("timeline")).toContainText("CDN error-rate dashboard");
  await expectNoAxeViolations(page, "war room, timeline");

  // 7. the report: drafted from the confirmed root cause, edited, saved
  await page.getByTestId("tab-report").click();
  const editor = page.getByTestId("report-markdown");
  await expect(editor).toHaveValue(/_Confirmed by .* on 2026|_Confirmed by/, { timeout: 20_000 });
  await expect(editor).toHaveValue(/## Root cause/);
  const marker = `Edited in the war room ${uniq("e")}`;
  await editor.fill(`${await editor.inputValue()}\n\n${marker}\n`);
  await page.getByTestId("report-save").click();
  await expect(page.getByTestId("report-version")).toContainText("Version 1");
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId("report-document")).toContainText(marker);
  await shot(page, "report-saved");
  await expectNoAxeViolations(page, "war room, report");

  // download Markdown and PDF
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-md").click()]);
  const mdPath = path.join(screenshotDir(), "postmortem.md");
  await md.saveAs(mdPath);
  const mdText = readFileSync(mdPath, "utf8");
  expect(mdText).toContain(marker);
  expect(mdText).toContain("# Postmortem:");
  const [pdf] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.getByTestId("download-pdf").click()]);
  const pdfPath = path.join(screenshotDir(), "postmortem.pdf");
  await pdf.saveAs(pdfPath);
  const pdfBytes = readFileSync(pdfPath);
  expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdfBytes.length).toBeGreaterThan(10_000);

  // 8. a share link, opened logged out
  await page.getByLabel("Expires").selectOption("7");
  await page.getByRole("button", { name: "Create share link" }).click();
  const shareUrl = await page.getByTestId("share-url").inputValue();
  expect(shareUrl).toMatch(/\/r\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId("share-link")).toHaveCount(1);
  await shot(page, "share-link-created");

  const anon = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: testInfo.project.use.baseURL });
  const pub = await anon.newPage();
  const res = await pub.goto(shareUrl);
  expect(res?.status()).toBe(200);
  await expect(pub.getByTestId("report-document")).toContainText(marker);
  await expect(pub.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  // the report only: no navigation, no edit controls, nothing of the war room
  await expect(pub.locator("textarea, input, select")).toHaveCount(0);
  await expect(pub.getByRole("button")).toHaveCount(0);
  await expect(pub.getByRole("navigation")).toHaveCount(0);
  await shot(pub, "shared-report-logged-out");
  await expectNoAxeViolations(pub, "public report");

  // 9. revoke: the link is a 404 at once
  await page.getByRole("button", { name: /Revoke link/ }).click();
  await expect(page.getByTestId("share-link")).toHaveAttribute("data-active", "false");
  const gone = await pub.goto(shareUrl);
  expect(gone?.status()).toBe(404);
  await expect(pub.getByTestId("report-document")).toHaveCount(0);
  await shot(pub, "revoked-404");
  await expectNoAxeViolations(pub, "revoked link (404)");
  await anon.close();

  // the page still carries everything after a reload; the list shows the incident
  await page.goto(incidentUrl);
  await expect(page.getByTestId("leading-finding")).toContainText("accept_queue_overflow");
  await page.goto("/incidents");
  await expect(page.getByTestId("incident-row").filter({ hasText: title })).toHaveCount(1);
  await expectNoAxeViolations(page, "incident list");
});
