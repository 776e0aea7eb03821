#!/usr/bin/env bash
# Lists pods that no controller owns: a rollout cannot restart them and this rotation does not
# delete them; their service-account tokens stop working until someone recreates them.
# One line per pod: bare-pod <namespace>/<name>. Read-only.
#
# usage: list-bare-pods.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
kubectl_node get pods -A -o json |
  jq -r '.items[] | select((.metadata.ownerReferences // []) | length == 0)
    | "bare-pod \(.metadata.namespace)/\(.metadata.name)"'
