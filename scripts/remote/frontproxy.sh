#!/usr/bin/env bash
# Publishes the staged front-proxy pair in etcd, where AKS Engine shares it between masters
# (/proxycerts/*, written by generate-proxy-certs.sh on master-0): a master provisioned or
# repaired later then fetches the new pair, not the expired one. Run on master-0 after the etcd
# health gate; the files themselves are installed with the control plane. Values are stored as
# AKS Engine stores them (a leading space, which its reader strips) and pass through stdin only.
# Keys already holding the staged content are left alone, so a second run changes nothing.
# With --installed, publishes the files as they are in place instead of their staged copies: the
# rollback, after it restored the pre-rotation pair from certs.bak.
#
# usage: frontproxy.sh [--installed] [proxy-ca.crt path] [proxy.crt path] [proxy.key path]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

source_of=staged
if [ "${1:-}" = --installed ]; then
  source_of=installed
  shift
fi
ca=${1:-$CERTS_DIR/proxy-ca.crt}
crt=${2:-$CERTS_DIR/proxy.crt}
key=${3:-$CERTS_DIR/proxy.key}
require_root

pairs=("/proxycerts/requestheader-client-ca-file $ca" "/proxycerts/proxy-client-cert-file $crt"
  "/proxycerts/proxy-client-key-file $key")
# The file to publish for a destination path.
source_path() {
  if [ "$source_of" = installed ]; then printf '%s' "$1"; else staged_path "$1"; fi
}
for p in "${pairs[@]}"; do
  read -r _ path <<<"$p"
  if [ "$source_of" = installed ]; then
    [ -s "$path" ] || die "$path is missing or empty"
  else
    manifest_lookup "$path"
    [ "$(sha256_of "$(staged_path "$path")")" = "$M_SHA" ] || die "staged copy of $path is missing or corrupt"
  fi
done

written=0 unchanged=0
for p in "${pairs[@]}"; do
  read -r etcd_key path <<<"$p"
  staged=$(source_path "$path")
  # Compare digests, not values, so no key material sits in a variable longer than needed.
  want=$(printf ' %s' "$(cat "$staged")" | sha256sum | cut -d' ' -f1)
  have=$(printf '%s' "$(etcdctl_local get "$etcd_key" --print-value-only)" | sha256sum | cut -d' ' -f1)
  if [ "$want" = "$have" ]; then
    unchanged=$((unchanged + 1))
    continue
  fi
  printf ' %s' "$(cat "$staged")" | etcdctl_local put "$etcd_key" >/dev/null
  log "wrote $etcd_key"
  written=$((written + 1))
done
log "$written written, $unchanged unchanged"
