#!/usr/bin/env bash
# Restarts kube-apiserver, kube-controller-manager and kube-scheduler (and kube-addon-manager
# where present) so they load the new certificates. Handles both shapes:
#  - systemd units (the lab's masters): `systemctl restart`;
#  - static pods (real AKS Engine masters, /etc/kubernetes/manifests/<name>.yaml): the manifest is
#    moved out until the kubelet has stopped the container, then moved back, which is the only
#    way to make the kubelet recreate a static pod (a kubelet restart keeps it running).
# Each component is skipped when it already runs since the current files, recorded in the state
# dir, so a second run changes nothing.
#
# usage: restart-control-plane.sh [timeout seconds per static pod, default 180]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

timeout=${1:-180}
require_root
readonly MANIFESTS=/etc/kubernetes/manifests PARKED=$ROTATE_DIR/parked-manifests

mapfile -t files < <(find "$CERTS_DIR" -maxdepth 1 -type f | sort)
digest=$(files_digest "${files[@]}" "$NODE_KUBECONFIG")

runtime_ps() {
  if command -v crictl >/dev/null; then
    crictl ps -q --state running --name "^$1\$" 2>/dev/null
  elif command -v docker >/dev/null; then
    docker ps -q --filter "name=k8s_$1_" 2>/dev/null
  else
    die "no crictl or docker to watch static pod $1"
  fi
}
container_gone() { [ -z "$(runtime_ps "$1")" ]; }
container_running() { [ -n "$(runtime_ps "$1")" ]; }

restart_static_pod() {
  local name=$1 state=$STATE_DIR/restart-$1
  if [ "$(cut -d' ' -f1 "$state" 2>/dev/null)" = "$digest" ] && [ -f "$MANIFESTS/$name.yaml" ] &&
    container_running "$name"; then
    log "$name already restarted for these files; nothing to do"
    return 0
  fi
  mkdir -p "$PARKED" "$STATE_DIR"
  # A manifest parked by an interrupted run is the one to restore.
  [ -f "$PARKED/$name.yaml" ] || mv "$MANIFESTS/$name.yaml" "$PARKED/$name.yaml"
  poll "$timeout" 2 container_gone "$name" || die "kubelet did not stop static pod $name in ${timeout}s"
  mv "$PARKED/$name.yaml" "$MANIFESTS/$name.yaml"
  poll "$timeout" 2 container_running "$name" || die "kubelet did not start static pod $name in ${timeout}s"
  printf '%s %s\n' "$digest" "$(date +%s)" >"$state"
  log "restarted static pod $name"
}

found=0
for c in kube-apiserver kube-controller-manager kube-scheduler kube-addon-manager; do
  if has_systemd_unit "$c"; then
    restart_unit_for "$c" "$digest"
    found=$((found + 1))
  elif [ -f "$MANIFESTS/$c.yaml" ] || [ -f "$PARKED/$c.yaml" ]; then
    restart_static_pod "$c"
    found=$((found + 1))
  elif [ "$c" != kube-addon-manager ]; then
    die "$c is neither a systemd unit nor a static pod in $MANIFESTS on this node"
  fi
done
log "$found control-plane components current"
