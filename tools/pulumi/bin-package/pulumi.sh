#!/usr/bin/env bash
# `npx pulumi …` and npm scripts land here (node_modules/.bin/pulumi): run the engine that
# `npm run setup` prepared, with the project's offline environment from tools/pulumi/env.sh.
set -euo pipefail
self="$(readlink -f "${BASH_SOURCE[0]}")"
# shellcheck source-path=SCRIPTDIR source=../env.sh
source "$(dirname "$self")/../env.sh"
exec "$PULUMI_ENGINE_CLI" "$@"
