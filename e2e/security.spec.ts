// Issue 11 through the browser and HTTP against the production build: security headers on pages and API answers,
// the CSP on (no violations: support/test.ts fails a test on any), signing in and out, the sign-in limit, the
// Origin check, roles in the UI, tokens, the admin pages; axe on every page this issue adds, with screenshots.
import AxeBuilder from "@axe-core/playwright";
import { request as playwrightRequest, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { API, uniq } from "./support/api";
import { createUser, storageStatePath } from "./support/auth";
import { expect, test } from "./support/test";

const ANONYMOUS = { cookies: [], origins: [] };

async function axe(page: Page): Promise<void> {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

function expectCommonHeaders(h: Record<string, string>): void {
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-powered-by"]).toBeUndefined();
}

function pageCsp(h: Record<string, string>): string {
  const csp = h["content-security-policy"] ?? "";
  const script = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? "";
  expect(script).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'$/);
  expect(script).not.toContain("unsafe-inline");
  expect(script).not.toContain("unsafe-eval");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'self'");
  return /'nonce-([^']+)'/.exec(script)?.[1] ?? "";
}

/** A context signed in as someone else than the admin. */
async function signedInPage(browser: Browser, email: string, password: string): Promise<Page> {
  const ctx = await browser.newContext({ storageState: ANONYMOUS });
  const page = await ctx.newPage();
  const res = await page.request.post("/api/auth/sign-in/email", { data: { email, password } });
  expect(res.status(), await res.text()).toBe(200);
  return page;
}

async function adminApi(baseURL: string | undefined): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, storageState: storageStatePath() });
}

test.describe("signed out", () => {
  test.use({ storageState: ANONYMOUS });

  test("headers on pages and on API answers; the page's scripts carry the nonce of its CSP, new per load", async ({ page, request }) => {
    const res = await page.goto("/sign-in");
    const h = res!.headers();
    expectCommonHeaders(h);
    const nonce = pageCsp(h);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => ({ src: s.src, nonce: s.nonce })));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s.nonce, `script ${s.src || "(inline)"} has the page's nonce`).toBe(nonce);
    const again = pageCsp((await page.reload())!.headers());
    expect(again).not.toBe(nonce);

    // The way to sign-in is a redirect: it carries them too.
    const redirect = await request.get("/incidents", { maxRedirects: 0 });
    expect(redirect.status()).toBe(307);
    expectCommonHeaders(redirect.headers());
    expect(redirect.headers()["content-security-policy"]).toContain("default-src 'none'");

    for (const [path, status] of [
      ["/api/v1/health", 200],
      ["/api/v1/incidents", 401],
      ["/api/v1/incidents/not-a-uuid", 401],
      ["/favicon.svg", 200],
    ] as const) {
      const r = await request.get(path);
      expect(r.status(), path).toBe(status);
      const hh = r.headers();
      expectCommonHeaders(hh);
      expect(hh["content-security-policy"], path).toContain("default-src 'none'");
      if (status === 401) {
        const body = (await r.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("unauthenticated");
        expect(body.error.message).not.toMatch(/\n\s+at /);
        expect(hh["www-authenticate"]).toContain("Bearer");
      }
    }
  });

  test("a page without a session sends you to sign in, and back after it; sign out ends the session", async ({ page, baseURL }, testInfo) => {
    const admin = await adminApi(baseURL);
    const viewer = await createUser(admin, "viewer", { name: "Vera Viewer" });
    await page.goto("/clusters");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fclusters$/);
    await expect(page.getByRole("heading", { name: "Sign in", level: 1 })).toBeVisible();
    await axe(page);
    await page.screenshot({ path: testInfo.outputPath("sign-in.png"), fullPage: true });

    await page.getByLabel("Email").fill(viewer.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("The email or password is not right.")).toBeVisible();
    await expect(page.locator("#sign-in-error")).toBeFocused();
    await axe(page);
    await page.screenshot({ path: testInfo.outputPath("sign-in-error.png"), fullPage: true });

    await page.getByLabel("Password").fill(viewer.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/clusters$/);
    await expect(page.getByRole("link", { name: /Account: Vera Viewer viewer/ })).toBeVisible();
    // A viewer is not offered what it cannot do.
    await expect(page.getByRole("link", { name: "Declare incident" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "netmortem.session_token");
    // Plain http here: not Secure (a browser would drop a Secure cookie of a non-localhost http host).
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    // The old cookie is dead on the server, not just removed from the browser.
    const replay = await page.request.get(`${API}/me`, { headers: { cookie: `netmortem.session_token=${session!.value}` } });
    expect(replay.status()).toBe(401);
    await admin.dispose();
  });

  test("the 6th failed sign-in for one email is refused with 429 and Retry-After, even with the right password", async ({ page, request, baseURL }) => {
    const admin = await adminApi(baseURL);
    const victim = await createUser(admin, "viewer");
    await admin.dispose();
    for (let i = 1; i <= 5; i++) {
      const r = await request.post("/api/auth/sign-in/email", { data: { email: victim.email, password: `guess ${i}` } });
      expect(r.status(), `attempt ${i}`).toBe(401);
    }
    const sixth = await request.post("/api/auth/sign-in/email", { data: { email: victim.email, password: victim.password } });
    expect(sixth.status()).toBe(429);
    expect(Number(sixth.headers()["retry-after"])).toBeGreaterThan(0);
    expect(sixth.headers()["set-cookie"]).toBeUndefined();
    // The page says what happened.
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(victim.email);
    await page.getByLabel("Password").fill(victim.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText(/Too many attempts\. Try again in \d+ minutes\./)).toBeVisible();
  });
});

