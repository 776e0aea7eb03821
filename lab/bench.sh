#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Measures the lab: wall time of `up` and `down`, memory of every lab process (PSS, so shared
# pages are split fairly between the nodes and the host), and disk. Prints one line per run and
# the medians.   lab/bench.sh RUNS [up options...]   e.g. lab/bench.sh 3 --agents 20
# Set LAB_SKIP_CONTROL_PLANE=1 to measure the nodes+etcd part alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "${here}/lib/common.sh"

runs="${1:?usage: lab/bench.sh RUNS [up options...]}"
shift

# lab_pss_kib: PSS summed over the processes in the lab's cgroups and the nodes' launchers.
lab_pss_kib() {
  local pids pid total=0 kib
  pids="$( (find "${LAB_CGROUP}" -name cgroup.procs -exec cat {} + 2>/dev/null; cat "${LAB_NODES_DIR}"/*/pid 2>/dev/null) | sort -u)"
  for pid in ${pids}; do
    kib="$(awk '/^Pss:/ {print $2}' "/proc/${pid}/smaps_rollup" 2>/dev/null || echo 0)"
    total=$((total + ${kib:-0}))
  done
  echo "${total}"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bash "${here}/lab.sh" down >/dev/null 2>&1
ups=() downs=() psss=()
for ((r = 1; r <= runs; r++)); do
  t0=$(date +%s.%N)
  bash "${here}/lab.sh" up "$@" >/dev/null 2>"${LAB_STATE%/*}/bench-up.log" ||
    { cat "${LAB_STATE%/*}/bench-up.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  sleep 2
  pss=$(($(lab_pss_kib) / 1024))
  procs="$(find "${LAB_CGROUP}" -name cgroup.procs -exec cat {} + | wc -l)"
  disk="$(du -sm "${LAB_STATE}" | cut -f1)"
  t2=$(date +%s.%N)
  bash "${here}/lab.sh" down >/dev/null 2>&1
  t3=$(date +%s.%N)
  up="$(awk -v a="${t0}" -v b="${t1}" 'BEGIN {print b - a}')"
  down="$(awk -v a="${t2}" -v b="${t3}" 'BEGIN {print b - a}')"
  printf 'run %d: up %.1f s, down %.1f s, PSS %d MiB (%d processes), disk %d MiB\n' \
    "${r}" "${up}" "${down}" "${pss}" "${procs}" "${disk}"
  ups+=("${up}") downs+=("${down}") psss+=("${pss}")
done
printf 'median of %d (up %s): up %.1f s, down %.1f s, PSS %s MiB\n' "${runs}" "$*" \
  "$(printf '%s\n' "${ups[@]}" | median)" "$(printf '%s\n' "${downs[@]}" | median)" \
  "$(printf '%s\n' "${psss[@]}" | median)"
