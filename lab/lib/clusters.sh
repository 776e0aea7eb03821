#!/usr/bin/env bash
# More than one lab cluster per checkout: the default one (aks-lab, 10.240.0.0/16, state in
# .work/lab) and others beside it (up --name N --vnet CIDR, state in .work/labs/N), each with
# its own bridge, cgroup, nodes and _output/<N>/. Which cluster a command acts on, and the
# checks of the options that name one.

# AKS Engine's dnsPrefix rule (pkg/api/vlabs/validate.go): 3 to 45 letters, digits and
# hyphens, starting with a letter and not ending with a hyphen.
LAB_DNS_PREFIX_RE='^[a-z][a-z0-9-]{1,43}[a-z0-9]$'

# check_cluster_name NAME: bad input exits 2 (usage_error) before anything is touched.
check_cluster_name() {
  [ -z "$1" ] || [[ "$1" =~ ${LAB_DNS_PREFIX_RE} ]] ||
    usage_error "--name must be a dnsPrefix: 3 to 45 lowercase letters, digits and hyphens, starting with a letter (got '$1')"
}

# check_cluster_options NAME VNET DAYS: the options of `up` that shape a cluster. Another
# cluster than the default needs a network of its own.
check_cluster_options() {
  local name=$1 vnet=$2 days=$3 octet='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  check_cluster_name "${name}"
  [ -z "${vnet}" ] || [[ "${vnet}" =~ ^${octet}\.${octet}\.0\.0/16$ ]] ||
    usage_error "--vnet must be a /16 network such as 10.241.0.0/16 (got '${vnet}')"
  if [ -n "${name}" ] && [ "${name}" != "${LAB_DEFAULT_DNS_PREFIX}" ] && [ -z "${vnet}" ]; then
    usage_error "--name ${name} needs --vnet: a cluster beside ${LAB_DEFAULT_DNS_PREFIX} (${LAB_DEFAULT_VNET}) needs a network of its own, e.g. --vnet 10.241.0.0/16"
  fi
  if ! [[ "${days}" =~ ^[1-9][0-9]{0,4}$ ]] || [ "${days}" -gt "${LAB_DEFAULT_CERT_DAYS}" ]; then
    usage_error "--cert-days must be a whole number from 1 to ${LAB_DEFAULT_CERT_DAYS} (got '${days}')"
  fi
}

# select_cluster NAME: act on that cluster here and in every script started from here
# (lab/control-plane, lab/ssh.sh source lib/common.sh, which selects LAB_NAME).
select_cluster() {
  export LAB_NAME=$1
  lab_select "$1"
}

# name_suffix DNS_PREFIX: the nameSuffix aks-engine derives (lab/name-suffix/main.go).
name_suffix() {
  if [ "$1" = "${LAB_DEFAULT_DNS_PREFIX}" ]; then
    printf '%s' "${LAB_DEFAULT_NAME_SUFFIX}"
    return
  fi
  command -v go >/dev/null ||
    die "deriving the nameSuffix of $1 needs Go (lab/name-suffix/main.go): install Go or pass --name-suffix <8 digits>"
  (cd "${LAB_DIR}/name-suffix" && go run main.go "$1") || die "lab/name-suffix/main.go failed for $1"
}

# for_clusters NAME FUNC: FUNC for the named cluster, or for every cluster of this checkout
# (`down` always includes the default one, so it sweeps a failed up's leftovers; `status` with
# none up says the lab is down). Fails if FUNC failed for any; each runs in its own subshell,
# so one cluster's `die` does not skip the others.
for_clusters() {
  local name=$1 fn=$2 names=() n r rc=0
  if [ -n "${name}" ]; then
    names=("${name}")
  elif [ "${fn}" = lab_down ]; then
    mapfile -t names < <(
      echo "${LAB_DEFAULT_DNS_PREFIX}"
      lab_names | grep -vx "${LAB_DEFAULT_DNS_PREFIX}"
    )
  else
    mapfile -t names < <(lab_names)
    [ "${#names[@]}" -gt 0 ] || names=("${LAB_DEFAULT_DNS_PREFIX}")
  fi
  for n in "${names[@]}"; do
    [ "${#names[@]}" -eq 1 ] || [ "${fn}" != lab_status ] || printf '== %s\n' "${n}"
    # errexit on inside, as for a single cluster: a subshell tested with || would run without it.
    set +e
    (
      set -e
      select_cluster "${n}"
      "${fn}"
    )
    r=$?
    set -e
    [ "${r}" = 0 ] || rc=${r}
  done
  return "${rc}"
}

# select_cluster_of NODE: the cluster of this checkout whose inventory lists NODE (a name or an
# IP); the one already selected when none does. Node names carry the cluster's nameSuffix and
# addresses its network, so a node belongs to one cluster only.
select_cluster_of() {
  local n
  [ -z "${LAB_NAME:-}" ] || return 0
  for n in $(lab_names); do
    if jq -e --arg t "$1" 'any(.nodes[]; .name == $t or .ip == $t)' \
      "$(lab_select "${n}" && echo "${LAB_INVENTORY}")" >/dev/null 2>&1; then
      lab_select "${n}"
      return 0
    fi
  done
}
