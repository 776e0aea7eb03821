#!/usr/bin/env bash
# `npm run fleet -- <verb> …`: the fleet tool (tools/fleet/main.ts) with the project's offline
# engine on PATH and its backend (tools/pulumi/env.sh); the passphrase is the operator's own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=pulumi/env.sh
source "$here/pulumi/env.sh"
exec "$here/../node_modules/.bin/tsx" "$here/fleet/main.ts" "$@"
