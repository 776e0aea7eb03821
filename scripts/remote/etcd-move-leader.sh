#!/usr/bin/env bash
# Before this member restarts: when it leads the cluster, hand the leadership to another started
# member (etcdctl move-leader), so the restart costs no election. A member that does not lead,
# or has no peer, has nothing to do.
#
# usage: etcd-move-leader.sh [timeout seconds, default 60]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

timeout=${1:-60}
require_root

# "<endpoint>, <id>, <version>, <db size>, <is leader>, …" for this member only.
own_status() { etcdctl_local endpoint status | awk -F', ' -v f="$1" '{ print $f }'; }
leads() { [ "$(own_status 5)" = true ]; }
not_leader() { ! leads; }

if ! leads; then
  log "this member does not lead; nothing to do"
  exit 0
fi
own=$(own_status 2)
# "<id>, started, <name>, <peer urls>, <client urls>, <is learner>" (URLs joined by ",")
target=$(etcdctl_local member list | awk -F', ' -v own="$own" \
  '$1 != own && $2 == "started" && $6 != "true" { print $1; exit }')
if [ -z "$target" ]; then
  log "no other started member to lead; the restart will elect"
  exit 0
fi
etcdctl_local move-leader "$target" >/dev/null
poll "$timeout" 1 not_leader || die "leadership did not move to $target in ${timeout}s"
log "leadership moved from $own to $target"
