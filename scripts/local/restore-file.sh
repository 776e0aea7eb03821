#!/usr/bin/env bash
# Puts back, on the operator's machine, a file that write-file.sh replaced: copies <backup> (the
# copy write-file.sh kept when the rotation replaced it, "<path>.before-rotation") over <path>,
# mode 0600, through a temporary file and a rename. The backup stays until finalize removes it. A second run with the file already equal to the backup changes nothing.
# Prints paths only: the files are kubeconfigs and apimodel.json (secrets).
#
# usage: restore-file.sh <path> <backup path>
set -euo pipefail

[ $# -eq 2 ] || {
  echo "usage: restore-file.sh <path> <backup path>" >&2
  exit 2
}
dest=$1 backup=$2
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
