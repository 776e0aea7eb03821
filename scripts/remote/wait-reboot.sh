#!/usr/bin/env bash
# Confirms that the node rebooted for the token: the boot identity (boot id + PID 1 start, lib.sh)
# differs from the one reboot.sh recorded. The waiting itself is the SSH dial retries of this
# step (the node is down); once connected, waits for the boot to finish. The last line, booted-at=<epoch seconds>, feeds the
# node-Ready gate.
#
# usage: wait-reboot.sh <token> [timeout seconds for boot to finish, default 300]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: wait-reboot.sh <token> [timeout seconds]"
token=$1 timeout=${2:-300}
[[ $token =~ ^[A-Za-z0-9._-]{1,63}$ ]] || die "bad token '$token'"
require_root
state=$STATE_DIR/reboot-$token
[ -f "$state" ] || die "no reboot recorded for $token on this node (run reboot.sh first)"
old=$(cat "$state")
boot=$(boot_identity)
[ "$boot" != "$old" ] || die "node has not rebooted yet (boot $boot unchanged); run this step again"

# `--wait` blocks until start-up has finished (running or degraded).
status=$(timeout "$timeout" systemctl is-system-running --wait 2>/dev/null || true)
booted_at=$(booted_at)
log "rebooted for $token (boot $old -> $boot), system $status"
printf 'booted-at=%s\n' "$booted_at"
