// The `test` every spec imports: Playwright's, with a page that fails the test when the browser reports a
// Content-Security-Policy violation (the app must work with the CSP of proxy.ts on, issue 11).
import { test as base, expect } from "@playwright/test";

export const test = base.extend({
  page: async ({ page }, use) => {
    const violations: string[] = [];
    page.on("console", (msg) => {
      const text = msg.text();
      if (/Content Security Policy|Content-Security-Policy|CSP violation/i.test(text)) violations.push(text);
    });
    // Chrome also fires securitypolicyviolation for what it blocks without a console line (e.g. report-only cases).
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    // `use` is Playwright's fixture callback, not React's hook.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    await use(page);
    expect(violations, "Content-Security-Policy violations in the browser console").toEqual([]);
  },
});

export { expect };
