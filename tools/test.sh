#!/usr/bin/env bash
# The README's test command: lint, then every test layer, fastest first.
# A layer with no test files yet is reported and skipped, never silently passed.
# Every layer runs even when one fails, so one run shows all failures; the exit code is non-zero
# if any failed, and the last line sums mocha's counts as "N passed, N failed, N skipped"
# (skipped = mocha's "pending": it.skip, this.skip() or a test without a body).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed_layers=()

echo "== prerequisites"
if ! bash tools/prereqs.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== lint"
bash tools/lint.sh || failed_layers+=(lint)

for layer in unit engine lab e2e; do
  if find "test/${layer}" -name '*.test.ts' 2>/dev/null | grep -q .; then
    echo "== test:${layer}"
    start=$SECONDS
    npm run --silent "test:${layer}" 2>&1 | tee "${logs}/${layer}.log" || failed_layers+=("$layer")
    echo "== test:${layer} took $((SECONDS - start)) s"
  else
    echo "== test:${layer}: no tests in test/${layer}"
  fi
done

count() { grep -hoE "^ *[0-9]+ $1" "$logs"/*.log 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
passed="$(count passing)"
failing="$(count failing)"
skipped="$(count pending)"
if [ "${#failed_layers[@]}" -gt 0 ]; then
  echo "failed: ${failed_layers[*]}"
  [ "$failing" -eq 0 ] && failing=${#failed_layers[@]}
fi
echo "${passed} passed, ${failing} failed, ${skipped} skipped"
[ "${#failed_layers[@]}" -eq 0 ]
