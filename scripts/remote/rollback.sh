#!/usr/bin/env bash
# Reinstalls the pre-rotation certificates from the node-side backup (certs.bak, the first backup
# taken) and the backed-up kubelet and admin kubeconfigs, preserving their modes and owners, each
# through a temporary file and a rename. Files already equal to the backup are left alone, so a
# second run changes nothing. The restart steps (restart-etcd.sh, restart-control-plane.sh,
# restart-kubelet.sh) then pick up the restored files by their content.
#
# usage: rollback.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
[ -d "$BACKUP_DIR" ] || die "no backup at $BACKUP_DIR: nothing to roll back to"

restored=0 unchanged=0
restore() {
  local src=$1 dest=$2 tmp
  if [ -f "$dest" ] && [ "$(sha256_of "$src")" = "$(sha256_of "$dest")" ] &&
    [ "$(stat -c '%a %U %G' "$src")" = "$(stat -c '%a %U %G' "$dest")" ]; then
    unchanged=$((unchanged + 1))
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  tmp=$(dirname "$dest")/.$(basename "$dest").rollback-tmp
  cp -a "$src" "$tmp"
  mv -f "$tmp" "$dest"
  log "restored $dest"
  restored=$((restored + 1))
}

while IFS= read -r -d '' f; do
  restore "$f" "$CERTS_DIR/$(basename "$f")"
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -print0)
if [ -d "$EXTRA_BACKUP_DIR" ]; then
  while IFS= read -r -d '' f; do
    restore "$f" "${f#"$EXTRA_BACKUP_DIR"}"
  done < <(find "$EXTRA_BACKUP_DIR" -type f -print0)
fi
log "$restored restored, $unchanged unchanged"
