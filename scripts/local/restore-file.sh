#!/usr/bin/env bash
# Puts back, on the operator's machine, a file that write-file.sh replaced: copies <backup> (the
# copy write-file.sh kept when the rotation replaced it, "<path>.before-rotation") over <path>,
# mode 0600, through a temporary file and a rename. The backup stays until finalize removes it. A second run with the file already equal to the backup changes nothing.
# Prints paths only: the files are kubeconfigs and apimodel.json (secrets).
#
# With a rotation id, it restores only a copy tagged with that rotation (write-file.sh): a copy
# tagged with another one was kept by an earlier rotation, and this one never replaced <path>
# (it was interrupted before), so <path> is already what this rollback goes back to. An untagged
# copy (kept before tags existed) is restored.
#
# usage: restore-file.sh <path> <backup path> [<rotation id>]
set -euo pipefail

[ $# -eq 2 ] || [ $# -eq 3 ] || {
  echo "usage: restore-file.sh <path> <backup path> [<rotation id>]" >&2
  exit 2
}
dest=$1 backup=$2 rotation=${3:-}
tag=$(cat "$backup.rotation-id" 2>/dev/null || true)
if [ -n "$rotation" ] && [ -n "$tag" ] && [ "$tag" != "$rotation" ]; then
  echo "restore-file: rotation $rotation did not replace $dest (its copy is rotation $tag's): left as it is"
  exit 0
fi
[ -s "$backup" ] || {
  echo "restore-file: no backup at $backup: nothing to restore $dest from" >&2
  exit 1
}
if [ -f "$dest" ] && cmp -s "$backup" "$dest"; then
  echo "restore-file: $dest already equals $backup"
  exit 0
fi
umask 077
dir=$(dirname "$dest")
mkdir -p "$dir"
tmp=$(mktemp "$dir/.$(basename "$dest").XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$backup" "$tmp"
chmod 600 "$tmp"
mv -f "$tmp" "$dest"
echo "restore-file: restored $dest from $backup"
