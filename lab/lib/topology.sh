#!/usr/bin/env bash
# The cluster's shape: node names, roles and addresses as AKS Engine assigns them, and the
# machine-readable inventory (.work/lab/nodes.json, .work/lab/lab.env) other parts read.

# topology MASTERS AGENTS NAME_SUFFIX [SCALE_SET_IDS]: fills the NODE_* arrays (masters first,
# then the availability-set agents, then the scale-set instances of the comma-separated ids).
# A scale-set instance's NODE_INDEXES entry is its agent slot (address, veth), not its id.
topology() {
  local masters=$1 agents=$2 suffix=$3 ids=${4:-} i id slot
  NODE_NAMES=() NODE_IPS=() NODE_ROLES=() NODE_INDEXES=() NODE_POOLS=()
  for ((i = 0; i < masters; i++)); do
    NODE_NAMES+=("$(master_name "${suffix}" "${i}")")
    NODE_IPS+=("$(master_ip "${i}")")
    NODE_ROLES+=(master)
    NODE_INDEXES+=("${i}")
    NODE_POOLS+=("")
  done
  for ((i = 0; i < agents; i++)); do
    NODE_NAMES+=("$(agent_name "${suffix}" "${i}")")
    NODE_IPS+=("$(agent_ip "${i}")")
    NODE_ROLES+=(agent)
    NODE_INDEXES+=("${i}")
    NODE_POOLS+=("${LAB_AGENT_POOL}")
  done
  slot=${agents}
  for id in ${ids//,/ }; do
    NODE_NAMES+=("$(scale_set_name "${suffix}" "${id}")")
    NODE_IPS+=("$(agent_ip "${slot}")")
    NODE_ROLES+=(agent)
    NODE_INDEXES+=("${slot}")
    NODE_POOLS+=("${LAB_SCALE_SET_POOL}")
    slot=$((slot + 1))
  done
}

# Where agents (and kubelets) reach the API server: the internal LB with several masters,
# the only master otherwise.
api_server_ip() {
  if [ "$1" -gt 1 ]; then internal_lb_ip; else master_ip 0; fi
}

# /etc/hosts of every node: all node names resolve inside the "virtual network".
hosts_file() {
  local i
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n'
  for i in "${!NODE_NAMES[@]}"; do printf '%s %s\n' "${NODE_IPS[$i]}" "${NODE_NAMES[$i]}"; done
}

# write_inventory MASTERS AGENTS SUFFIX KEY_BITS PRIVATE [SCALE_SET_IDS [CERT_DAYS]]: nodes.json
# and lab.env.
write_inventory() {
  local masters=$1 agents=$2 suffix=$3 bits=$4 private=$5 ids=${6:-} days=${7:-${LAB_DEFAULT_CERT_DAYS}}
  local i nodes="[]" node_dir pid1
  for i in "${!NODE_NAMES[@]}"; do
    node_dir="${LAB_NODES_DIR}/${NODE_NAMES[$i]}"
    pid1="$(cat "${node_dir}/pid1" 2>/dev/null || echo 0)"
    nodes="$(jq -c --arg name "${NODE_NAMES[$i]}" --arg ip "${NODE_IPS[$i]}" \
      --arg role "${NODE_ROLES[$i]}" --argjson index "${NODE_INDEXES[$i]}" \
      --arg pool "${NODE_POOLS[$i]}" --arg dir "${node_dir}" --argjson pid "${pid1}" \
      '. + [{name: $name, ip: $ip, role: $role, index: $index, pool: $pool, dir: $dir,
             pid: $pid}]' <<<"${nodes}")"
  done
  jq -n --argjson nodes "${nodes}" --arg suffix "${suffix}" --argjson masters "${masters}" \
    --argjson agents "${agents}" --argjson bits "${bits}" --argjson private "${private}" \
    --arg dnsPrefix "${LAB_DNS_PREFIX}" --arg location "${LAB_LOCATION}" --arg fqdn "${LAB_FQDN}" \
    --arg lb "$(internal_lb_ip)" --arg api "$(api_server_ip "${masters}")" \
    --arg user "${LAB_ADMIN_USER}" --arg state "${LAB_STATE}" --arg out "${LAB_OUTPUT_DIR}" \
    --arg key "${LAB_SSH_KEY}" --arg kh "${LAB_KNOWN_HOSTS}" --arg ssh "${LAB_DIR}/ssh.sh" \
    --arg pki "${LAB_PKI_DIR}" --arg bridge "${LAB_BRIDGE}" --arg hostIP "${LAB_BRIDGE_IP}" \
    --arg version "${LAB_K8S_VERSION}" --arg ids "${ids}" --arg vnet "${LAB_VNET}" \
    --argjson days "${days}" \
    '{dnsPrefix: $dnsPrefix, location: $location, fqdn: $fqdn, nameSuffix: $suffix,
      orchestratorVersion: $version, masterCount: $masters, agentCount: $agents,
      scaleSetInstances: ($ids | split(",") | map(select(. != "") | tonumber)),
      keyBits: $bits, certDays: $days, privateCluster: $private, vnetCidr: $vnet,
      internalLbIP: $lb, apiServerIP: $api, adminUsername: $user,
      bridge: {name: $bridge, hostIP: $hostIP, cidr: $vnet},
      stateDir: $state, pkiDir: $pki, outputDir: $out, sshKey: $key, knownHosts: $kh,
      sshHelper: $ssh, jumpHost: $nodes[0].ip, nodes: $nodes}' >"${LAB_INVENTORY}.tmp"
  mv -f "${LAB_INVENTORY}.tmp" "${LAB_INVENTORY}"
  {
    printf 'LAB_MASTERS=%q\nLAB_AGENTS=%q\nLAB_NAME_SUFFIX=%q\nLAB_KEY_BITS=%q\n' \
      "${masters}" "${agents}" "${suffix}" "${bits}"
    printf 'LAB_SCALE_SET_INSTANCES=%q\n' "${ids}"
    printf 'LAB_NAME=%q\nLAB_VNET=%q\nLAB_CERT_DAYS=%q\n' "${LAB_DNS_PREFIX}" "${LAB_VNET}" "${days}"
    printf 'LAB_PRIVATE_CLUSTER=%q\nLAB_STATE=%q\nLAB_OUTPUT_DIR=%q\nLAB_SSH_KEY=%q\n' \
      "${private}" "${LAB_STATE}" "${LAB_OUTPUT_DIR}" "${LAB_SSH_KEY}"
    printf 'LAB_KNOWN_HOSTS=%q\nLAB_INVENTORY=%q\nLAB_SSH=%q\nLAB_PKI_DIR=%q\n' \
      "${LAB_KNOWN_HOSTS}" "${LAB_INVENTORY}" "${LAB_DIR}/ssh.sh" "${LAB_PKI_DIR}"
    printf 'LAB_FQDN=%q\nLAB_INTERNAL_LB_IP=%q\nLAB_API_SERVER_IP=%q\n' \
      "${LAB_FQDN}" "$(internal_lb_ip)" "$(api_server_ip "${masters}")"
    printf 'LAB_NODE_NAMES=(%s)\nLAB_NODE_IPS=(%s)\nLAB_NODE_ROLES=(%s)\n' \
      "${NODE_NAMES[*]}" "${NODE_IPS[*]}" "${NODE_ROLES[*]}"
  } >"${LAB_ENV_FILE}"
}
