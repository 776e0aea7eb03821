#!/usr/bin/env bash
# Reinstalls the pre-rotation certificates from the node-side backup (certs.bak, taken by the
# last rotation from the files it replaced) and the backed-up kubelet and admin kubeconfigs, preserving their modes and owners, each
# through a temporary file and a rename. Files already equal to the backup are left alone, so a
# second run changes nothing. The restart steps (restart-etcd.sh, restart-control-plane.sh,
# restart-kubelet.sh) then pick up the restored files by their content.
#
# Modes, so the rollback graph can restore phase by phase and refuse before touching anything:
#   restore [path...]  restore the given destination paths (default: everything in the backup)
#   check [path...]    touch nothing; fail unless the backup exists and holds every given path
#   verify [path...]   touch nothing; fail unless every given path equals its backup copy
# A destination in /etc/kubernetes/certs comes from certs.bak; any other path (the kubeconfigs)
# from the extra backup that backup.sh keeps beside the staging dir.
#
# usage: rollback.sh [restore|check|verify] [destination path]...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

mode=restore
case ${1:-} in restore | check | verify)
  mode=$1
  shift
  ;;
esac
require_root
if [ ! -d "$BACKUP_DIR" ] && [ -s "$FINALIZED" ]; then
  die "no backup at $BACKUP_DIR: rotation $(cat "$FINALIZED") was finalized, there is nothing to roll back to"
fi
[ -d "$BACKUP_DIR" ] || die "no backup at $BACKUP_DIR: nothing to roll back to"

# The backup copy of a destination path.
backup_of() {
  if [ "$(dirname "$1")" = "$CERTS_DIR" ]; then
    printf '%s/%s' "$BACKUP_DIR" "$(basename "$1")"
  else
    printf '%s%s' "$EXTRA_BACKUP_DIR" "$1"
  fi
}
same_as_backup() {
  local src=$1 dest=$2
  [ -f "$dest" ] && [ "$(sha256_of "$src")" = "$(sha256_of "$dest")" ] &&
    [ "$(stat -c '%a %U %G' "$src")" = "$(stat -c '%a %U %G' "$dest")" ]
}

if [ $# -gt 0 ]; then
  paths=("$@")
else
  paths=()
  while IFS= read -r -d '' f; do
    paths+=("$CERTS_DIR/$(basename "$f")")
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -print0 | sort -z)
  if [ -d "$EXTRA_BACKUP_DIR" ]; then
    while IFS= read -r -d '' f; do
      paths+=("${f#"$EXTRA_BACKUP_DIR"}")
    done < <(find "$EXTRA_BACKUP_DIR" -type f -print0 | sort -z)
  fi
fi

# Every path must have a backup copy before anything is restored.
missing=()
for p in "${paths[@]}"; do
  [ -f "$(backup_of "$p")" ] || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] || die "no backup copy of: ${missing[*]} (looked in $BACKUP_DIR and $EXTRA_BACKUP_DIR)"

case $mode in
  check)
    log "backup holds all ${#paths[@]} files"
    exit 0
    ;;
  verify)
    bad=()
    for p in "${paths[@]}"; do
      same_as_backup "$(backup_of "$p")" "$p" || bad+=("$p")
    done
    [ "${#bad[@]}" -eq 0 ] || die "${#bad[@]} of ${#paths[@]} files differ from the backup: ${bad[*]}"
    log "${#paths[@]} files equal the backup"
    exit 0
    ;;
esac

restored=0 unchanged=0
for dest in "${paths[@]}"; do
  src=$(backup_of "$dest")
  if same_as_backup "$src" "$dest"; then
    unchanged=$((unchanged + 1))
    continue
  fi
  mkdir -p "$(dirname "$dest")"
  tmp=$(dirname "$dest")/.$(basename "$dest").rollback-tmp
  cp -a "$src" "$tmp"
  mv -f "$tmp" "$dest"
  log "restored $dest"
  restored=$((restored + 1))
done
log "$restored restored, $unchanged unchanged"
