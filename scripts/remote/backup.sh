#!/usr/bin/env bash
# Backs up the node's current certificates before the rotation installs anything: certs/ to
# /etc/kubernetes/certs.bak (AKS Engine's name), the kubelet kubeconfig and the admin's
# ~/.kube/config beside the staging dir. The backup belongs to one rotation: it records the
# rotation id it was taken for, so
#   - a rerun of the same rotation keeps it (the files in place may be half-installed by then);
#   - a new rotation re-takes it from the files in place, which are what that rotation replaces,
#     so a rollback goes back exactly one rotation;
#   - it is never taken from files of this rotation's staged set that are already installed
#     (a backup without an id, from an older version, is then kept and claimed for this one).
# Runs after stage.sh (the staged manifest says what this rotation installs).
#
# usage: backup.sh <admin user> <rotation id>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: backup.sh <admin user> <rotation id>"
user=$1 rotation=$2
[[ $rotation =~ ^[A-Za-z0-9._:-]{1,64}$ ]] || die "bad rotation id '$rotation'"
require_root
[ -f "$MANIFEST" ] || die "nothing staged on this node ($MANIFEST missing): run stage.sh first"

recorded=$(cat "$BACKUP_ID" 2>/dev/null || true)
if [ -d "$BACKUP_DIR" ] && [ "$recorded" = "$rotation" ]; then
  log "$BACKUP_DIR holds the certificates rotation $rotation replaces; nothing to do"
  exit 0
fi

# Paths of this rotation's staged set already in place: a backup taken now would hold them.
installed=()
while read -r path mode owner group sha; do
  if file_matches "$path" "$sha" "$mode" "$owner" "$group"; then installed+=("$path"); fi
done <"$MANIFEST"
if [ "${#installed[@]}" -gt 0 ]; then
  if [ -d "$BACKUP_DIR" ]; then
    printf '%s\n' "$rotation" >"$BACKUP_ID"
    log "kept $BACKUP_DIR (rotation ${recorded:-unrecorded}) for rotation $rotation: ${#installed[@]} of its files are installed already (${installed[0]}…)"
  else
    log "no backup, and ${#installed[@]} files of rotation $rotation are installed already: nothing left to back up (finalized, or removed by hand)"
  fi
  exit 0
fi

[ -d "$CERTS_DIR" ] || die "$CERTS_DIR missing: nothing to back up"
home=$(getent passwd "$user" | cut -d: -f6)
[ -n "$home" ] || die "no user '$user' on this node"

# Build the new backup beside the old one, then swap: the extras first, certs.bak and its id
# last. Until the id names this rotation a rerun builds it again from the same files (nothing
# of this rotation is installed before this step succeeded on every node).
mkdir -p "$ROTATE_DIR"
chmod 700 "$ROTATE_DIR"
rm -rf "$EXTRA_BACKUP_DIR.tmp" "$BACKUP_DIR.tmp" "$BACKUP_DIR.old"
extra_files=()
for f in "$NODE_KUBECONFIG" "$home/.kube/config"; do
  if [ -f "$f" ]; then extra_files+=("$f"); fi
done

# Room for the new backup while the old one is still there (it is swapped out only once the new
# one is complete), checked before anything is copied: certs/ goes under /etc/kubernetes, the
# kubeconfigs under the rotation dir, which may be a filesystem of its own.
kube_dir=$(dirname "$BACKUP_DIR")
if [ "$(stat -c %d -- "$kube_dir")" = "$(stat -c %d -- "$ROTATE_DIR")" ]; then
  need=$(bytes_to_write "$kube_dir" "$CERTS_DIR" "${extra_files[@]}")
  extra_need=$need
  require_free_bytes "$kube_dir" "$need" "the backup"
else
  need=$(bytes_to_write "$kube_dir" "$CERTS_DIR")
  extra_need=$(bytes_to_write "$ROTATE_DIR" "${extra_files[@]}")
  require_free_bytes "$kube_dir" "$need" "the backup"
  require_free_bytes "$ROTATE_DIR" "$extra_need" "the backup"
fi

# A copy that fails all the same (the disk filled since the check) leaves no half backup: both
# trees under construction go, the previous backup stays as it was.
copy_failed() {
  rm -rf "$EXTRA_BACKUP_DIR.tmp" "$BACKUP_DIR.tmp"
  die_write_failed "$@"
}
if ! err=$(mkdir -p "$EXTRA_BACKUP_DIR.tmp" 2>&1); then
  copy_failed "$ROTATE_DIR" "$extra_need" "the backup" "$EXTRA_BACKUP_DIR.tmp" "$err"
fi
extras=0
for f in "${extra_files[@]}"; do
  if ! err=$({ mkdir -p "$EXTRA_BACKUP_DIR.tmp$(dirname "$f")" && cp -a "$f" "$EXTRA_BACKUP_DIR.tmp$f"; } 2>&1); then
    copy_failed "$ROTATE_DIR" "$extra_need" "the backup" "$EXTRA_BACKUP_DIR.tmp$f" "$err"
  fi
  extras=$((extras + 1))
done
if ! err=$(cp -a "$CERTS_DIR" "$BACKUP_DIR.tmp" 2>&1); then
  copy_failed "$kube_dir" "$need" "the backup" "$BACKUP_DIR.tmp" "$err"
fi

rm -f "$BACKUP_ID"
rm -rf "$EXTRA_BACKUP_DIR"
mv "$EXTRA_BACKUP_DIR.tmp" "$EXTRA_BACKUP_DIR"
[ ! -d "$BACKUP_DIR" ] || mv "$BACKUP_DIR" "$BACKUP_DIR.old"
mv "$BACKUP_DIR.tmp" "$BACKUP_DIR"
printf '%s\n' "$rotation" >"$BACKUP_ID.tmp"
mv -f "$BACKUP_ID.tmp" "$BACKUP_ID"
rm -rf "$BACKUP_DIR.old"
log "backed up $(find "$BACKUP_DIR" -type f | wc -l) files to $BACKUP_DIR and $extras kubeconfigs to $EXTRA_BACKUP_DIR for rotation $rotation${recorded:+ (replacing the backup of rotation $recorded)}"
