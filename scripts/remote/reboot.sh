#!/usr/bin/env bash
# Schedules a reboot of this node a few seconds from now, detached from the SSH session (a
# reboot inside the session would drop the connection and fail the step), and records the current
# boot identity (boot id + PID 1 start, lib.sh) under the token. Once the node has rebooted for
# this token, or while that reboot is still pending, a second run does nothing. Refuses, before
# recording anything, on a node that would not come back (a container whose manager does not
# restart it).
#
# usage: reboot.sh <token> [delay seconds, default 5]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: reboot.sh <token> [delay seconds]"
token=$1 delay=${2:-5}
[[ $token =~ ^[A-Za-z0-9._-]{1,63}$ ]] || die "bad token '$token'"
require_root
readonly UNIT=aks-rotate-certs-reboot
state=$STATE_DIR/reboot-$token
boot=$(boot_identity)

if [ -f "$state" ] && [ "$(cat "$state")" != "$boot" ]; then
  log "already rebooted for $token (boot $(cat "$state") -> $boot); nothing to do"
  exit 0
fi
if systemctl is-active --quiet "$UNIT.timer"; then
  log "reboot for $token already scheduled; nothing to do"
  exit 0
fi
# A rerun that meets the reboot of the run before already queued or under way (the timer fired)
# takes it as its own: starting another one now would fail ("transaction is destructive").
if systemctl list-jobs --no-legend 2>/dev/null | grep -Eq '(reboot\.target|systemd-reboot\.service)'; then
  [ -f "$state" ] || { mkdir -p "$STATE_DIR" && printf '%s\n' "$boot" >"$state"; }
  log "a reboot is already under way; taking it for $token"
  exit 0
fi
blocker=$(reboot_blocker)
[ -z "$blocker" ] || die "not rebooting: $blocker"
mkdir -p "$STATE_DIR"
printf '%s\n' "$boot" >"$state.tmp"
mv -f "$state.tmp" "$state"
systemctl reset-failed "$UNIT.service" "$UNIT.timer" 2>/dev/null || true
systemd-run --quiet --unit="$UNIT" --on-active="$delay" --timer-property=AccuracySec=1s \
  /bin/systemctl reboot
log "reboot scheduled in ${delay}s (boot $boot)"
