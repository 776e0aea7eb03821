#!/usr/bin/env bash
# `lab up`: the lab's `aks-engine deploy`, in phases that each end in a check:
#   keys+PKI -> node folders -> network+boot -> CSE (certs, kubeconfigs, etcd) -> front-proxy
#   certs through etcd -> etcd healthy from the host -> _output/<dnsPrefix>/ -> control plane.

# each_node FUNC ARGS...: FUNC I ARGS... for every node at once; fails if any failed.
each_node() {
  local fn=$1 i pids=() failed=()
  shift
  for i in "${!NODE_NAMES[@]}"; do
    "${fn}" "${i}" "$@" &
    pids+=("$!")
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${NODE_NAMES[$i]}"); done
  [ "${#failed[@]}" = 0 ] || die "${fn} failed on: ${failed[*]}"
}

boot_node() { wait_booted "${NODE_NAMES[$1]}"; }

# cse_node I: the provisioning script inside node I; its output stays in the node folder.
cse_node() {
  local name="${NODE_NAMES[$1]}"
  if ! NODE_EXEC_TIMEOUT=300 node_exec "${name}" /bin/bash "${NODE_PAYLOAD_MOUNT}/cse.sh" \
    >"${LAB_NODES_DIR}/${name}/cse.log" 2>&1; then
    tail -n 20 "${LAB_NODES_DIR}/${name}/cse.log" >&2
    return 1
  fi
}

# proxy_certs_node I: generate-proxy-certs.sh on master I, as rotate-certs runs it.
proxy_certs_node() {
  local name="${NODE_NAMES[$1]}"
  [ "${NODE_ROLES[$1]}" = master ] || return 0
  [ "${NODE_INDEXES[$1]}" != 0 ] || return 0
  proxy_certs_on "${name}"
}
proxy_certs_on() {
  NODE_EXEC_TIMEOUT=180 node_exec "$1" /bin/bash -c \
    'source /etc/environment && exec /etc/kubernetes/generate-proxy-certs.sh' \
    >>"${LAB_NODES_DIR}/$1/cse.log" 2>&1
}

# The provisioning payload held keys; the nodes have installed them, so drop the copies.
scrub_payload_node() {
  rm -f "${LAB_NODES_DIR}/${NODE_NAMES[$1]}/cse/"*.key
}

etcd_check_node() {
  [ "${NODE_ROLES[$1]}" = master ] || return 0
  local tries
  for tries in $(seq 1 30); do
    etcd_health "${NODE_NAMES[$1]}" "${NODE_IPS[$1]}" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "etcd on ${NODE_NAMES[$1]} is not healthy after ${tries} tries" >&2
  return 1
}

# lab_is_up: the recorded lab exists and every node's PID 1 is alive.
lab_is_up() {
  [ -f "${LAB_ENV_FILE}" ] || return 1
  local name
  # shellcheck source=/dev/null
  source "${LAB_ENV_FILE}"
  for name in "${LAB_NODE_NAMES[@]}"; do pid_alive "${LAB_NODES_DIR}/${name}/pid1" || return 1; done
}

