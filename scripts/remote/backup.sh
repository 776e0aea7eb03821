#!/usr/bin/env bash
# Backs up the node's current certificates once, before anything is installed: the first backup
# wins (as AKS Engine's certs.bak), so a rollback always has the pre-rotation set, however many
# times this runs. Also keeps the kubelet kubeconfig and the admin's ~/.kube/config.
#
# usage: backup.sh <admin user>
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: backup.sh <admin user>"
user=$1
require_root

if [ -d "$BACKUP_DIR" ]; then
  log "$BACKUP_DIR exists; the first backup wins, nothing to do"
  exit 0
fi
[ -d "$CERTS_DIR" ] || die "$CERTS_DIR missing: nothing to back up"

home=$(getent passwd "$user" | cut -d: -f6)
[ -n "$home" ] || die "no user '$user' on this node"

# Extras first, certs.bak last: certs.bak appearing (an atomic rename) marks the backup complete,
# so an interrupted run is redone from scratch.
mkdir -p "$ROTATE_DIR"
chmod 700 "$ROTATE_DIR"
rm -rf "$EXTRA_BACKUP_DIR"
mkdir -p "$EXTRA_BACKUP_DIR"
extras=0
for f in "$NODE_KUBECONFIG" "$home/.kube/config"; do
  if [ -f "$f" ]; then
    mkdir -p "$EXTRA_BACKUP_DIR$(dirname "$f")"
    cp -a "$f" "$EXTRA_BACKUP_DIR$f"
    extras=$((extras + 1))
  fi
done

tmp=$BACKUP_DIR.tmp
rm -rf "$tmp"
cp -a "$CERTS_DIR" "$tmp"
mv "$tmp" "$BACKUP_DIR"
log "backed up $(find "$BACKUP_DIR" -type f | wc -l) files to $BACKUP_DIR and $extras kubeconfigs to $EXTRA_BACKUP_DIR"
