#!/usr/bin/env bash
# shellcheck disable=SC2016 # the single-quoted scripts are expanded by the node's shell
# Helpers of lab/control-plane/up.sh: installing the control plane into one node, and the
# checks up.sh waits on. Sourced after lab/lib/common.sh, lab/lib/nodes.sh and flags.sh.

CP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Where the lab keeps the Kubernetes binaries inside a node. AKS Engine has them in its VHD and
# container images; a lab node shares the host's /usr, so they go to the node's own /var.
NODE_BIN=/var/lib/aks-lab/bin
CLUSTER_CIDR=10.244.0.0/16

# node_field NAME FIELD: one field of a node in the inventory.
node_field() {
  jq -r --arg n "$1" --arg f "$2" '.nodes[] | select(.name == $n) | .[$f]' "${LAB_INVENTORY}"
}

# node_pool NAME: the agent's pool (a lab from before pools were recorded: linuxpool).
node_pool() {
  jq -r --arg n "$1" --arg p "${LAB_AGENT_POOL}" \
    '.nodes[] | select(.name == $n) | (.pool // $p) | if . == "" then $p else . end' "${LAB_INVENTORY}"
}

# put_file NODE PATH MODE < CONTENT: write PATH in NODE if its content differs; prints PATH if
# it changed.
put_file() {
  local node=$1 path=$2 mode=$3 content old
  content="$(cat)"
  old="$(node_exec "${node}" cat "${path}" 2>/dev/null || true)"
  [ "${old}" = "${content}" ] && return 0
  printf '%s\n' "${content}" | node_exec "${node}" sh -c \
    'mkdir -p "$(dirname "$1")" && cat >"$1.tmp" && chmod "$2" "$1.tmp" && mv -f "$1.tmp" "$1"' _ "${path}" "${mode}"
  printf '%s\n' "${path}"
}

# put_binaries NODE BIN NAME...: copy the binaries unless the node has this build already.
put_binaries() {
  local node=$1 bin=$2 stamp b
  shift 2
  stamp="$(cat "${bin}/.stamp-kubernetes" "${bin}/.stamp-lab" | sha256sum | cut -d' ' -f1)"
  if [ "$(node_exec "${node}" cat "${NODE_BIN}/.stamp" 2>/dev/null || true)" = "${stamp}" ]; then
    return 0
  fi
  node_exec "${node}" mkdir -p "${NODE_BIN}"
  for b in "$@"; do
    node_exec "${node}" sh -c 'cat >"$1.tmp" && chmod 0755 "$1.tmp" && mv -f "$1.tmp" "$1"' _ \
      "${NODE_BIN}/${b}" <"${bin}/${b}"
  done
  echo "${stamp}" | node_exec "${node}" sh -c 'cat >"$1"' _ "${NODE_BIN}/.stamp"
  echo binaries
}

# install_node NAME BIN VERSION DNS_PREFIX GRACE: files, units, and (re)start of the units.
install_node() {
  local node=$1 bin=$2 version=$3 dns_prefix=$4 grace=$5 role ip units changed
  role="$(node_field "${node}" role)"
  ip="$(node_field "${node}" ip)"
  units=(kubelet)
  local binaries=(standin-kubelet)
  if [ "${role}" = master ]; then
    units=(kube-apiserver kube-controller-manager kube-scheduler kubelet)
    binaries+=(kube-apiserver kube-controller-manager kube-scheduler)
  fi
  changed="$(
    set -e
    put_binaries "${node}" "${bin}" "${binaries[@]}"
    kubelet_env "${node}" "${ip}" "${role}" "$(node_pool "${node}")" "${version}" |
      put_file "${node}" /etc/default/kubelet 0644
    if [ "${role}" = master ]; then
      apiserver_env "${ip}" "${LAB_SERVICE_CIDR}" | put_file "${node}" /etc/kubernetes/kube-apiserver.env 0644
      controller_manager_env "${dns_prefix}" "${CLUSTER_CIDR}" "${grace}" |
        put_file "${node}" /etc/kubernetes/kube-controller-manager.env 0644
      scheduler_env | put_file "${node}" /etc/kubernetes/kube-scheduler.env 0644
      put_file "${node}" /etc/kubernetes/addons/audit-policy.yaml 0644 <"${CP_DIR}/audit-policy.yaml"
    fi
    local u
    for u in "${units[@]}"; do
      put_file "${node}" "/etc/systemd/system/${u}.service" 0644 <"${CP_DIR}/units/${u}.service"
    done
  )"
  node_exec "${node}" systemctl daemon-reload
  node_exec "${node}" systemctl enable --quiet "${units[@]/%/.service}"
  if [ -n "${changed}" ]; then
    node_exec "${node}" systemctl restart "${units[@]/%/.service}"
  else
    node_exec "${node}" systemctl start "${units[@]/%/.service}"
  fi
}

# The operator's admin kubeconfig that `lab up` wrote into _output/.
admin_kubeconfig() {
  local out location
  out="$(jq -r .outputDir "${LAB_INVENTORY}")"
  location="$(jq -r .location "${LAB_INVENTORY}")"
  printf '%s/kubeconfig/kubeconfig.%s.json' "${out}" "${location}"
}

# wait_for SECONDS WHAT CMD...: run CMD every second until it succeeds; die with its last
# output after SECONDS.
wait_for() {
  local limit=$1 what=$2 deadline out
  shift 2
  deadline=$((SECONDS + limit))
  until out="$("$@" 2>&1)"; do
    [ "${SECONDS}" -lt "${deadline}" ] || die "control plane: timed out after ${limit} s waiting for ${what}: ${out}"
    sleep 1
  done
}

# nodes_ready KUBECTL... COUNT: exactly COUNT nodes, all Ready.
nodes_ready() {
  local want="${*: -1}" ready
  ready="$("${@:1:$#-1}" get nodes -o json |
    jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length')"
  [ "${ready}" = "${want}" ] || {
    echo "${ready} of ${want} nodes Ready"
    return 1
  }
}

token_filled() {
  "$@" -n lab-workloads get secret probe-token -o jsonpath='{.data.token}' | grep -q .
}

# pods_ready KUBECTL... NAMESPACE: at least one pod, and every pod Running and Ready.
pods_ready() {
  local ns="${*: -1}"
  "${@:1:$#-1}" -n "${ns}" get pods -o json | jq -e '(.items | length) > 0 and all(.items[];
    .status.phase == "Running" and any(.status.conditions[]?; .type == "Ready" and .status == "True"))' >/dev/null
}
