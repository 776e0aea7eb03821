#!/usr/bin/env bash
# The host check `lab up` runs before it creates anything: every prerequisite the lab relies on,
# each missing one reported as one line with its fix, all of them at once. Also who owns the lab
# on this machine: the lab's bridge, address range and cgroup are machine-wide, so a second
# checkout must be refused, not allowed to rebuild (and break) the first one's bridge.
#
# HOSTCHECK_PROC (default /proc) lets a test point the kernel and memory reads at a prepared
# folder; nothing else is overridable.

# Who runs the lab on this machine: the checkout folder, written by `up`, removed by `down`.
LAB_OWNER_FILE="/run/aks-rotate-certs-lab/owner"

# lab_processes: how many processes live in the cgroups of every lab cluster (any checkout's).
lab_processes() {
  local cgroups=()
  mapfile -t cgroups < <(find "${LAB_CGROUP_ROOT}" -mindepth 1 -maxdepth 1 -type d -name "${LAB_PREFIX_ALL}*" 2>/dev/null)
  [ "${#cgroups[@]}" -gt 0 ] || {
    echo 0
    return
  }
  find "${cgroups[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null | wc -l
}

# other_owner: the folder of another checkout whose lab is running here, if any.
other_owner() {
  local owner=""
  owner="$(cat "${LAB_OWNER_FILE}" 2>/dev/null || true)"
  [ "$(lab_processes)" -gt 0 ] || return 0
  if [ -z "${owner}" ]; then
    echo "an unknown folder"
  elif [ "${owner}" != "${LAB_REPO_ROOT}" ]; then
    echo "${owner}"
  fi
}

claim_lab() {
  mkdir -p "${LAB_OWNER_FILE%/*}"
  printf '%s\n' "${LAB_REPO_ROOT}" >"${LAB_OWNER_FILE}"
}
# release_lab: once no cluster of the lab is left (another of this checkout may still run).
release_lab() {
  [ "$(lab_processes)" -eq 0 ] || return 0
  [ "$(cat "${LAB_OWNER_FILE}" 2>/dev/null || true)" != "${LAB_REPO_ROOT}" ] || rm -f "${LAB_OWNER_FILE}"
}

# require_own_lab: stop unless the lab on this machine (if any) is this checkout's.
require_own_lab() {
  local other
  other="$(other_owner)"
  [ -z "${other}" ] || die "another lab is running on this machine, from ${other} ($(lab_processes) processes in ${LAB_CGROUP}); only one lab fits a machine (bridge ${LAB_BRIDGE}, ${LAB_BRIDGE_IP%.*.*}.0.0/16): run 'npm run lab -- down' in ${other} first"
}

# Memory and disk a lab of this shape needs (measured: 3+2 with control plane ~1.5 GiB, 0.45 GB
# disk; an agent adds ~40 MiB and ~10 MB), with room to spare.
need_mem_mib() { echo $(($1 * 600 + $2 * 60 + 512)); }
need_disk_mib() { echo $(($1 * 200 + $2 * 40 + 500)); }

# host_problems MASTERS AGENTS: one line per missing prerequisite, each with its fix.
host_problems() {
  local masters=$1 agents=$2 proc="${HOSTCHECK_PROC:-/proc}" cmd ns
  [ "$(id -u)" = 0 ] || echo "not root: the lab needs root (namespaces, mounts, cgroups); run it as root"
  for cmd in unshare nsenter ip openssl ssh-keygen ssh etcdctl jq setsid flock; do
    command -v "${cmd}" >/dev/null || echo "missing command ${cmd}: run 'bash tools/prereqs.sh' (installs the lab's Debian packages)"
  done
  for cmd in /usr/sbin/sshd /usr/bin/etcd /lib/systemd/systemd /usr/bin/sudo; do
    [ -x "${cmd}" ] || echo "missing ${cmd}: run 'bash tools/prereqs.sh' (installs the lab's Debian packages)"
  done
  for ns in net mnt pid cgroup uts ipc; do
    [ -e "${proc}/self/ns/${ns}" ] ||
      echo "the kernel has no ${ns} namespaces (${proc}/self/ns/${ns} missing): the lab needs a kernel with CONFIG_${ns^^}_NS"
  done
  grep -qw overlay "${proc}/filesystems" 2>/dev/null ||
    echo "the kernel has no overlayfs (not in ${proc}/filesystems): load it with 'modprobe overlay'"
  grep -qw cgroup2 "${proc}/filesystems" 2>/dev/null ||
    echo "the kernel has no cgroup v2 (not in ${proc}/filesystems): the lab needs a kernel with cgroup2"
  grep -qs "^cgroup2 ${LAB_CGROUP_ROOT} " "${proc}/mounts" ||
    echo "no cgroup2 hierarchy at ${LAB_CGROUP_ROOT}: mount one ('mkdir -p ${LAB_CGROUP_ROOT} && mount -t cgroup2 none ${LAB_CGROUP_ROOT}')"
  local avail need
  avail="$(awk '/^MemAvailable:/ {print int($2 / 1024)}' "${proc}/meminfo" 2>/dev/null || echo 0)"
  need="$(need_mem_mib "${masters}" "${agents}")"
  [ "${avail:-0}" -ge "${need}" ] ||
    echo "not enough free memory: ${avail} MiB available, a lab of ${masters} masters and ${agents} agents needs ${need} MiB; free memory or use fewer nodes (--masters 1, --agents N)"
  mkdir -p "${LAB_STATE%/*}"
  avail="$(df -Pm "${LAB_STATE%/*}" | awk 'NR == 2 {print $4}')"
  need="$(need_disk_mib "${masters}" "${agents}")"
  [ "${avail:-0}" -ge "${need}" ] ||
    echo "not enough free disk under ${LAB_STATE%/*}: ${avail} MiB free, the lab needs ${need} MiB; free space there"
  local used
  used="$(ip -o -4 addr show 2>/dev/null | awk -v br="${LAB_BRIDGE}" -v net="${LAB_VNET_BASE}." \
    '$2 != br && index($4, net) == 1 {print $2 " " $4}' | head -n 1)"
  [ -z "${used}" ] ||
    echo "the lab's address range ${LAB_VNET} is in use on this host (${used}); remove that address, choose another --vnet or run the lab on another machine"
  # Two dnsPrefixes whose host tag (lib/common.sh) collides would share a bridge.
  used="$(ip -o -4 addr show dev "${LAB_BRIDGE}" 2>/dev/null | awk -v net="${LAB_VNET_BASE}." 'index($4, net) != 1 {print $4}' | head -n 1)"
  [ -z "${used}" ] ||
    echo "the bridge ${LAB_BRIDGE} belongs to another lab cluster (${used}); choose another --name"
  local other
  other="$(other_owner)"
  [ -z "${other}" ] ||
    echo "another lab is running on this machine, from ${other}: run 'npm run lab -- down' there first (one lab per machine)"
}

# host_check MASTERS AGENTS: print every problem, then stop if there was one.
host_check() {
  local problems
  problems="$(host_problems "$@")"
  [ -n "${problems}" ] || return 0
  printf 'lab: host check failed, nothing was created:\n' >&2
  local line
  while read -r line; do printf '  - %s\n' "${line}"; done <<<"${problems}" >&2
  exit 1
}
