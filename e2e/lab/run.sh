#!/usr/bin/env bash
# Runs lab reproductions into e2e/lab/out/<scenario>/ (each a bundle: one folder per host).
#   bash e2e/lab/run.sh                 # every scenario
#   bash e2e/lab/run.sh healthy …       # the named ones
# Exits non-zero if any scenario script fails or runs over its time budget.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT_ROOT="${LAB_OUT:-$HERE/out}"
BUDGET="${LAB_BUDGET_S:-60}"
if [ "$#" -gt 0 ]; then
  SCENARIOS=("$@")
else
  SCENARIOS=()
  for f in "$HERE"/scenarios/*.sh; do SCENARIOS+=("$(basename "$f" .sh)"); done
fi
failed=()
for s in "${SCENARIOS[@]}"; do
  script="$HERE/scenarios/$s.sh"
  [ -f "$script" ] || { echo "run: no scenario $s" >&2; failed+=("$s"); continue; }
  rm -rf "${OUT_ROOT:?}/$s"
  mkdir -p "$OUT_ROOT/$s"
  start=$(date +%s)
  # timeout sends TERM: the scenario's trap tears its namespaces down
  if timeout --kill-after=10 "$BUDGET" bash "$script" "$OUT_ROOT/$s"; then
    echo "run: $s ok ($(($(date +%s) - start)) s) → $OUT_ROOT/$s"
  else
    echo "run: $s FAILED ($(($(date +%s) - start)) s)" >&2
    failed+=("$s")
  fi
done
[ "${#failed[@]}" -eq 0 ] || { echo "run: failed: ${failed[*]}" >&2; exit 1; }
