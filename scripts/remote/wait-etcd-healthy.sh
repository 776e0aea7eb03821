#!/usr/bin/env bash
# Health gate: waits until every etcd member answers over TLS with the trust and identity from
# /etc/default/etcd. On timeout, prints etcd's state and recent log and fails.
#
# usage: wait-etcd-healthy.sh [timeout seconds, default 300]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

timeout=${1:-300}
require_root

# shellcheck disable=SC2317 # called through poll
healthy() { etcdctl_local endpoint health --cluster >/dev/null 2>&1; }
if poll "$timeout" 2 healthy; then
  members=$(etcdctl_local member list | wc -l)
  log "etcd healthy: $members members"
  exit 0
fi
etcdctl_local endpoint health --cluster >&2 || true
systemctl status --no-pager etcd >&2 || true
journalctl -u etcd --no-pager -n 30 >&2 || true
die "etcd not healthy after ${timeout}s"
