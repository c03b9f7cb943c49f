import { expect, test } from "./support/test";
import { ADMIN } from "./support/auth";
import { uniq } from "./support/api";

// The whole war-room loop through the browser against the production build and the real API:
// cluster -> node -> incident -> two notes -> open->mitigated -> reload -> everything is still there.
test("create a cluster, open an incident on it, log notes, mitigate, reload and see it all", async ({ page }, testInfo) => {
  const clusterName = uniq("prod-eu");
  const title = `Intermittent 502s from ingress ${uniq("t")}`;

  await page.goto("/clusters");
  await expect(page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(clusterName);
  await page.getByLabel("K8s version").fill("1.24.3");
  await page.getByLabel("CNI", { exact: true }).selectOption("flannel");
  await page.getByLabel("CNI mode").fill("vxlan");
  await page.getByLabel("Underlay MTU").fill("1500");
  await page.getByLabel("Overlay MTU").fill("1450");
  await page.getByLabel("kube-proxy mode").selectOption("ipvs");
  await page.getByLabel("Pod CIDR").fill("10.244.0.0/16");
  await page.getByRole("button", { name: "Create cluster" }).click();

  await expect(page).toHaveURL(/\/clusters\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: clusterName, level: 1 })).toBeVisible();
  await expect(page.getByText("flannel / vxlan")).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill("worker-1");
  await page.getByLabel("Addresses").fill("10.0.0.11, fd00::11");
  await page.getByLabel("Kernel version").fill("5.4.0-42-generic");
  await page.getByRole("button", { name: "Add node" }).click();
  await expect(page.getByTestId("node-row")).toHaveCount(1);
  await expect(page.getByTestId("node-row")).toContainText("10.0.0.11, fd00::11");
  await page.screenshot({ path: testInfo.outputPath("cluster-page.png"), fullPage: true });

  await page.getByRole("link", { name: "Declare incident here" }).click();
  await expect(page).toHaveURL(/\/incidents\/new\?clusterId=/);
  // The cluster arrives asynchronously; the select must settle on it before submitting.
  await expect(page.getByLabel("Cluster")).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.locator("#incident-clusterId option:checked")).toHaveText(clusterName);
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Severity").selectOption("sev1");
  // Viewer zone is Asia/Shanghai (UTC+8, see playwright.config.ts): 09:15 local is 01:15 UTC.
  await page.getByLabel("Started at", { exact: true }).fill("2026-11-22T09:15");
  await page.getByLabel("Detected at (optional)", { exact: true }).fill("2026-11-22T09:27");
  await page.getByLabel("Incident commander (optional)").fill("Li Wei");
  await page.getByRole("button", { name: "Declare incident" }).last().click();

  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  const incidentUrl = page.url();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  // the war room opens on its checklist; the timeline is a tab (its URL state survives the reloads below)
  await page.getByTestId("tab-timeline").click();
  await expect(page).toHaveURL(/\?tab=timeline$/);
  await expect(page.getByTestId("incident-status")).toHaveText("open");

  const started = page.locator(`time[datetime]`).filter({ hasText: "2026-11-22 09:15" }).first();
  await expect(started).toHaveAttribute("title", "2026-11-22 01:15:00 UTC");
  await expect(page.getByText("+12m after start")).toBeVisible();

  const events = page.getByTestId("timeline-event");
  await expect(page.getByText("Nothing on the timeline yet").or(page.getByTestId("timeline"))).toBeVisible();
  const before = await events.count();

  await page.getByLabel("Kind").selectOption("detection");
  await page.getByLabel("Note", { exact: true }).fill("Ingress 502 rate above 3% on two nodes; conntrack insert_failed climbing.");
  await page.getByRole("button", { name: "Add to timeline" }).click();
  await expect(events).toHaveCount(before + 1);
  await expect(page.getByLabel("Note", { exact: true })).toHaveValue("");

  await page.getByLabel("Kind").selectOption("diagnosis");
  await page.getByLabel("Note", { exact: true }).fill("SNAT port collisions: net.netfilter.nf_conntrack_tcp_timeout_time_wait too long.");
  await page.getByRole("button", { name: "Add to timeline" }).click();
  await expect(events).toHaveCount(before + 2);
  await expect(page.getByTestId("announcer")).toHaveText("Added to the timeline.");

  await page.getByLabel("Status change note (optional)").fill("Raised nf_conntrack_max; 502s back to baseline.");
  await page.getByRole("button", { name: "Mark mitigated" }).click();
  await expect(page.getByTestId("incident-status")).toHaveText("mitigated");
  await expect(page.getByRole("button", { name: "Resolve" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Back to open" })).toBeVisible();
  await expect(events.and(page.locator('[data-kind="status-change"]'))).toHaveCount(1);

  await page.reload();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("incident-status")).toHaveText("mitigated");
  await expect(page.getByRole("link", { name: clusterName })).toBeVisible();
  await expect(page.getByText("Li Wei")).toBeVisible();

  // Oldest first: the two notes in the order they were written, then the status change.
  await expect(events).toHaveCount(before + 3);
  const kinds = await events.evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
  const own = kinds.slice(before);
  expect(own).toEqual(["detection", "diagnosis", "status-change"]);
  await expect(events.nth(before)).toContainText("conntrack insert_failed");
  await expect(events.nth(before + 1)).toContainText("SNAT port collisions");
  await expect(events.nth(before + 1)).toContainText("diagnosis");
  // Attributed to the signed-in user (no author field any more).
  await expect(events.nth(before)).toContainText(ADMIN.name);
  await expect(events.nth(before + 2)).toContainText("open to mitigated");
  await expect(events.nth(before + 2)).toContainText("Raised nf_conntrack_max; 502s back to baseline.");
  // Every time on the timeline carries its UTC instant on hover.
  for (const t of await page.getByTestId("timeline").locator("time").all()) {
    await expect(t).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  }
  await page.screenshot({ path: testInfo.outputPath("incident-page.png"), fullPage: true });

  // Summary and header details are edited in place (PATCH) and survive a reload.
  await page.getByRole("button", { name: "Edit summary" }).click();
  await page.getByLabel("Summary").fill("Conntrack table full on two nodes after a traffic spike.");
  await page.getByRole("button", { name: "Save summary" }).click();
  await expect(page.getByTestId("incident-summary")).toHaveText("Conntrack table full on two nodes after a traffic spike.");
  await page.getByRole("button", { name: "Edit details" }).click();
  await page.locator("#edit-severity").selectOption("sev2");
  await page.locator("#edit-commander").fill("Wang Fang");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByTestId("incident-badges")).toContainText("sev2");
  await page.reload();
  await expect(page.getByTestId("incident-summary")).toHaveText("Conntrack table full on two nodes after a traffic spike.");
  await expect(page.getByTestId("incident-badges")).toContainText("sev2");
  await expect(page.getByText("Wang Fang")).toBeVisible();

  // The list shows it, and the URL filters find (or hide) it.
  await page.goto("/incidents");
  const row = page.getByTestId("incident-row").filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("mitigated");
  await expect(row).toContainText("sev2");
  await page.screenshot({ path: testInfo.outputPath("incident-list.png"), fullPage: true });

  await page.getByLabel("Status").selectOption("resolved");
  await expect(page).toHaveURL(/\/incidents\?status=resolved$/);
  await expect(page.getByTestId("incident-row").filter({ hasText: title })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("mitigated");
  await expect(page).toHaveURL(/status=mitigated/);
  await expect(page.getByTestId("incident-row").filter({ hasText: title })).toHaveCount(1);

  await page.goto(incidentUrl);
  await expect(page.getByTestId("incident-status")).toHaveText("mitigated");
});

