#!/usr/bin/env bash
# The rotation's last gate, on a master: fails unless
#  - the new admin kubeconfig (~<user>/.kube/config) lists nodes,
#  - the old one (the backed-up copy) does not: neither as it is (its CA no longer matches the
#    server) nor with server verification off (the server must refuse the old client cert),
#  - every expected node is Ready, the API server is ready and etcd is healthy.
# Admin kubeconfigs carry their own server (the public FQDN); the API is reached at the address
# this node's kubelet uses instead, which works inside private clusters too. Read-only.
#
# usage: verify-cluster.sh <admin user> <node name>...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: verify-cluster.sh <admin user> <node name>..."
user=$1
shift
require_root
home=$(getent passwd "$user" | cut -d: -f6)
new=$home/.kube/config
old=$EXTRA_BACKUP_DIR$home/.kube/config
[ -f "$new" ] || die "no admin kubeconfig at $new"
# After finalize the old credentials are gone with the backup: they were proven refused before.
check_old=true
if [ ! -f "$old" ] && [ -s "$FINALIZED" ]; then
  check_old=false
  log "the backup was removed by finalize (rotation $(cat "$FINALIZED")): the old credentials were proven refused before"
fi
[ "$check_old" = false ] || [ -f "$old" ] ||
  die "no backed-up admin kubeconfig at $old to prove the old credentials are rejected"
server=$(kubectl config view --kubeconfig "$NODE_KUBECONFIG" -o jsonpath='{.clusters[0].cluster.server}')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=()
if kubectl --kubeconfig "$new" --server "$server" --request-timeout=10s get nodes >/dev/null 2>"$work/err"; then
  log "new admin kubeconfig accepted"
else
  failures+=("new admin kubeconfig rejected: $(tr '\n' ' ' <"$work/err")")
fi

# The old admin kubeconfig: refused as it is, and with its client certificate alone.
check_old_refused() {
  if kubectl --kubeconfig "$old" --server "$server" --request-timeout=10s get nodes >/dev/null 2>&1; then
    failures+=("old admin kubeconfig still accepted")
  fi
  umask 077
  kubectl config view --kubeconfig "$old" --raw -o jsonpath='{.users[0].user.client-certificate-data}' |
    base64 -d >"$work/old.crt"
  kubectl config view --kubeconfig "$old" --raw -o jsonpath='{.users[0].user.client-key-data}' |
    base64 -d >"$work/old.key"
  if kubectl --kubeconfig /dev/null --server "$server" --insecure-skip-tls-verify --request-timeout=10s \
    --client-certificate "$work/old.crt" --client-key "$work/old.key" get nodes >/dev/null 2>"$work/err"; then
    failures+=("the API server still accepts the old admin client certificate")
  elif grep -qiE 'unauthorized|forbidden' "$work/err"; then
    log "old admin kubeconfig rejected (CA mismatch, and the server refuses its client cert)"
  else
    failures+=("could not prove the old client cert is refused: $(tr '\n' ' ' <"$work/err")")
  fi
}
[ "$check_old" = false ] || check_old_refused

nodes_json=$(kubectl_node get nodes -o json)
for node in "$@"; do
  ready=$(jq -r --arg n "$node" '.items[] | select(.metadata.name == $n)
    | .status.conditions[] | select(.type == "Ready") | .status' <<<"$nodes_json")
  [ "$ready" = True ] || failures+=("node $node not Ready (${ready:-absent})")
done
kubectl_node get --raw=/readyz >/dev/null 2>&1 || failures+=("API server /readyz fails")
if [ -f "$ETCD_DEFAULTS" ]; then
  etcdctl_local endpoint health --cluster >/dev/null 2>&1 || failures+=("etcd not healthy")
fi

if [ "${#failures[@]}" -gt 0 ]; then
  for f in "${failures[@]}"; do printf 'verify-cluster: %s\n' "$f" >&2; done
  exit 1
fi
if [ "$check_old" = true ]; then
  log "rotation verified: $# nodes Ready, API server ready, old credentials rejected"
else
  log "rotation verified: $# nodes Ready, API server ready"
fi
