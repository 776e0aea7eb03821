#!/usr/bin/env bash
# `npm run bench:scale`: is the rotation's time flat in the node count? One run that benchmarks
# two lab shapes one after the other on the same machine in the same hour (3 masters + 2 agents,
# then 3 masters + 20 agents, program defaults) with tools/bench.sh, and reports
# T(3+20) / T(3+2), each shape's wall time over its critical path and the no-change up of the
# large shape. Ratios within one run are what to compare: these machines are noisy.
#
# usage: npm run bench:scale [-- --agents N (the large shape's agents, default 20)]
set -euo pipefail
cd "$(dirname "$0")/.."

large=20
case "${1:-}" in
  --agents)
    [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench:scale: --agents needs a positive number" >&2; exit 2; }
    large=$2 ;;
  "") ;;
  *) echo "bench:scale: unknown argument '$1' (usage: --agents N)" >&2 && exit 2 ;;
esac

# One shape's bench (one rotation); prints the path of the JSON bench.sh wrote.
bench_shape() {
  local log=".work/bench/scale-$1.log"
  LAB_UP_ARGS="--agents $1" bash tools/bench.sh --runs 1 >"$log" 2>&1 ||
    { tail -30 "$log" >&2; echo "bench:scale: the $1-agent bench failed (log $log)" >&2; return 1; }
  grep -o '^written to .*' "$log" | tail -1 | cut -d' ' -f3
}

mkdir -p .work/bench
small=$(bench_shape 2)
echo "3 masters + 2 agents: $(jq -c '{rotation: .rotationSeconds[0], critical: .criticalPathSeconds[0], noChange: .noChangeUpSeconds}' "$small")"
big=$(bench_shape "$large")
echo "3 masters + $large agents: $(jq -c '{rotation: .rotationSeconds[0], critical: .criticalPathSeconds[0], noChange: .noChangeUpSeconds}' "$big")"

# Each shape's timeline (bench.sh draws one per shape next to its JSON).
timeline_of() { jq -r '.timeline | sub("\\.svg$"; ".json")' "$1"; }

out=".work/bench/scale-$(date -u +%Y%m%dT%H%M%SZ).json"
jq -n --slurpfile s "$small" --slurpfile b "$big" --argjson agents "$large" \
  --slurpfile ts "$(timeline_of "$small")" --slurpfile tb "$(timeline_of "$big")" '
  # Where the extra time goes: the critical path per phase in each shape, and how much slower
  # the master steps both shapes run (the same work) were in the large one: a slowdown well
  # above 1 is the machine shared by more nodes, not work the program adds per node.
  def crit_phases($t): [$t.steps[] | select(.critical)] | group_by(.phase)
    | map({key: .[0].phase, value: (map(.end - .start) | add)}) | from_entries;
  def master_secs($t): [$t.steps[] | select(.row | startswith("k8s-master"))
    | {key: .name, value: (.end - .start)}] | from_entries;
  def slowdown($a; $b): ([$a | keys[] | select($b[.] != null)]) as $common
    | (([$common[] | $b[.]] | add) / ([$common[] | $a[.]] | add) * 100 | round / 100);
  def wall($x): $x.rotationSeconds[0];
  def crit($x): $x.criticalPathSeconds[0];
  {small: $s[0], large: $b[0], largeAgents: $agents}
  | .ratio = (wall($b[0]) / wall($s[0]) * 100 | round / 100)
  | .wallToCriticalPath = {small: $s[0].wallToCriticalPath[0], large: $b[0].wallToCriticalPath[0]}
  | .criticalPathByPhase = {small: crit_phases($ts[0]), large: crit_phases($tb[0])}
  | .masterStepSlowdown = slowdown(master_secs($ts[0]); master_secs($tb[0]))
  | .checks = {
      "T(large)/T(small) <= 1.3": (.ratio <= 1.3),
      "T(small) <= 264 s (before bounded parallelism)": (wall($s[0]) <= 264),
      "wall <= 1.3 x critical path, small": (wall($s[0]) <= 1.3 * crit($s[0])),
      "wall <= 1.3 x critical path, large": (wall($b[0]) <= 1.3 * crit($b[0])),
      "no-change up of the large shape < 20 s": ($b[0].noChangeUpSeconds < 20)
    }' | tee "$out"
echo "written to $out"
