#!/usr/bin/env bash
# Re-issues the service-account token Secrets that the new signing key does not verify (AKS
# Engine signs them with apiserver.key). AKS Engine deletes them and lets the token controller
# create new ones; since Kubernetes 1.24 nothing re-creates a deleted one, so a Secret a user
# made would be lost. Instead its data.token is cleared: the token controller refills a token
# Secret that has none, signed by the current key and with the current ca.crt, and the Secret
# keeps its name, uid and every reference to it.
#
# Each token's RS256 signature is checked locally with openssl; a token already signed by the new
# key is kept, and a Secret with no token is the controller's to fill, so a second run changes
# nothing. The script waits until every re-issued Secret holds a token the new key signed, so
# the workloads restarted after it mount valid tokens. Tokens never leave this process (no
# argument, no log line).
#
# usage: reissue-sa-tokens.sh [timeout seconds, default 120] [signing key, default apiserver.key]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

timeout=${1:-120}
signing_key=${2:-$CERTS_DIR/apiserver.key}
require_root
[[ "$timeout" =~ ^[0-9]+$ ]] || die "timeout must be a number of seconds, got '$timeout'"
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
# namespace, name and base64 token of every token Secret (empty token: not filled yet).
token_secrets() {
  kubectl_node get secrets -A --field-selector type=kubernetes.io/service-account-token -o json |
    jq -r '.items[] | [.metadata.namespace, .metadata.name, (.data.token // "")] | @tsv'
}

reissued=() kept=0 pending=0
while IFS=$'\t' read -r ns name token; do
  [ -n "${name:-}" ] || continue
  if [ -z "${token:-}" ]; then
    pending=$((pending + 1))
  elif signed_by_new_key "$(base64 -d <<<"$token")"; then
    kept=$((kept + 1))
  else
    # A merge patch with null removes the key; the update wakes the token controller. A Secret
    # deleted meanwhile needs nothing.
    if ! kubectl_node patch secret "$name" -n "$ns" --type=merge -p '{"data":{"token":null}}' \
      >/dev/null 2>"$work/err"; then
      grep -q NotFound "$work/err" && continue
      die "cannot clear the token of $ns/$name: $(cat "$work/err")"
    fi
    printf 'reissued %s/%s\n' "$ns" "$name"
    reissued+=("$ns/$name")
  fi
done < <(token_secrets)

# Wait for the controller to refill what was cleared, each with a token the new key signed.
deadline=$((SECONDS + timeout))
waiting=("${reissued[@]}")
while [ ${#waiting[@]} -gt 0 ]; do
  # Still waiting: a Secret that exists without a token the new key signed (one deleted
  # meanwhile needs nothing).
  declare -A unsigned=()
  while IFS=$'\t' read -r ns name token; do
    [ -n "${name:-}" ] || continue
    if [ -z "${token:-}" ] || ! signed_by_new_key "$(base64 -d <<<"$token")"; then
      unsigned["$ns/$name"]=1
    fi
  done < <(token_secrets)
  still=()
  for s in "${waiting[@]}"; do
    if [ -n "${unsigned[$s]:-}" ]; then still+=("$s"); fi
  done
  waiting=("${still[@]}")
  unset unsigned
  [ ${#waiting[@]} -gt 0 ] || break
  [ $SECONDS -lt $deadline ] ||
    die "the token controller did not refill ${waiting[*]} within ${timeout}s (is kube-controller-manager running with the new apiserver.key?)"
  sleep 2
done
log "${#reissued[@]} reissued, $kept already signed by the current key, $pending waiting for the token controller"
