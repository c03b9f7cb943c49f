import { expect, test } from "./support/test";
import { API, uniq } from "./support/api";

// 27 incidents on one fresh cluster: the first page holds 25 (the API default), "Load more" fetches the
// rest through nextCursor, and the cluster filter in the URL keeps everyone else's incidents out.
test("the list pages with Load more and filters by cluster through the URL", async ({ page, request }) => {
  const cluster = await request.post(`${API}/clusters`, { data: { name: uniq("paging") } });
  expect(cluster.status(), await cluster.text()).toBe(201);
  const clusterId = ((await cluster.json()) as { data: { id: string } }).data.id;

  const total = 27;
  for (let n = 0; n < total; n++) {
    // Distinct start times one minute apart, so "newest first" has one right answer.
    const startedAt = new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString();
    const res = await request.post(`${API}/incidents`, {
      data: { title: `paging #${String(n).padStart(2, "0")}`, severity: "sev4", startedAt, clusterId },
    });
    expect(res.status(), await res.text()).toBe(201);
  }

  await page.goto(`/incidents?clusterId=${clusterId}`);
  const rows = page.getByTestId("incident-row");
  await expect(rows).toHaveCount(25);
  await expect(rows.first()).toContainText("paging #26");
  await expect(page.getByLabel("Cluster")).toHaveValue(clusterId);

  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows).toHaveCount(total);
  await expect(rows.last()).toContainText("paging #00");
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);

  const titles = await rows.locator("a[href^='/incidents/']").allTextContents();
  expect(titles).toEqual(Array.from({ length: total }, (_, i) => `paging #${String(total - 1 - i).padStart(2, "0")}`));

  await page.getByLabel("Status").selectOption("resolved");
  await expect(page).toHaveURL(new RegExp(`status=resolved&clusterId=${clusterId}$`));
  await expect(page.getByText("No incidents match these filters")).toBeVisible();
});
