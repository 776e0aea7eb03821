#!/usr/bin/env bash
# `lab status`: per node, whether its processes live, systemd's state, sshd reachability, and on
# masters etcd health checked from the host over the bridge with the master's current etcd client
# cert (not the lab's original one, which a rotation retires).

# etcd_credentials NAME DIR: copies the master's installed CA and etcd client pair into DIR, so
# the check uses whatever certificates the node has now (original, rotated or rolled back).
etcd_credentials() {
  local f
  for f in ca.crt etcdclient.crt etcdclient.key; do
    NODE_EXEC_TIMEOUT=10 node_exec "$1" cat "/etc/kubernetes/certs/${f}" >"$2/${f}" || return 1
  done
}

# etcd_health NAME IP: etcdctl endpoint health with explicit --cacert/--cert/--key (etcdctl v3
# ignores the v2 ETCDCTL_*_FILE names AKS Engine writes to /etc/environment).
etcd_health() {
  local creds rc=0
  creds="$(mktemp -d)"
  if etcd_credentials "$1" "${creds}"; then
    env -u ETCDCTL_ENDPOINTS -u ETCDCTL_CACERT -u ETCDCTL_CERT -u ETCDCTL_KEY ETCDCTL_API=3 \
      etcdctl --command-timeout=5s --endpoints="https://$2:2379" --cacert="${creds}/ca.crt" \
      --cert="${creds}/etcdclient.crt" --key="${creds}/etcdclient.key" endpoint health || rc=1
  else
    rc=1
  fi
  rm -rf "${creds}"
  return "${rc}"
}

# node_status NAME ROLE IP -> one line; exit 0 when healthy.
node_status() {
  local name=$1 role=$2 ip=$3 d systemd="-" ssh="-" etcd="-" ok=0
  d="${LAB_NODES_DIR}/${name}"
  if pid_alive "${d}/pid1"; then
    systemd="$(NODE_EXEC_TIMEOUT=10 node_exec "${name}" systemctl is-system-running 2>/dev/null || true)"
    [ "${systemd}" = running ] || ok=1
    # shellcheck disable=SC2016 # expanded by the inner shell
    if timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/22"' _ "${ip}" 2>/dev/null; then ssh=open; else
      ssh=closed
      ok=1
    fi
    if [ "${role}" = master ]; then
      if etcd_health "${name}" "${ip}" >/dev/null 2>&1; then etcd=healthy; else
        etcd=unhealthy
        ok=1
      fi
    fi
  else
    systemd=stopped
    ok=1
  fi
  printf '%-28s %-6s %-14s %-10s %-5s %-6s %s\n' "${name}" "${role}" "${ip}" "${systemd:-unknown}" \
    "${ssh}" "${etcd}" "$([ "${ok}" = 0 ] && echo ok || echo FAIL)"
  return "${ok}"
}

lab_status() {
  if [ ! -f "${LAB_ENV_FILE}" ]; then
    echo "lab is down"
    return 3
  fi
  # shellcheck source=/dev/null
  source "${LAB_ENV_FILE}"
  printf '%-28s %-6s %-14s %-10s %-5s %-6s %s\n' NODE ROLE IP SYSTEMD SSH ETCD STATE
  local i rc=0 dir pids=() pid failed=0
  dir="$(mktemp -d)"
  for i in "${!LAB_NODE_NAMES[@]}"; do
    node_status "${LAB_NODE_NAMES[$i]}" "${LAB_NODE_ROLES[$i]}" "${LAB_NODE_IPS[$i]}" \
      >"${dir}/${i}" 2>&1 &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "${pid}" || failed=1; done
  for i in "${!LAB_NODE_NAMES[@]}"; do cat "${dir}/${i}"; done
  rm -rf "${dir}"
  [ "${failed}" = 0 ] || rc=1
  echo "cluster ${LAB_FQDN}: ${LAB_MASTERS} masters, ${LAB_AGENTS} agents, nameSuffix ${LAB_NAME_SUFFIX}"
  echo "state ${LAB_STATE}; output ${LAB_OUTPUT_DIR}"
  return "${rc}"
}
