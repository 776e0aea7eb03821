#!/usr/bin/env bash
# Installs staged files into place with the mode and owner AKS Engine uses: each is written to a
# temporary file beside its destination and renamed over it (no reader sees half a key), then
# verified by sha256. Files already in place are left alone, so a second run changes nothing.
#
# usage: install.sh <destination path>...   (each must be in the staged bundle)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: install.sh <destination path>..."
require_root

# Check everything first: a missing or corrupt staged file stops the step before any install.
for path in "$@"; do
  manifest_lookup "$path"
  [ "$(sha256_of "$(staged_path "$path")")" = "$M_SHA" ] ||
    die "staged copy of $path is missing or does not match its sha256: run stage.sh again"
done

installed=0 unchanged=0
for path in "$@"; do
  manifest_lookup "$path"
  if file_matches "$path" "$M_SHA" "$M_MODE" "$M_OWNER" "$M_GROUP"; then
    unchanged=$((unchanged + 1))
    continue
  fi
  dir=$(dirname "$path")
  [ -d "$dir" ] || install -d -m 0755 -o "$M_OWNER" -g "$M_GROUP" "$dir"
  tmp=$dir/.$(basename "$path").rotate-tmp
  install -m "$M_MODE" -o "$M_OWNER" -g "$M_GROUP" "$(staged_path "$path")" "$tmp"
  mv -f "$tmp" "$path"
  file_matches "$path" "$M_SHA" "$M_MODE" "$M_OWNER" "$M_GROUP" ||
    die "$path does not match its staged copy after install"
  log "installed $path"
  installed=$((installed + 1))
done
log "$installed installed, $unchanged unchanged"
