#!/usr/bin/env bash
# The lab's Kubernetes control plane, on a lab whose nodes and etcd are up (lab/lab.sh up calls
# this after its etcd phase; it can also be rerun by hand). On every master: kube-apiserver,
# kube-controller-manager, kube-scheduler as systemd units; on every node: the stand-in
# kubelet; with several masters, the internal load balancer; then the lab's workloads.
# Idempotent: files are rewritten, units restarted only when their files changed.
# Environment: LAB_NODE_MONITOR_GRACE_PERIOD (default 20s). See lab/control-plane/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/lib/common.sh
source "${here}/../lib/common.sh"
# shellcheck source=lab/lib/nodes.sh
source "${here}/../lib/nodes.sh"
# shellcheck source=lab/control-plane/flags.sh
source "${here}/flags.sh"
# shellcheck source=lab/control-plane/lib.sh
source "${here}/lib.sh"

grace="${LAB_NODE_MONITOR_GRACE_PERIOD:-20s}"
[[ "${grace}" =~ ^[0-9]+(s|m)$ ]] || die "LAB_NODE_MONITOR_GRACE_PERIOD must look like 20s or 1m (got '${grace}')"
[ -f "${LAB_INVENTORY}" ] || die "no lab inventory at ${LAB_INVENTORY}: run 'npm run lab -- up' first"
started=${SECONDS}

bin="$("${LAB_REPO_ROOT}/tools/kubernetes/build.sh")"
version="v$(jq -r .orchestratorVersion "${LAB_INVENTORY}")"
"${bin}/kube-apiserver" --version | grep -qx "Kubernetes ${version}" ||
  die "the built kube-apiserver is not ${version} (tools/kubernetes/go.mod vs the lab's version)"

mapfile -t masters < <(jq -r '.nodes[] | select(.role == "master") | .name' "${LAB_INVENTORY}")
mapfile -t nodes < <(jq -r '.nodes[].name' "${LAB_INVENTORY}")
dns_prefix="$(jq -r .dnsPrefix "${LAB_INVENTORY}")"
api_ip="$(jq -r .apiServerIP "${LAB_INVENTORY}")"

# Every master must have what the API server needs before anything starts.
for m in "${masters[@]}"; do
  for f in proxy-ca.crt proxy.crt proxy.key apiserver.crt etcdclient.crt; do
    node_exec "${m}" test -s "${CERTS}/${f}" || die "${m}: ${CERTS}/${f} is missing (front-proxy certs not generated?)"
  done
done

# The internal LB first: agents' kubelets talk to it as soon as they start.
if [ "${#masters[@]}" -gt 1 ]; then
  "${here}/ilb.sh" start "${bin}"
fi

log "control plane: installing on ${#nodes[@]} nodes"
pids=()
for n in "${nodes[@]}"; do
  install_node "${n}" "${bin}" "${version}" "${dns_prefix}" "${grace}" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "${p}" || die "control plane: installing a node failed"; done

kubeconfig="$(admin_kubeconfig)"
log "control plane: waiting for the API servers"
for m in "${masters[@]}"; do
  ip="$(jq -r --arg n "${m}" '.nodes[] | select(.name == $n) | .ip' "${LAB_INVENTORY}")"
  wait_for 180 "kube-apiserver on ${m}" kubectl --kubeconfig "${kubeconfig}" --server "https://${ip}:443" \
    --request-timeout=5s get --raw /readyz
done
k() { kubectl --kubeconfig "${kubeconfig}" --server "https://${api_ip}:443" --request-timeout=20s "$@"; }

log "control plane: waiting for ${#nodes[@]} nodes to be Ready"
wait_for 180 "every node Ready" nodes_ready k "${#nodes[@]}"

log "control plane: applying the lab's workloads"
k apply -f "${here}/workloads" >/dev/null
wait_for 120 "the probe token Secret" token_filled k
wait_for 180 "the workloads' pods running" pods_ready k lab-workloads
wait_for 180 "kube-proxy on every node" pods_ready k kube-system
log "control plane up in $((SECONDS - started)) s (API: https://${api_ip}:443)"
