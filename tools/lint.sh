#!/usr/bin/env bash
# The project's one lint gate: types, eslint (with the Pulumi plugin), prettier, shellcheck.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsc --noEmit -p .
npx eslint .
npx prettier --check .
mapfile -t scripts < <(git ls-files '*.sh' '.ci/run' 2>/dev/null || find . -name '*.sh' -not -path './node_modules/*')
if [ "${#scripts[@]}" -gt 0 ]; then
  shellcheck -x "${scripts[@]}"
fi
