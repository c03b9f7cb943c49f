#!/usr/bin/env bash
# The whole test suite: unit + integration tests (Vitest; PGlite always, real PostgreSQL too when
# TEST_DATABASE_URL is set; the network-namespace lab reproductions when run as root), then the
# Playwright end-to-end tests against the production build in Debian's Chromium.
# Ends with one line "N passed, N failed, N skipped" over both runners.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/setup-system.sh || exit 1

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

echo "== vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/vitest.json"
vitest_rc=$?

echo "== playwright"
PLAYWRIGHT_JSON_OUTPUT_FILE="$reports/playwright.json" npx playwright test --reporter=list,json
playwright_rc=$?

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
try {
  const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + v.numTodoTests;
} catch { failed += 1; }
try {
  const p = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).stats;
  passed += p.expected + p.flaky; failed += p.unexpected; skipped += p.skipped;
} catch { failed += 1; }
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$reports/vitest.json" "$reports/playwright.json"

[ "$vitest_rc" -eq 0 ] && [ "$playwright_rc" -eq 0 ]
