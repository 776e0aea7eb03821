#!/usr/bin/env bash
# Writes stdin (a kubeconfig or apimodel.json: secrets, so never an argument) to a file on the
# operator's machine, mode 0600, through a temporary file and a rename. The file it replaces is
# copied to <backup> first, every time it replaces one: the backup is the file this rotation
# replaced (as the nodes' certs.bak), so a rollback goes back one rotation. A second run with the
# same content changes nothing, and keeps the backup (the file in place is this rotation's own).
#
# With a rotation id, the copy is tagged with it (<backup>.rotation-id): a rollback of another
# rotation, one interrupted before it replaced the file, then leaves the file alone.
#
# usage: write-file.sh <path> <backup path> [<rotation id>]
set -euo pipefail

[ $# -eq 2 ] || [ $# -eq 3 ] || {
  echo "usage: write-file.sh <path> <backup path> [<rotation id>]" >&2
  exit 2
}
dest=$1 backup=$2 rotation=${3:-}
umask 077
dir=$(dirname "$dest")
mkdir -p "$dir"
# A folder that lost write access (read-only mount, full disk, another owner) fails here, before
# anything is replaced: the file in place stays whole.
tmp=$(mktemp "$dir/.$(basename "$dest").XXXXXX" 2>/dev/null) || {
  echo "write-file: cannot write in $dir (read-only, full or not this user's): make it writable and run pulumi up again" >&2
  exit 1
}
trap 'rm -f "$tmp"' EXIT
cat >"$tmp"
[ -s "$tmp" ] || {
  echo "write-file: refusing to write an empty $dest" >&2
  exit 1
}

if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
  echo "write-file: $dest unchanged"
  exit 0
fi
if [ -f "$dest" ]; then
  btmp=$(mktemp "$dir/.$(basename "$backup").XXXXXX")
  trap 'rm -f "$tmp" "$btmp"' EXIT
  cp -p "$dest" "$btmp"
  mv -f "$btmp" "$backup"
  # The tag follows the copy it names; a crash between the two leaves the old tag, whose rollback
  # then restores nothing rather than a copy it did not keep.
  if [ -n "$rotation" ]; then
    printf '%s\n' "$rotation" >"$btmp"
    mv -f "$btmp" "$backup.rotation-id"
  else
    rm -f "$backup.rotation-id"
  fi
  echo "write-file: kept the previous $dest as $backup"
fi
chmod 600 "$tmp"
mv -f "$tmp" "$dest"
echo "write-file: wrote $dest"
