#!/usr/bin/env bash
# The staged rotation's bundles (docs/staged.md): a file that holds the pre-rotation content and
# the new one together, with the staged file's mode and owner, written atomically.
#  both      old then new: ca.crt and proxy-ca.crt trust both CAs; apiserver.key keeps serving and
#            signing with the old key (kube-apiserver and the controller-manager take the first
#            private key of a file) while --service-account-key-file verifies with both.
#  new-first new then old: apiserver.key serves and signs with the new key, still verifies old
#            tokens.
# The old content is the rotation's backup (certs.bak, backup.sh), so a rerun writes the same
# bytes. A file already holding the bundle is left alone: a second run changes nothing.
#
# usage: trust.sh both|new-first <destination path>...   (each in the staged bundle)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

order=${1:-}
if [[ ! $order =~ ^(both|new-first)$ ]] || [ $# -lt 2 ]; then
  die "usage: trust.sh both|new-first <destination path>..."
fi
shift
require_root

# cat_lines FILE...: each file's content, each ending with a newline.
cat_lines() {
  local f
  for f in "$@"; do
    cat "$f"
    [ -z "$(tail -c1 "$f")" ] || printf '\n'
  done
}

for path in "$@"; do
  manifest_lookup "$path"
  [ "$(sha256_of "$(staged_path "$path")")" = "$M_SHA" ] ||
    die "staged copy of $path is missing or does not match its sha256: run stage.sh again"
  [ -s "$BACKUP_DIR/$(basename "$path")" ] ||
    die "no pre-rotation copy of $path in $BACKUP_DIR: run backup.sh first"
done

written=0 unchanged=0
for path in "$@"; do
  manifest_lookup "$path"
  old=$BACKUP_DIR/$(basename "$path") new=$(staged_path "$path")
  tmp=$(dirname "$path")/.$(basename "$path").rotate-tmp
  if [ "$order" = both ]; then cat_lines "$old" "$new" >"$tmp.in"; else cat_lines "$new" "$old" >"$tmp.in"; fi
  if file_matches "$path" "$(sha256_of "$tmp.in")" "$M_MODE" "$M_OWNER" "$M_GROUP"; then
    rm -f "$tmp.in"
    unchanged=$((unchanged + 1))
    continue
  fi
  install -m "$M_MODE" -o "$M_OWNER" -g "$M_GROUP" "$tmp.in" "$tmp"
  rm -f "$tmp.in"
  mv -f "$tmp" "$path"
  log "wrote $path ($order)"
  written=$((written + 1))
done
log "$written written, $unchanged unchanged"
