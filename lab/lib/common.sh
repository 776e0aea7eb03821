#!/usr/bin/env bash
# shellcheck disable=SC2034 # the names are used by the files that source this one
# Shared names, paths and helpers of the lab. Sourced by lab/lab.sh and its libraries.
# Everything the lab creates on the host carries the "akslab" prefix, so `down` can find
# exactly what the lab made (and nothing else) even after a half-finished `up`.

LAB_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB_DIR="${LAB_REPO_ROOT}/lab"
LAB_STATE="${LAB_REPO_ROOT}/.work/lab"
LAB_NODES_DIR="${LAB_STATE}/nodes"
LAB_PKI_DIR="${LAB_STATE}/pki"
LAB_INVENTORY="${LAB_STATE}/nodes.json"
LAB_ENV_FILE="${LAB_STATE}/lab.env"
LAB_OUTPUT_ROOT="${LAB_REPO_ROOT}/_output"

# Host-side names (Linux interface names are at most 15 characters).
LAB_PREFIX="akslab"
LAB_BRIDGE="akslab0"
LAB_CGROUP_ROOT="/sys/fs/cgroup/unified"
LAB_CGROUP="${LAB_CGROUP_ROOT}/${LAB_PREFIX}"

# The cluster as AKS Engine would describe it (see lab/README.md for why these values).
LAB_DNS_PREFIX="aks-lab"
# What `aks-engine` derives for dnsPrefix "aks-lab" (fnv64a(dnsPrefix) seeds math/rand, %08d[:8]).
LAB_DEFAULT_NAME_SUFFIX="11858198"
LAB_LOCATION="local"
LAB_VM_DNS_SUFFIX="cloudapp.azurestack.external"
LAB_FQDN="${LAB_DNS_PREFIX}.${LAB_LOCATION}.${LAB_VM_DNS_SUFFIX}"
LAB_ADMIN_USER="azureuser"
LAB_AGENT_POOL="linuxpool"
# The optional scale-set pool (up --scale-set-instances): instances named as Azure names them.
LAB_SCALE_SET_POOL="vmsspool"
LAB_K8S_VERSION="1.34.4"
LAB_SERVICE_CIDR="10.0.0.0/16"
LAB_SERVICE_FIRST_IP="10.0.0.1"
LAB_BRIDGE_IP="10.240.0.1"
LAB_PREFIX_LEN="16"
LAB_FIRST_MASTER_IP="10.240.255.5"
LAB_OUTPUT_DIR="${LAB_OUTPUT_ROOT}/${LAB_DNS_PREFIX}"
LAB_SSH_KEY="${LAB_OUTPUT_DIR}/azureuser_rsa"
LAB_KNOWN_HOSTS="${LAB_OUTPUT_DIR}/known_hosts"

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf 'lab: error: %s\n' "$*" >&2
  exit 1
}

# master_ip I -> 10.240.255.(5+I); agent_ip I -> 10.240.0.(4+I); internal LB = first master + 10.
master_ip() { printf '10.240.255.%d' "$((5 + $1))"; }
agent_ip() { printf '10.240.0.%d' "$((4 + $1))"; }
internal_lb_ip() { printf '10.240.255.%d' "$((5 + 10))"; }
master_name() { printf 'k8s-master-%s-%d' "$1" "$2"; }
agent_name() { printf 'k8s-%s-%s-%d' "${LAB_AGENT_POOL}" "$1" "$2"; }
# scale_set_name SUFFIX ID: k8s-vmsspool-<suffix>-vmss<ID in base 36, 6 digits>, AKS Engine's
# computer-name prefix followed by Azure's instance id (components/cluster/names.ts).
scale_set_name() {
  local id=$2 digits=0123456789abcdefghijklmnopqrstuvwxyz out=""
  while [ "${#out}" -lt 6 ]; do
    out="${digits:$((id % 36)):1}${out}"
    id=$((id / 36))
  done
  printf 'k8s-%s-%s-vmss%s' "${LAB_SCALE_SET_POOL}" "$1" "${out}"
}
# Host end of a node's veth: akslab-m<i> / akslab-a<i>.
veth_name() { printf '%s-%s%d' "${LAB_PREFIX}" "${1:0:1}" "$2"; }

# The start time (clock ticks since boot) of a PID: together with the PID it names one process,
# so a recycled PID is never mistaken for a lab node.
proc_starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- ${stat}
  printf '%s' "${20}"
}
