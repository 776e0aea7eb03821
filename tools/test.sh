#!/usr/bin/env bash
# The README's test command: lint, then every test layer, fastest first.
# A layer with no test files yet is reported and skipped, never silently passed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/lint.sh

for layer in unit engine lab e2e; do
  if compgen -G "test/${layer}/*.test.ts" >/dev/null || find "test/${layer}" -name '*.test.ts' | grep -q .; then
    echo "== test:${layer}"
    npm run --silent "test:${layer}"
  else
    echo "== test:${layer}: no tests in test/${layer}"
  fi
done