# lab_up MASTERS AGENTS BITS SUFFIX PRIVATE [SCALE_SET_IDS [CERT_DAYS]]: the cluster lab_select
# chose, in the network lab_set_vnet set.
lab_up() {
  local masters=$1 agents=$2 bits=$3 suffix=$4 private=$5 ids=${6:-} days=${7:-${LAB_DEFAULT_CERT_DAYS}}
  local scale_set=0 vnet="${LAB_VNET}" down_cmd="npm run lab -- down"
  [ "${LAB_DNS_PREFIX}" = "${LAB_DEFAULT_DNS_PREFIX}" ] || down_cmd+=" --name ${LAB_DNS_PREFIX}"
  [ -z "${ids}" ] || scale_set=$(($(tr -cd , <<<"${ids}" | wc -c) + 1))
  if lab_is_up; then
    if [ "${LAB_MASTERS}" = "${masters}" ] && [ "${LAB_AGENTS}" = "${agents}" ] &&
      [ "${LAB_NAME_SUFFIX}" = "${suffix}" ] && [ "${LAB_PRIVATE_CLUSTER}" = "${private}" ] &&
      [ "${LAB_KEY_BITS}" = "${bits}" ] && [ "${LAB_SCALE_SET_INSTANCES:-}" = "${ids}" ] &&
      [ "${LAB_VNET:-${LAB_DEFAULT_VNET}}" = "${vnet}" ] &&
      [ "${LAB_CERT_DAYS:-${LAB_DEFAULT_CERT_DAYS}}" = "${days}" ]; then
      log "lab ${LAB_DNS_PREFIX} already up (${masters} masters, ${agents} agents); nodes left as they are"
      run_control_plane
      return 0
    fi
    die "lab ${LAB_DNS_PREFIX} is up with other options (${LAB_MASTERS} masters, ${LAB_AGENTS} agents, scale-set instances '${LAB_SCALE_SET_INSTANCES:-}', RSA ${LAB_KEY_BITS}, nameSuffix ${LAB_NAME_SUFFIX}, vnet ${LAB_VNET:-${LAB_DEFAULT_VNET}}, ${LAB_CERT_DAYS:-${LAB_DEFAULT_CERT_DAYS}} cert days); run '${down_cmd}' first"
  fi
  host_check "${masters}" "$((agents + scale_set))"
  # Leftovers of an earlier lab (a failed up, a reboot) go first.
  lab_down
  claim_lab
  # shellcheck disable=SC2034 # read by stage_node
  LAB_PRIVATE="${private}"
  local t0=${SECONDS}
  mkdir -p "${LAB_STATE}/ssh" "${LAB_NODES_DIR}" "${LAB_OUTPUT_ROOT}"
  chmod 0700 "${LAB_STATE}" "${LAB_STATE}/ssh"

  log "keys: SSH key and cluster PKI (RSA ${bits}) for ${masters} masters"
  ssh-keygen -q -t rsa -b "${bits}" -N '' -C "${LAB_ADMIN_USER}@${LAB_DNS_PREFIX}" \
    -f "${LAB_STATE}/ssh/azureuser_rsa" &
  local ssh_pid=$!
  pki_generate "${LAB_PKI_DIR}" "${bits}" "${masters}" "${days}"
  wait "${ssh_pid}" || die "ssh-keygen failed"

  topology "${masters}" "${agents}" "${suffix}" "${ids}"
  log "nodes: staging ${#NODE_NAMES[@]} node folders"
  local i
  for i in "${!NODE_NAMES[@]}"; do stage_node "${i}" "${suffix}" "${masters}"; done

  log "boot: bridge ${LAB_BRIDGE} ${LAB_BRIDGE_IP}/${LAB_PREFIX_LEN}, systemd in every node"
  net_up
  for i in "${!NODE_NAMES[@]}"; do start_node "${i}"; done
  write_inventory "${masters}" "${agents}" "${suffix}" "${bits}" "${private}" "${ids}" "${days}"
  each_node boot_node

  log "provision: certificates, kubeconfigs, etcd (CSE on every node)"
  each_node cse_node
  log "front-proxy certs: generated on $(master_name "${suffix}" 0), shared through etcd"
  proxy_certs_on "$(master_name "${suffix}" 0)" || die "generate-proxy-certs.sh failed on master 0"
  each_node proxy_certs_node
  each_node scrub_payload_node
  each_node etcd_check_node

  log "output: ${LAB_OUTPUT_DIR}"
  write_output "${masters}" "${agents}" "${suffix}" "${private}" "${scale_set}"
  log "lab ${LAB_DNS_PREFIX} up in $((SECONDS - t0)) s: ${masters} masters, ${agents} agents${ids:+, scale-set instances ${ids}}"

  run_control_plane
}

# The control plane (lab/control-plane, another part) on top of the nodes, if it exists. It is
# idempotent, so an `up` of a lab that is already up runs it again to converge. Its processes
# must not inherit the lab lock (fd 9).
run_control_plane() {
  [ -f "${LAB_DIR}/control-plane/up.sh" ] || return 0
  if [ "${LAB_SKIP_CONTROL_PLANE:-}" = 1 ]; then
    log "control plane: skipped (LAB_SKIP_CONTROL_PLANE=1)"
    return 0
  fi
  log "control plane: lab/control-plane/up.sh"
  LAB_STATE="${LAB_STATE}" LAB_INVENTORY="${LAB_INVENTORY}" LAB_ENV_FILE="${LAB_ENV_FILE}" \
    LAB_SSH="${LAB_DIR}/ssh.sh" bash "${LAB_DIR}/control-plane/up.sh" 9>&- ||
    die "lab/control-plane/up.sh failed (the nodes stay up; '${down_cmd:-npm run lab -- down}' removes them)"
}
