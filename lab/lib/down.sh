#!/usr/bin/env bash
# `lab down`: end every process, remove every cgroup, link and file the lab made, and nothing
# else. It works from what is on disk and from the lab's own prefixes, so it also cleans up
# after an `up` that failed half way. Mounts live only in the nodes' own mount namespaces and
# vanish with their processes.

lab_down() {
  local d pid tries
  require_own_lab
  if [ -f "${LAB_DIR}/control-plane/down.sh" ] && [ -f "${LAB_INVENTORY}" ]; then
    LAB_STATE="${LAB_STATE}" LAB_INVENTORY="${LAB_INVENTORY}" LAB_ENV_FILE="${LAB_ENV_FILE}" \
      LAB_SSH="${LAB_DIR}/ssh.sh" bash "${LAB_DIR}/control-plane/down.sh" 9>&- ||
      log "control-plane/down.sh failed; removing the nodes anyway"
  fi
  if [ -d "${LAB_NODES_DIR}" ]; then
    for d in "${LAB_NODES_DIR}"/*/; do
      [ -d "${d}" ] && stop_node "${d%/}"
    done
  fi
  # Anything still inside the lab's cgroups is the lab's (a launcher that died before it
  # recorded its PID): end it too.
  for tries in $(seq 1 100); do
    local left=0
    if [ -d "${LAB_CGROUP}" ]; then
      while read -r pid; do
        left=1
        kill -KILL "${pid}" 2>/dev/null || true
      done < <(find "${LAB_CGROUP}" -name cgroup.procs -exec cat {} + 2>/dev/null)
      find "${LAB_CGROUP}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    fi
    [ "${left}" = 0 ] && [ ! -d "${LAB_CGROUP}" ] && break
    sleep 0.1
  done
  [ ! -d "${LAB_CGROUP}" ] || die "cannot remove ${LAB_CGROUP} (after ${tries} tries)"
  # The node processes are gone; their unshare parents too (they exit with their child).
  if [ -d "${LAB_NODES_DIR}" ]; then
    for d in "${LAB_NODES_DIR}"/*/; do
      [ -d "${d}" ] || continue
      for tries in $(seq 1 50); do
        pid_alive "${d}pid" || pid_alive "${d}pid1" || break
        sleep 0.1
      done
    done
  fi
  net_down
  rm -rf "${LAB_STATE}" "${LAB_OUTPUT_DIR}"
  release_lab
}
