#!/usr/bin/env bash
# shellcheck disable=SC2034 # the names are used by the files that source this one
# Shared names, paths and helpers of the lab. Sourced by lab/lab.sh and its libraries.
# Everything the lab creates on the host carries the "akslab" prefix, so `down` can find
# exactly what the lab made (and nothing else) even after a half-finished `up`.

LAB_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAB_DIR="${LAB_REPO_ROOT}/lab"
LAB_OUTPUT_ROOT="${LAB_REPO_ROOT}/_output"
# The state of the clusters other than the default one: .work/labs/<dnsPrefix>/ (the default's
# stays .work/lab, where every existing reader looks, and its `down` removes only its own).
LAB_CLUSTERS_DIR="${LAB_REPO_ROOT}/.work/labs"

# Host-side names (Linux interface names are at most 15 characters).
LAB_PREFIX_ALL="akslab"
LAB_CGROUP_ROOT="/sys/fs/cgroup/unified"

# The cluster as AKS Engine would describe it (see lab/README.md for why these values).
LAB_DEFAULT_DNS_PREFIX="aks-lab"
# What `aks-engine` derives for dnsPrefix "aks-lab" (fnv64a(dnsPrefix) seeds math/rand, %08d[:8]);
# lab/name-suffix/main.go derives it for any other dnsPrefix.
LAB_DEFAULT_NAME_SUFFIX="11858198"
# The default cluster's virtual network; another cluster names its own /16 (up --vnet).
LAB_DEFAULT_VNET="10.240.0.0/16"
LAB_DEFAULT_CERT_DAYS=10950
LAB_LOCATION="local"
LAB_VM_DNS_SUFFIX="cloudapp.azurestack.external"
LAB_ADMIN_USER="azureuser"
LAB_AGENT_POOL="linuxpool"
# The optional scale-set pool (up --scale-set-instances): instances named as Azure names them.
LAB_SCALE_SET_POOL="vmsspool"
LAB_K8S_VERSION="1.34.4"
LAB_SERVICE_CIDR="10.0.0.0/16"
LAB_SERVICE_FIRST_IP="10.0.0.1"
LAB_PREFIX_LEN="16"

# lab_host_tag DNS_PREFIX: "" for the default cluster, else 4 hex digits of the name's sha256;
# it keeps every host-side name of a cluster unique and short: bridge akslab<tag> (akslab0 for
# the default), veths akslab<tag>-m<i> (at most 14 characters), cgroup akslab<tag>.
lab_host_tag() {
  [ "$1" = "${LAB_DEFAULT_DNS_PREFIX}" ] || printf '%s' "$(printf '%s' "$1" | sha256sum | cut -c1-4)"
}

# lab_select DNS_PREFIX: the per-cluster names and paths (LAB_STATE, LAB_BRIDGE, LAB_CGROUP, ...)
# of the lab cluster with that dnsPrefix.
lab_select() {
  local tag
  tag="$(lab_host_tag "$1")"
  LAB_DNS_PREFIX=$1
  if [ -z "${tag}" ]; then LAB_STATE="${LAB_REPO_ROOT}/.work/lab"; else LAB_STATE="${LAB_CLUSTERS_DIR}/$1"; fi
  LAB_NODES_DIR="${LAB_STATE}/nodes"
  LAB_PKI_DIR="${LAB_STATE}/pki"
  LAB_INVENTORY="${LAB_STATE}/nodes.json"
  LAB_ENV_FILE="${LAB_STATE}/lab.env"
  LAB_PREFIX="${LAB_PREFIX_ALL}${tag}"
  LAB_BRIDGE="${LAB_PREFIX_ALL}${tag:-0}"
  LAB_CGROUP="${LAB_CGROUP_ROOT}/${LAB_PREFIX}"
  LAB_FQDN="${LAB_DNS_PREFIX}.${LAB_LOCATION}.${LAB_VM_DNS_SUFFIX}"
  LAB_OUTPUT_DIR="${LAB_OUTPUT_ROOT}/${LAB_DNS_PREFIX}"
  LAB_SSH_KEY="${LAB_OUTPUT_DIR}/azureuser_rsa"
  LAB_KNOWN_HOSTS="${LAB_OUTPUT_DIR}/known_hosts"
}

# lab_set_vnet CIDR: the cluster's addresses in AKS Engine's custom-VNET layout of a /16:
# the host (bridge) at .0.1, agents from .0.4, masters from firstConsecutiveStaticIP .255.5.
lab_set_vnet() {
  LAB_VNET=$1
  LAB_VNET_BASE="${1%.*.*}"
  LAB_BRIDGE_IP="${LAB_VNET_BASE}.0.1"
  LAB_FIRST_MASTER_IP="${LAB_VNET_BASE}.255.5"
}

# lab_names: the dnsPrefix of every lab cluster of this checkout with state on disk, the
# default first.
lab_names() {
  local d
  [ ! -d "${LAB_REPO_ROOT}/.work/lab" ] || echo "${LAB_DEFAULT_DNS_PREFIX}"
  for d in "${LAB_CLUSTERS_DIR}"/*/; do
    [ -d "${d}" ] && basename "${d}"
  done
  return 0
}

lab_select "${LAB_NAME:-${LAB_DEFAULT_DNS_PREFIX}}"
lab_set_vnet "${LAB_DEFAULT_VNET}"

log() { printf '[lab %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf 'lab: error: %s\n' "$*" >&2
  exit 1
}

# master_ip I -> <vnet>.255.(5+I); agent_ip I -> <vnet>.0.(4+I); internal LB = first master + 10.
master_ip() { printf '%s.255.%d' "${LAB_VNET_BASE}" "$((5 + $1))"; }
agent_ip() { printf '%s.0.%d' "${LAB_VNET_BASE}" "$((4 + $1))"; }
internal_lb_ip() { printf '%s.255.%d' "${LAB_VNET_BASE}" "$((5 + 10))"; }
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
# Host end of a node's veth: akslab<tag>-m<i> / akslab<tag>-a<i>.
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
