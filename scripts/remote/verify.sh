#!/usr/bin/env bash
# Verifies that the files on disk are the staged ones: content (sha256), mode and owner. With no
# arguments, every file of the staged bundle. Prints one line per file; fails on any mismatch.
#
# usage: verify.sh [destination path]...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
[ -f "$MANIFEST" ] || die "nothing staged on this node ($MANIFEST missing)"
if [ $# -eq 0 ]; then
  mapfile -t paths < <(manifest_paths)
else
  paths=("$@")
fi

bad=0
for path in "${paths[@]}"; do
  manifest_lookup "$path"
  if file_matches "$path" "$M_SHA" "$M_MODE" "$M_OWNER" "$M_GROUP"; then
    printf 'ok       %s %s\n' "$path" "$M_SHA"
  else
    printf 'MISMATCH %s expected %s %s:%s %s, found %s %s\n' "$path" "$(norm_mode "$M_MODE")" \
      "$M_OWNER" "$M_GROUP" "$M_SHA" "$(stat -c '%a %U:%G' "$path" 2>/dev/null || echo missing)" \
      "$(sha256_of "$path")"
    bad=$((bad + 1))
  fi
done
[ "$bad" -eq 0 ] || die "$bad of ${#paths[@]} files do not match the rotation"
log "${#paths[@]} files match"
