#!/usr/bin/env bash
# Gate: waits until a node is Ready with a status the kubelet posted at or after a given time (its
# restart or boot), so a Ready condition left over from before the restart does not pass the gate.
# Runs on a master, as that master's kubelet identity.
#
# usage: wait-node-ready.sh <node name> [since, epoch seconds, default 0] [timeout seconds, default 600]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: wait-node-ready.sh <node name> [since epoch seconds] [timeout seconds]"
node=$1 since=${2:-0} timeout=${3:-600}
require_root

last=""
# shellcheck disable=SC2317 # called through poll
ready() {
  local out status heartbeat
  out=$(kubectl_node get node "$node" \
    -o jsonpath='{range .status.conditions[?(@.type=="Ready")]}{.status} {.lastHeartbeatTime}{end}' 2>&1) ||
    {
      last=$out
      return 1
    }
  last="Ready=$out"
  read -r status heartbeat <<<"$out"
  [ "$status" = True ] && [ -n "$heartbeat" ] && [ "$(date -d "$heartbeat" +%s)" -ge "$since" ]
}
if poll "$timeout" 3 ready; then
  log "$node Ready (status posted since $since)"
  exit 0
fi
die "$node not Ready with a status posted since $since after ${timeout}s (last: $last)"
