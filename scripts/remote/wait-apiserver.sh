#!/usr/bin/env bash
# Gate: waits until this master's own kube-apiserver answers /readyz with the new certificates,
# reached as the kubelet reaches the API (its kubeconfig) but at 127.0.0.1 on the same port, so a
# load balancer cannot hide a master that did not come back. 127.0.0.1 is one of the API
# server certificate's SANs.
#
# usage: wait-apiserver.sh [timeout seconds, default 300]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

timeout=${1:-300}
require_root
server=$(kubectl config view --kubeconfig "$NODE_KUBECONFIG" -o jsonpath='{.clusters[0].cluster.server}')
port=${server##*:}
[[ $port =~ ^[0-9]+$ ]] || port=443
local_server=https://127.0.0.1:$port

# shellcheck disable=SC2317 # called through poll
ready() { kubectl_node --server "$local_server" get --raw=/readyz >/dev/null 2>&1; }
if poll "$timeout" 2 ready; then
  log "kube-apiserver at $local_server ready"
  exit 0
fi
kubectl_node --server "$local_server" get --raw='/readyz?verbose' >&2 || true
die "kube-apiserver at $local_server not ready after ${timeout}s"
