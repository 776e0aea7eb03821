#!/usr/bin/env bash
# The staged rotation's gates between phases (docs/staged.md), on master-0 (authn also ends a
# cut-over):
#  published  P1 → P2: the controller-manager published the bundle: every namespace's
#             kube-root-ca.crt and every token Secret's ca.crt hold the old and the new CA.
#  served     P3 → P4: every etcd member's client and peer port and every master's 443 present a
#             certificate that verifies with the new CA alone.
#  authn      after P4, and at the end of a cut-over: kube-system/extension-apiserver-authentication,
#             where every API server merges its client CAs and never removes one, rewritten:
#             deleted, then waited for until the API servers wrote it again without the old CAs.
# Polls until the condition holds or the timeout passes; a second run changes nothing.
#
# usage: staged-gate.sh published|served|authn [timeout seconds, default 300]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

gate=${1:-}
timeout=${2:-300}
[[ $gate =~ ^(published|served|authn)$ ]] || die "usage: staged-gate.sh published|served|authn [timeout]"
require_root
NEW_CA=$(staged_path "$CERTS_DIR/ca.crt")
[ -s "$NEW_CA" ] || die "no staged new CA ($NEW_CA): run stage.sh first"

# body FILE: a PEM's base64 on one line, to find it inside any bundle text.
body() { grep -v -- '-----' "$1" | tr -d '\n\r '; }
# flat TEXT: the same for a bundle read from the API.
flat() { grep -v -- '-----' | tr -d '\n\r '; }
OLD_CA_BODY=$(body "$BACKUP_DIR/ca.crt")
NEW_CA_BODY=$(body "$NEW_CA")
OLD_PROXY_BODY=
if [ -s "$BACKUP_DIR/proxy-ca.crt" ]; then OLD_PROXY_BODY=$(body "$BACKUP_DIR/proxy-ca.crt"); fi

# Every bundle the controller-manager publishes, one per line as <where>\t<base64 of ca.crt>.
published_bundles() {
  kubectl_node get configmaps -A --field-selector metadata.name=kube-root-ca.crt -o json |
    jq -r '.items[] | ["configmap " + .metadata.namespace, (.data["ca.crt"] // "" | @base64)] | @tsv'
  kubectl_node get secrets -A --field-selector type=kubernetes.io/service-account-token -o json |
    jq -r '.items[] | ["secret " + .metadata.namespace + "/" + .metadata.name, (.data["ca.crt"] // "")] | @tsv'
}
MISSING=
all_published() {
  local where b64 text
  MISSING=
  while IFS=$'\t' read -r where b64; do
    [ -n "$where" ] || continue
    text=$(base64 -d <<<"$b64" | flat)
    if [[ $text != *"$OLD_CA_BODY"* || $text != *"$NEW_CA_BODY"* ]]; then
      MISSING=$where
      return 1
    fi
  done < <(published_bundles)
}

# verifies HOST:PORT [client pair]: the served chain verifies with the new CA alone.
verifies() {
  local out
  out=$(timeout 10 openssl s_client -connect "$1" -CAfile "$NEW_CA" -verify_return_error \
    "${@:2}" </dev/null 2>&1) || true
  grep -q 'Verify return code: 0 (ok)' <<<"$out"
}
SERVED_BAD=
all_served() {
  local peers clients u hostport targets=()
  SERVED_BAD=
  # "<id>, started, <name>, <peer urls>, <client urls>, <is learner>" (URLs joined by ",")
  while read -r peers clients; do
    for u in ${peers//,/ } ${clients//,/ }; do
      hostport=${u#https://}
      [[ $hostport == 127.0.0.1:* ]] || targets+=("$hostport")
    done
    u=${peers#https://}
    targets+=("${u%%:*}:443")
  done < <(etcdctl_local member list | awk -F', ' '{ print $4, $5 }')
  for hostport in "${targets[@]}"; do
    if [[ $hostport == *:443 ]]; then
      verifies "$hostport" || { SERVED_BAD=$hostport; return 1; }
    else
      verifies "$hostport" -cert "$CERTS_DIR/etcdclient.crt" -key "$CERTS_DIR/etcdclient.key" ||
        { SERVED_BAD=$hostport; return 1; }
    fi
  done
}

AUTHN=(-n kube-system configmap extension-apiserver-authentication)
authn_clean() {
  local text
  text=$(kubectl_node get "${AUTHN[@]}" -o json 2>/dev/null |
    jq -r '(.data["client-ca-file"] // "") + (.data["requestheader-client-ca-file"] // "")' | flat) ||
    return 1
  [[ $text == *"$NEW_CA_BODY"* && $text != *"$OLD_CA_BODY"* ]] || return 1
  [ -z "$OLD_PROXY_BODY" ] || [[ $text != *"$OLD_PROXY_BODY"* ]]
}

case $gate in
  published)
    poll "$timeout" 5 all_published || die "the old and new CA not published after ${timeout}s: $MISSING"
    log "every kube-root-ca.crt and token Secret holds the old and the new CA"
    ;;
  served)
    poll "$timeout" 5 all_served || die "$SERVED_BAD does not serve a certificate of the new CA after ${timeout}s"
    log "every etcd port and API server serves a certificate of the new CA"
    ;;
  authn)
    if ! authn_clean; then
      kubectl_node delete "${AUTHN[@]}" --ignore-not-found >/dev/null
      log "deleted extension-apiserver-authentication: the API servers write it again"
    fi
    poll "$timeout" 5 authn_clean || die "extension-apiserver-authentication still trusts the old CA after ${timeout}s"
    log "extension-apiserver-authentication trusts the new CAs only"
    ;;
esac