test("a cross-site POST with a valid session cookie is refused; the same from this site works", async ({ request, baseURL }) => {
  const evil = await request.post(`${API}/incidents`, {
    headers: { origin: "https://evil.example" },
    data: { title: uniq("csrf"), severity: "sev3" },
  });
  expect(evil.status()).toBe(403);
  expect(((await evil.json()) as { error: { code: string } }).error.code).toBe("cross_site");
  const fetchMeta = await request.post(`${API}/incidents`, {
    headers: { "sec-fetch-site": "cross-site" },
    data: { title: uniq("csrf"), severity: "sev3" },
  });
  expect(fetchMeta.status()).toBe(403);
  const same = await request.post(`${API}/incidents`, {
    headers: { origin: new URL(baseURL!).origin },
    data: { title: uniq("same site"), severity: "sev3" },
  });
  expect(same.status(), await same.text()).toBe(201);
});

test("account: change the password, make a personal token, use it, revoke it: refused at once", async ({ browser, baseURL }, testInfo) => {
  const admin = await adminApi(baseURL);
  const user = await createUser(admin, "responder", { name: "Rita Responder" });
  await admin.dispose();
  const page = await signedInPage(browser, user.email, user.password);
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
  await expect(page.getByTestId("my-role")).toHaveText("responder");
  await axe(page);

  await page.getByLabel("Token name").fill("laptop script");
  await page.getByRole("button", { name: "Make token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^nmp_/);
  await expect(page.getByTestId("token-row").filter({ hasText: "laptop script" })).toContainText(token.slice(0, 12));
  await axe(page);
  await page.screenshot({ path: testInfo.outputPath("account-token.png"), fullPage: true });

  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  const me = await api.get(`${API}/me`);
  expect(await me.json()).toMatchObject({ data: { email: user.email, role: "responder", via: "token" } });
  const made = await api.post(`${API}/incidents`, { data: { title: uniq("by token"), severity: "sev4" } });
  expect(made.status()).toBe(201);

  const row = page.getByTestId("token-row").filter({ hasText: "laptop script" });
  await row.getByRole("button", { name: "Revoke laptop script" }).click();
  await row.getByRole("button", { name: "Confirm revoke laptop script" }).click();
  await expect(row).toContainText("revoked");
  expect((await api.get(`${API}/me`)).status()).toBe(401);
  await api.dispose();

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("New password again").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Your other sessions are signed out.")).toBeVisible();
  // No cookie at all: with one (a test runner's defaults can lend the admin's), better-auth wants an Origin.
  const fresh = await playwrightRequest.newContext({ baseURL, storageState: ANONYMOUS });
  expect((await fresh.post("/api/auth/sign-in/email", { data: { email: user.email, password: user.password } })).status()).toBe(401);
  expect((await fresh.post("/api/auth/sign-in/email", { data: { email: user.email, password: "a brand new password" } })).status()).toBe(200);
  await fresh.dispose();
  await page.context().close();
});

test("admin: invite a user, who sets a password and signs in; change their role; the audit log shows it all", async ({ page, browser }, testInfo) => {
  const usersPage = await page.goto("/admin/users");
  // A signed-in page: the same headers, its own nonce.
  expectCommonHeaders(usersPage!.headers());
  pageCsp(usersPage!.headers());
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await axe(page);
  const email = `${uniq("invitee")}@example.test`;
  await page.getByLabel("Name").fill("Ivan Invitee");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  const link = (await page.getByTestId("new-token").textContent())!.trim();
  expect(link).toMatch(/\/invite\/nmv_/);
  const row = page.getByTestId("user-row").filter({ hasText: email });
  await expect(row).toContainText("invited");
  await page.screenshot({ path: testInfo.outputPath("admin-users.png"), fullPage: true });

  const ctx = await browser.newContext({ storageState: ANONYMOUS });
  const invitee = await ctx.newPage();
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole("heading", { name: "Welcome, Ivan Invitee" })).toBeVisible();
  await axe(invitee);
  await invitee.screenshot({ path: testInfo.outputPath("invite.png"), fullPage: true });
  await invitee.getByLabel("Password", { exact: true }).fill("ivan's own password");
  await invitee.getByLabel("Password again").fill("ivan's own password");
  await invitee.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(invitee).toHaveURL(/\/incidents$/);
  await expect(invitee.getByRole("link", { name: /Account: Ivan Invitee viewer/ })).toBeVisible();
  // The link is spent.
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole("heading", { name: "This invitation cannot be used" })).toBeVisible();

  await page.reload();
  await row.getByLabel(`Role of ${email}`).selectOption("responder");
  await expect(page.getByTestId("announcer")).toHaveText(`${email} is now responder.`);
  await invitee.goto("/incidents");
  await expect(invitee.getByRole("link", { name: /Account: Ivan Invitee responder/ })).toBeVisible();
  await expect(invitee.getByRole("link", { name: "Declare incident" })).toBeVisible();
  await ctx.close();

  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  for (const action of ["user.invited", "user.invite-accepted", "user.role-changed", "sign-in.ok"]) {
    await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first()).toBeVisible();
  }
  await axe(page);
  await page.screenshot({ path: testInfo.outputPath("admin-audit.png"), fullPage: true });
  await page.getByLabel("Show").selectOption("sign-in.failed");
  await expect(page.locator('[data-testid="audit-row"]').first()).toHaveAttribute("data-action", "sign-in.failed");
});

