#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# The lab: a local cluster shaped like one `aks-engine deploy` makes on Azure Stack Hub.
#   npm run lab -- up [--name DNS_PREFIX --vnet A.B.0.0/16] [--masters 1|3|5] [--agents N]
#                     [--key-bits BITS] [--name-suffix 8DIGITS] [--cert-days N]
#                     [--private-cluster] [--scale-set-instances ID,ID,...]
#   npm run lab -- down [--name DNS_PREFIX]
#   npm run lab -- status [--name DNS_PREFIX]
# See lab/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "${here}/lib/common.sh"
# shellcheck source=lib/pki.sh
source "${here}/lib/pki.sh"
# shellcheck source=lib/net.sh
source "${here}/lib/net.sh"
# shellcheck source=lib/nodes.sh
source "${here}/lib/nodes.sh"
# shellcheck source=lib/topology.sh
source "${here}/lib/topology.sh"
# shellcheck source=lib/output.sh
source "${here}/lib/output.sh"
# shellcheck source=lib/status.sh
source "${here}/lib/status.sh"
# shellcheck source=lib/hostcheck.sh
source "${here}/lib/hostcheck.sh"
# shellcheck source=lib/down.sh
source "${here}/lib/down.sh"
# shellcheck source=lib/up.sh
source "${here}/lib/up.sh"
# shellcheck source=lib/clusters.sh
source "${here}/lib/clusters.sh"

usage() {
  cat <<'TXT'
usage: npm run lab -- up [options] | down [--name N] | status [--name N]

down and status act on the cluster --name names, or on every lab cluster of this checkout.

up options:
  --name DNS_PREFIX  the cluster's dnsPrefix (default aks-lab); another name makes a second
                     cluster beside the first, with its own bridge, nodes and _output/<name>/
  --vnet CIDR        the cluster's virtual network, a /16 such as 10.241.0.0/16 (default
                     10.240.0.0/16): masters from <vnet>.255.5, agents from <vnet>.0.4
  --cert-days N      validity of the cluster's certificates in days, 1 to 10950 (default
                     10950, 30 years as AKS Engine); a few days make an expiring cluster
  --masters N        master count: 1, 3 or 5 (default 3)
  --agents N         Linux agent count: 1 to 50 (default 2)
  --key-bits BITS    RSA size of the cluster PKI and SSH key: 2048, 3072 or 4096
                     (default 4096, as AKS Engine; 2048 makes up several times faster)
  --name-suffix S    the cluster's 8-digit nameSuffix (default: what aks-engine derives
                     for the dnsPrefix, 11858198 for aks-lab; lab/name-suffix/main.go)
  --private-cluster  orchestratorProfile.kubernetesConfig.privateCluster.enabled=true: the
                     admin kubeconfig points at the internal LB IP instead of the FQDN
  --scale-set-instances ID,ID,...
                     add a scale-set pool (vmsspool, VirtualMachineScaleSets) whose instances
                     have these ids, e.g. 0,2,5 as after a scale-in: apimodel.json holds only
                     its count, the nodes are k8s-vmsspool-<suffix>-vmss<id in base 36>
TXT
}

# usage_error MSG: bad input, reported before anything is touched.
usage_error() {
  printf 'lab: %s\n' "$1" >&2
  usage >&2
  exit 2
}

# check_scale_set_ids IDS AGENTS: distinct ids 0-999, ascending, at most 50 agents in all.
check_scale_set_ids() {
  local ids=$1 agents=$2 id last=-1 n=0
  [ -n "${ids}" ] || return 0
  [[ "${ids}" =~ ^(0|[1-9][0-9]{0,2})(,(0|[1-9][0-9]{0,2}))*$ ]] ||
    usage_error "--scale-set-instances must be instance ids 0-999 separated by commas, e.g. 0,2,5 (got '${ids}')"
  for id in ${ids//,/ }; do
    [ "${id}" -gt "${last}" ] ||
      usage_error "--scale-set-instances must list distinct ids in ascending order (got '${ids}')"
    last=${id}
    n=$((n + 1))
  done
  [ $((agents + n)) -le 50 ] ||
    usage_error "--agents plus the scale-set instances must be at most 50 (got $((agents + n)))"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
masters=3 agents=2 bits=4096 suffix="" private=false ids="" name="" vnet=""
days="${LAB_DEFAULT_CERT_DAYS}"
case "${cmd}" in
  up)
    while [ $# -gt 0 ]; do
      case "$1" in
        --masters | --agents | --key-bits | --name-suffix | --scale-set-instances | --name | --vnet | --cert-days)
          [ $# -ge 2 ] || usage_error "option $1 needs a value"
          case "$1" in
            --scale-set-instances) ids=$2 ;;
            --masters) masters=$2 ;;
            --agents) agents=$2 ;;
            --key-bits) bits=$2 ;;
            --name-suffix) suffix=$2 ;;
            --name) name=$2 ;;
            --vnet) vnet=$2 ;;
            --cert-days) days=$2 ;;
          esac
          shift 2
          ;;
        --private-cluster)
          private=true
          shift
          ;;
        -h | --help)
          usage
          exit 0
          ;;
        *) usage_error "unknown option for up: $1" ;;
      esac
    done
    [[ "${masters}" =~ ^(1|3|5)$ ]] || usage_error "--masters must be 1, 3 or 5 (got '${masters}')"
    if ! [[ "${agents}" =~ ^[0-9]+$ ]] || [ "${agents}" -lt 1 ] || [ "${agents}" -gt 50 ]; then
      usage_error "--agents must be a whole number from 1 to 50 (got '${agents}')"
    fi
    [[ "${bits}" =~ ^(2048|3072|4096)$ ]] ||
      usage_error "--key-bits must be 2048, 3072 or 4096 (got '${bits}')"
    [ -z "${suffix}" ] || [[ "${suffix}" =~ ^[0-9]{8}$ ]] ||
      usage_error "--name-suffix must be 8 digits (got '${suffix}')"
    check_scale_set_ids "${ids}" "${agents}"
    check_cluster_options "${name}" "${vnet}" "${days}"
    ;;
  down | status)
    if [ "${1:-}" = --name ] && [ $# -eq 2 ]; then
      name=$2
      check_cluster_name "${name}"
    elif [ $# -gt 0 ]; then
      usage_error "${cmd} takes no options but --name DNS_PREFIX (got '$*')"
    fi
    ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  "") usage_error "missing command" ;;
  *) usage_error "unknown command '${cmd}'" ;;
esac

# One up/down at a time (the lock lives outside the state folder `down` removes); status only
# reads, so it neither waits for nor blocks them.
if [ "${cmd}" != status ]; then
  mkdir -p "${LAB_REPO_ROOT}/.work"
  exec 9>"${LAB_REPO_ROOT}/.work/lab.lock"
  flock -w 600 9 || die "another lab command holds ${LAB_REPO_ROOT}/.work/lab.lock"
fi

case "${cmd}" in
  up)
    select_cluster "${name:-${LAB_DEFAULT_DNS_PREFIX}}"
    lab_set_vnet "${vnet:-${LAB_DEFAULT_VNET}}"
    [ -n "${suffix}" ] || suffix="$(name_suffix "${LAB_DNS_PREFIX}")"
    lab_up "${masters}" "${agents}" "${bits}" "${suffix}" "${private}" "${ids}" "${days}"
    ;;
  down)
    started=${SECONDS}
    for_clusters "${name}" lab_down
    log "lab down in $((SECONDS - started)) s"
    ;;
  status) for_clusters "${name}" lab_status ;;
esac
