#!/usr/bin/env bash
# Deletes the service-account token secrets the new signing key does not verify (AKS Engine signs
# them with apiserver.key), so the token controller issues new ones. Each token's RS256 signature
# is checked locally with openssl; a token already signed by the new key is kept, so a second run
# deletes nothing. Tokens never leave this process (no argument, no log line).
#
# usage: delete-sa-tokens.sh [signing key, default /etc/kubernetes/certs/apiserver.key]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

signing_key=${1:-$CERTS_DIR/apiserver.key}
require_root
[ -f "$signing_key" ] || die "signing key $signing_key missing"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl pkey -in "$signing_key" -pubout -out "$work/pub.pem" 2>/dev/null || die "cannot read $signing_key"

b64url_decode() {
  local s
  s=$(tr '_-' '/+' <<<"$1")
  while [ $((${#s} % 4)) -ne 0 ]; do s+="="; done
  base64 -d <<<"$s"
}
signed_by_new_key() {
  local jwt=$1 header payload signature
  IFS=. read -r header payload signature <<<"$jwt"
  [ -n "${signature:-}" ] || return 1
  b64url_decode "$signature" >"$work/sig" 2>/dev/null || return 1
  printf '%s.%s' "$header" "$payload" |
    openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" >/dev/null 2>&1
}

deleted=0 kept=0
while IFS=$'\t' read -r ns name token; do
  [ -n "${name:-}" ] || continue
  if [ -n "${token:-}" ] && signed_by_new_key "$(base64 -d <<<"$token")"; then
    kept=$((kept + 1))
    continue
  fi
  kubectl_node delete secret "$name" -n "$ns" --ignore-not-found >/dev/null
  printf 'deleted %s/%s\n' "$ns" "$name"
  deleted=$((deleted + 1))
done < <(kubectl_node get secrets -A --field-selector type=kubernetes.io/service-account-token -o json |
  jq -r '.items[] | [.metadata.namespace, .metadata.name, (.data.token // "")] | @tsv')
log "$deleted deleted, $kept already signed by the current key"
