#!/usr/bin/env bash
# shellcheck disable=SC2016 # the single-quoted scripts are expanded by the inner shells
# The lab's internal load balancer (first master IP + 10, port 443 -> the masters' 443), as
# AKS Engine creates one for multi-master clusters. The `ilb` program (lab/control-plane/ilb)
# runs in a network namespace of its own, attached to the lab bridge like a node; it exits by
# itself when its link goes away, and `stop` ends it by PID.
#   lab/control-plane/ilb.sh start BIN_DIR | stop
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/lib/common.sh
source "${here}/../lib/common.sh"
# shellcheck source=lab/lib/net.sh
source "${here}/../lib/net.sh"
# shellcheck source=lab/lib/nodes.sh
source "${here}/../lib/nodes.sh"

state="${LAB_STATE}/control-plane"
pidfile="${state}/ilb.pid"
veth="${LAB_PREFIX}-lb"

stop() {
  if pid_alive "${pidfile}"; then
    kill -KILL "$(cat "${pidfile}")" 2>/dev/null || true
    # --kill-child ends the proxy; its namespace and the veth pair go with it.
    local i
    for i in $(seq 1 100); do
      pid_alive "${pidfile}" || break
      sleep 0.05
    done
  fi
  rm -f "${pidfile}" "${pidfile}.start"
}

start() {
  local bin=$1 lb backends pid i
  lb="$(jq -r .internalLbIP "${LAB_INVENTORY}")"
  backends="$(jq -r '[.nodes[] | select(.role == "master") | .ip + ":443"] | join(",")' "${LAB_INVENTORY}")"
  if pid_alive "${pidfile}" && [ "$(cat "${state}/ilb.backends" 2>/dev/null)" = "${lb} ${backends}" ]; then
    return 0 # already running with this configuration
  fi
  stop
  mkdir -p "${state}"
  echo "${lb} ${backends}" >"${state}/ilb.backends"
  # The launcher records its PID and becomes `unshare`, whose child waits for eth0, configures
  # the frontend address (no default route: it only talks to the bridge) and becomes the proxy.
  setsid bash -c 'echo $$ >"$1" && exec unshare --net --fork --kill-child bash -c "$2" _ "$3" "$4" "$5" "$6"' _ \
    "${pidfile}" '
      for _ in $(seq 1 500); do ip link show eth0 >/dev/null 2>&1 && break; sleep 0.02; done
      ip link set lo up
      ip addr add "$2/$3" dev eth0
      ip link set eth0 up
      exec "$1/ilb" --listen "$2:443" --backends "$4" --exit-without eth0' \
    "${bin}" "${lb}" "${LAB_PREFIX_LEN}" "${backends}" </dev/null >"${state}/ilb.log" 2>&1 &
  for i in $(seq 1 250); do
    pid="$(cat "${pidfile}" 2>/dev/null || true)"
    [ -n "${pid}" ] && [ "$(readlink "/proc/${pid}/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.02
  done
  [ -n "${pid}" ] || die "internal LB did not start; see ${state}/ilb.log"
  proc_starttime "${pid}" >"${pidfile}.start"
  net_attach "${veth}" "${pid}"
  for i in $(seq 1 250); do
    if timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/443"' _ "${lb}" 2>/dev/null; then
      log "internal LB ${lb}:443 -> ${backends}"
      return 0
    fi
    sleep 0.02
  done
  die "internal LB ${lb}:443 does not answer (tries: ${i}); see ${state}/ilb.log"
}

case "${1:-}" in
  start)
    [ $# -eq 2 ] || die "usage: ilb.sh start BIN_DIR"
    start "$2"
    ;;
  stop) stop ;;
  *) die "usage: ilb.sh start BIN_DIR | stop" ;;
esac
