#!/usr/bin/env bash
# Lab nodes on the host side: stage a node's folder (its "disk" and provisioning payload), start
# it in fresh namespaces with systemd as PID 1, run commands in it, stop it.
# A node's folder: <LAB_STATE>/nodes/<name>/ (.work/lab/nodes/<name>/ for the default cluster) with etc/ var/ (overlay upper+work), root/ home/
# tmp/ etcddisk/, cse/ (payload, bound read-only into the node), node.env, hosts, host key,
# console.log, and pid/pid1 (+ .start) naming the processes `down` may end.

# shellcheck disable=SC2034 # used by up.sh
NODE_PAYLOAD_MOUNT=/var/lib/waagent/custom-script/download/0

# stage_node I SUFFIX MASTERS: node I of the NODE_* arrays.
stage_node() {
  local i=$1 suffix=$2 masters=$3 name role ip index d p
  name="${NODE_NAMES[$i]}" role="${NODE_ROLES[$i]}" ip="${NODE_IPS[$i]}" index="${NODE_INDEXES[$i]}"
  d="${LAB_NODES_DIR}/${name}"
  p="${d}/cse"
  mkdir -p "${d}"/{etc,var}/{upper,work} "${d}"/{root,home,tmp} "${p}"
  chmod 0700 "${d}" "${d}/root" "${p}"
  [ "${role}" = master ] && mkdir -p "${d}/etcddisk"
  {
    printf 'NODE_NAME=%q\nNODE_IP=%q\nNODE_ROLE=%q\nNODE_INDEX=%q\n' "${name}" "${ip}" "${role}" "${index}"
    printf 'PREFIX_LEN=%q\nSTATE_DIR=%q\nOUTPUT_ROOT=%q\nADMIN_USER=%q\n' \
      "${LAB_PREFIX_LEN}" "${LAB_STATE}" "${LAB_OUTPUT_ROOT}" "${LAB_ADMIN_USER}"
    # Where every lab cluster of the checkout keeps its state: hidden from the node too.
    printf 'STATE_ROOTS=(%q %q)\n' "${LAB_REPO_ROOT}/.work/lab" "${LAB_CLUSTERS_DIR}"
  } >"${d}/node.env"
  hosts_file >"${d}/hosts"
  # The three host key types an AKS Engine node (Ubuntu) has; RSA 3072 is OpenSSH's default.
  local type keygen=() k
  for type in rsa ecdsa ed25519; do
    ssh-keygen -q -t "${type}" -N '' -C "root@${name}" -f "${d}/ssh_host_${type}_key" &
    keygen+=("$!")
  done
  for k in "${keygen[@]}"; do wait "${k}" || die "ssh-keygen failed for ${name}"; done
  cp "${LAB_STATE}/ssh/azureuser_rsa.pub" "${d}/authorized_keys"

  # The CSE payload: what ARM would hand this VM (parameters, certificates, scripts).
  local kubelet_server kubeconfig_server initial_cluster="" m master_node=""
  [ "${role}" != master ] || master_node=true
  if [ "${role}" = master ]; then
    kubelet_server="https://${ip}:443"
  else
    kubelet_server="https://$(api_server_ip "${masters}"):443"
  fi
  if [ "${LAB_PRIVATE}" = true ]; then
    kubeconfig_server="https://$(internal_lb_ip):443"
  else
    kubeconfig_server="https://${LAB_FQDN}"
  fi
  for ((m = 0; m < masters; m++)); do
    initial_cluster+="${initial_cluster:+,}$(master_name "${suffix}" "${m}")=https://$(master_ip "${m}"):2380"
  done
  {
    printf 'NODE_NAME=%q\nNODE_INDEX=%q\nPRIVATE_IP=%q\n' "${name}" "${index}" "${ip}"
    printf 'MASTER_NODE=%q\nADMINUSER=%q\nMASTER_FQDN=%q\n' \
      "${master_node}" "${LAB_ADMIN_USER}" "${LAB_DNS_PREFIX}"
    printf 'KUBELET_SERVER=%q\nKUBECONFIG_SERVER=%q\n' "${kubelet_server}" "${kubeconfig_server}"
    printf 'ETCD_INITIAL_CLUSTER=%q\nETCD_QUOTA_BYTES=%q\n' "${initial_cluster}" "$((2 * 1024 * 1024 * 1024))"
  } >"${p}/cse.env"
  local files=(ca.crt client.crt client.key) f
  if [ "${role}" = master ]; then
    files+=(ca.key apiserver.crt apiserver.key kubectlClient.crt kubectlClient.key etcdserver.crt
      etcdserver.key etcdclient.crt etcdclient.key "etcdpeer${index}.crt" "etcdpeer${index}.key")
    install -m 0644 "${LAB_DIR}/node/etcd.service" "${p}/etcd.service"
    install -m 0755 "${LAB_DIR}/node/generate-proxy-certs.sh" "${p}/generate-proxy-certs.sh"
  fi
  for f in "${files[@]}"; do cp -p "${LAB_PKI_DIR}/${f}" "${p}/${f}"; done
  install -m 0755 "${LAB_DIR}/node/cse.sh" "${p}/cse.sh"
}

