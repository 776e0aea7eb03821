#!/usr/bin/env bash
# Pre-flight gate for one node: refuses (non-zero, one clear line per problem) unless this node is
# the one expected, sudo works, the current certificate files are present and, on a master, etcd
# is healthy. With --reboot (the node is in a reboot wave), also unless a reboot would come back,
# so a rotation that cannot finish its reboots stops here rather than half way. Touches nothing.
#
# usage: preflight.sh [--reboot] <node name> <master|agent> <expected file>...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

reboot=no
if [ "${1:-}" = --reboot ]; then
  reboot=yes
  shift
fi
[ $# -ge 2 ] || die "usage: preflight.sh [--reboot] <node name> <master|agent> <expected file>..."
node=$1 role=$2
shift 2
require_root

problems=()
case $role in master | agent) ;; *) die "role must be master or agent, got '$role'" ;; esac

# VM name = node name = hostname in AKS Engine: a mismatch means the address maps to another node.
actual_host=$(hostname)
[ "$actual_host" = "$node" ] || problems+=("hostname is '$actual_host', expected '$node' (wrong address for this node?)")

for tool in base64 sha256sum install stat systemctl; do
  command -v "$tool" >/dev/null || problems+=("required tool '$tool' not found")
done

for f in "$@"; do
  [ -s "$f" ] || problems+=("expected file $f is missing or empty")
done

if [ "$reboot" = yes ]; then
  blocker=$(reboot_blocker)
  [ -z "$blocker" ] || problems+=("cannot reboot: $blocker")
fi

if [ "$role" = master ]; then
  if [ ! -f "$ETCD_DEFAULTS" ]; then
    problems+=("$ETCD_DEFAULTS missing: a master must run etcd")
  elif ! getent passwd etcd >/dev/null; then
    problems+=("user etcd does not exist")
  elif ! command -v etcdctl >/dev/null; then
    problems+=("etcdctl not found")
  else
    if ! health=$(etcdctl_local endpoint health --cluster 2>&1); then
      problems+=("etcd is not healthy: $(printf '%s' "$health" | tr '\n' ' ')")
    fi
  fi
elif [ -f "$ETCD_DEFAULTS" ]; then
  # AKS Engine's own scripts treat /etc/default/etcd as "this is a master".
  problems+=("$ETCD_DEFAULTS exists: this node looks like a master, expected an agent")
fi

if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do
    printf 'preflight: %s: %s\n' "$node" "$p" >&2
  done
  exit 1
fi
log "$node ($role) ready for rotation"