test("a stale status change shows the conflict and the current state", async ({ page, request }) => {
  const title = `Conflict check ${uniq("c")}`;
  const created = await request.post("/api/v1/incidents", {
    data: { title, severity: "sev2", startedAt: "2026-11-21T10:00:00+08:00" },
  });
  expect(created.status()).toBe(201);
  const incident = ((await created.json()) as { data: { id: string; version: number } }).data;

  // The war room is live: another person's status change reaches an open page by its event stream within a second.
  // This page has lost its stream (a network blip), so it still shows the old state when the click goes out.
  await page.route("**/api/v1/incidents/*/events*", (r) => r.abort());
  await page.goto(`/incidents/${incident.id}`);
  await expect(page.getByTestId("incident-status")).toHaveText("open");

  // Someone else resolves it behind this page's back.
  const other = await request.post(`/api/v1/incidents/${incident.id}/status`, {
    data: { to: "resolved", expectedVersion: incident.version },
  });
  expect(other.status()).toBe(200);

  await page.getByRole("button", { name: "Mark mitigated" }).click();
  await expect(page.getByTestId("status-outcome")).toContainText("Someone else changed the status; reloaded");
  await expect(page.getByTestId("incident-status")).toHaveText("resolved");
  await expect(page.getByRole("button", { name: "Reopen" })).toBeVisible();
});

test("unknown incident and unknown routes show not-found pages", async ({ page }) => {
  // a well-formed unknown id: a 404 rendered by the server (the war room renders the incident on the server)
  const missing = await page.goto("/incidents/00000000-0000-4000-8000-000000000000");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Incident not found" })).toBeVisible();
  const res = await page.goto("/incidents/not-a-uuid");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Incident not found" })).toBeVisible();
  const nowhere = await page.goto("/no-such-page");
  expect(nowhere?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
