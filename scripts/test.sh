#!/usr/bin/env bash
# The whole test suite: unit + integration tests (Vitest; PGlite always, real PostgreSQL too when
# TEST_DATABASE_URL is set; the network-namespace lab reproductions when run as root), then the
# Playwright end-to-end tests against the production build in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/setup-system.sh

echo "== vitest"
npx vitest run

echo "== playwright"
npx playwright test