test("a cluster's members and ingest token: the member sees it, the token reads nothing", async ({ page, browser, request, baseURL }, testInfo) => {
  const cluster = (await (await request.post(`${API}/clusters`, { data: { name: uniq("access") } })).json()) as { data: { id: string; name: string } };
  const incident = (await (await request.post(`${API}/incidents`, { data: { title: uniq("members only"), severity: "sev2", clusterId: cluster.data.id } })).json()) as {
    data: { id: string };
  };
  const viewer = await createUser(request, "viewer", { name: "Mia Member" });
  const other = await signedInPage(browser, viewer.email, viewer.password);
  expect((await other.request.get(`${API}/incidents/${incident.data.id}`)).status()).toBe(404);

  await page.goto(`/clusters/${cluster.data.id}`);
  await page.getByLabel("Add a member").selectOption({ label: `Mia Member (${viewer.email}, viewer)` });
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("member-row").filter({ hasText: viewer.email })).toBeVisible();
  expect((await other.request.get(`${API}/incidents/${incident.data.id}`)).status()).toBe(200);

  await page.getByLabel("Token name").fill("daemonset");
  await page.getByRole("button", { name: "Make ingest token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^nmi_/);
  await axe(page);
  await page.screenshot({ path: testInfo.outputPath("cluster-access.png"), fullPage: true });
  const agent = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  for (const path of [`${API}/incidents`, `${API}/clusters/${cluster.data.id}`, `${API}/me`]) {
    expect((await agent.get(path)).status(), path).toBe(403);
  }
  expect((await agent.post(`${API}/incidents`, { data: { title: "x", severity: "sev4" } })).status()).toBe(403);
  await agent.dispose();
  await other.context().close();
});