# start_node I: launch node I in the background; returns once its namespaces exist and its eth0
# is attached to the bridge (systemd boots on its own after that).
start_node() {
  local i=$1 name d cg pid pid1="" host_net
  name="${NODE_NAMES[$i]}"
  d="${LAB_NODES_DIR}/${name}"
  cg="${LAB_CGROUP}/${name}"
  mkdir -p "${cg}"
  # The launcher joins its own cgroup, then becomes `unshare` (network, UTS, IPC, cgroup, mount
  # namespaces: the node's "hardware") running lab/node/boot.sh, which boots the node in a fresh
  # PID namespace (init.sh, then systemd as PID 1), again after each reboot, and records PID 1 in
  # pid1 (+ .start).
  rm -f "${d}/pid1" "${d}/pid1.start"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1/pid" && echo $$ >"$2/cgroup.procs" &&
    exec unshare --net --mount --uts --ipc --cgroup /bin/bash "$3" "$1"' \
    _ "${d}" "${cg}" "${LAB_DIR}/node/boot.sh" \
    </dev/null >"${d}/console.log" 2>&1 9>&- &
  host_net="$(readlink /proc/self/ns/net)"
  local tries
  for tries in $(seq 1 500); do
    pid="$(cat "${d}/pid" 2>/dev/null || true)"
    if [ -n "${pid}" ] && [ "$(readlink "/proc/${pid}/ns/net" 2>/dev/null)" != "${host_net}" ]; then
      pid1="$(cat "${d}/pid1" 2>/dev/null || true)"
      [ -n "${pid1}" ] && break
    fi
    sleep 0.02
  done
  [ -n "${pid1}" ] || die "node ${name} did not start (tries: ${tries}); see ${d}/console.log"
  proc_starttime "${pid}" >"${d}/pid.start"
  net_attach "$(veth_name "${NODE_ROLES[$i]}" "${NODE_INDEXES[$i]}")" "${pid}"
}

# node_pid1 NAME: the host PID of the node's PID 1.
node_pid1() { cat "${LAB_NODES_DIR}/$1/pid1"; }

# node_exec NAME CMD...: run CMD as root inside the node (like the Azure VM agent running an
# extension), with a clean environment; NODE_EXEC_TIMEOUT (seconds) bounds it.
node_exec() {
  local pid1 limit=()
  pid1="$(node_pid1 "$1")"
  shift
  [ -z "${NODE_EXEC_TIMEOUT:-}" ] || limit=(timeout "${NODE_EXEC_TIMEOUT}")
  "${limit[@]}" nsenter --target "${pid1}" --mount --uts --ipc --net --pid --cgroup --root \
    --wd=/ -- /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 "$@"
}

# wait_booted NAME: until systemd finished starting up (running or degraded).
wait_booted() {
  local state="" deadline=$((SECONDS + 120))
  while [ "${SECONDS}" -lt "${deadline}" ]; do
    # "offline" until systemd listens on its socket; then --wait blocks until boot finished.
    state="$(NODE_EXEC_TIMEOUT=90 node_exec "$1" systemctl is-system-running --wait 2>/dev/null || true)"
    case "${state}" in
      running | degraded) return 0 ;;
      offline | "") sleep 0.2 ;;
      *) break ;;
    esac
  done
  die "node $1 did not boot (systemd state: ${state:-none}); see ${LAB_NODES_DIR}/$1/console.log"
}

# pid_alive PIDFILE: the process recorded in PIDFILE (+ .start) still exists as the same process.
pid_alive() {
  local pid start
  pid="$(cat "$1" 2>/dev/null)" || return 1
  start="$(cat "$1.start" 2>/dev/null)" || return 1
  [ -n "${pid}" ] && [ "$(proc_starttime "${pid}" 2>/dev/null)" = "${start}" ]
}

# stop_node DIR: SIGKILL the node's launcher (boot.sh, so it boots nothing again) and its PID 1
# (the kernel then ends every process of its PID namespace), each only if it is still the
# process we started.
stop_node() {
  local d=$1 f
  for f in pid pid1; do
    if pid_alive "${d}/${f}"; then kill -KILL "$(cat "${d}/${f}")" 2>/dev/null || true; fi
  done
}
