#!/usr/bin/env bash
# The "hypervisor" of a lab node. Runs in the node's network, UTS, IPC, cgroup and mount
# namespaces, which outlive a reboot as a VM's NIC and disk do, and boots the node in a fresh PID
# and mount namespace: lab/node/init.sh, then systemd as PID 1. A reboot inside the node
# (`systemctl reboot`: reboot(2) in a PID namespace ends its PID 1 with SIGHUP, the convention
# systemd-nspawn relies on too) boots it again from the same disk (the node folder); any other end
# (poweroff: SIGINT, `lab down`: SIGKILL) ends the node. The host PID of each boot's PID 1 goes
# to <node dir>/pid1 (+ .start), where node_exec and `down` read it.
#
# usage: boot.sh <node dir>
set -euo pipefail

node_dir=$1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086 # split the fields
  set -- ${stat}
  printf '%s' "${20}"
}

boots=0
while :; do
  boots=$((boots + 1))
  unshare --pid --mount --fork --kill-child --mount-proc /bin/bash "${here}/init.sh" "${node_dir}" &
  launcher=$!
  pid1=""
  for _ in $(seq 1 500); do
    pid1="$(awk '{print $1}' "/proc/${launcher}/task/${launcher}/children" 2>/dev/null || true)"
    [ -n "${pid1}" ] && break
    sleep 0.02
  done
  if [ -n "${pid1}" ]; then
    # .start first: a reader that sees the new pid1 also sees its start time.
    starttime "${pid1}" >"${node_dir}/pid1.start.tmp" || true
    echo "${pid1}" >"${node_dir}/pid1.tmp"
    mv -f "${node_dir}/pid1.start.tmp" "${node_dir}/pid1.start"
    mv -f "${node_dir}/pid1.tmp" "${node_dir}/pid1"
  fi
  rc=0
  wait "${launcher}" || rc=$?
  # 128 + SIGHUP: the node rebooted itself. Anything else ends it.
  [ "${rc}" -eq 129 ] || exit "${rc}"
  echo "boot.sh: $(date -u +%FT%TZ) node rebooted (boot ${boots}); booting again"
done
