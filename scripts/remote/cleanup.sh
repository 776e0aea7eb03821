#!/usr/bin/env bash
# Removes what a rotation left on the node once it is no longer needed, so no key outlives its
# use:
#   staging            after the rotation verified: the staged copies of the new files
#                      (/etc/kubernetes/rotate-certs/certs). The manifest (paths, modes, owners,
#                      sha256; no key) stays for verify.sh.
#   backup <rotation>  when the operator finalizes (action finalize): the pre-rotation backup
#                      (certs.bak, the kubelet and admin kubeconfigs beside the staging dir) and
#                      whatever staging is left. Records the rotation it finalized; no rollback
#                      is possible afterwards.
# Removing what is already gone changes nothing, so a second run does nothing.
#
# usage: cleanup.sh staging | cleanup.sh backup <rotation id>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
  staging) [ $# -eq 1 ] || die "usage: cleanup.sh staging" ;;
  backup)
    [ $# -eq 2 ] || die "usage: cleanup.sh backup <rotation id>"
    [[ $2 =~ ^[A-Za-z0-9._:-]{1,64}$ ]] || die "bad rotation id '$2'"
    ;;
  *) die "usage: cleanup.sh staging | cleanup.sh backup <rotation id>" ;;
esac
require_root

# Removes each existing path, printing how many files it held; prints nothing for absent ones.
remove() {
  local p removed=0
  for p in "$@"; do
    [ -e "$p" ] || continue
    log "removing $p ($(find "$p" -type f | wc -l) files)"
    rm -rf -- "$p"
    removed=$((removed + 1))
  done
  REMOVED=$removed
}

remove "$STAGING_DIR" "$STAGING_DIR".tmp "$ROTATE_DIR"/.stage.*
staging=$REMOVED
if [ "$1" = staging ]; then
  if [ "$staging" -eq 0 ]; then log "nothing staged; nothing to do"; else log "staging removed"; fi
  exit 0
fi

rotation=$2
remove "$BACKUP_DIR" "$BACKUP_DIR.tmp" "$BACKUP_DIR.old" "$EXTRA_BACKUP_DIR" "$EXTRA_BACKUP_DIR.tmp" "$BACKUP_ID"
if [ "$REMOVED" -eq 0 ] && [ "$staging" -eq 0 ] && [ "$(cat "$FINALIZED" 2>/dev/null)" = "$rotation" ]; then
  log "rotation $rotation is finalized already; nothing to do"
  exit 0
fi
mkdir -p "$ROTATE_DIR"
printf '%s\n' "$rotation" >"$FINALIZED.tmp"
mv -f "$FINALIZED.tmp" "$FINALIZED"
log "rotation $rotation finalized: no backup left on this node"
