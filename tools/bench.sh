#!/usr/bin/env bash
# `npm run bench`: the rotation's wall times on the lab, measured the way an operator runs it.
# Brings up a fresh lab (it owns the lab for the run and takes it down at the end), then on a
# stack of its own (config from Pulumi.dev.yaml): N full rotations (each a new rotation id, so
# every certificate, the CA included, is new and every step runs), a no-change `pulumi up` and
# a `pulumi preview` after the last. Prints each time, the median of the rotations, and writes
# them as JSON under .work/bench/. Times are wall seconds of one machine in one run: compare
# ratios within a run, not absolute figures across machines.
# Each rotation runs through tools/timeline/up.sh: its timeline from the engine's events (every
# step's start and end per node), the critical path through the stack's dependency graph and the
# ratio of the wall time to it are printed and written to .work/bench/timeline-<shape>.json and
# .svg (shape: 3m2a for 3 masters, 2 agents; the last rotation's; each rotation's as
# timeline-<shape>-<n>.*).
#
# usage: npm run bench -- [--runs N (default 3)] [--keep-lab]
#   LAB_UP_ARGS="--agents 20" npm run bench   # another lab shape (default 3 masters, 2 agents)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3 keep_lab=false
while [ $# -gt 0 ]; do
  case "$1" in
    --runs)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs needs a positive number" >&2; exit 2; }
      runs=$2
      shift 2
      ;;
    --keep-lab) keep_lab=true && shift ;;
    *) echo "bench: unknown argument '$1' (usage: --runs N, --keep-lab)" >&2 && exit 2 ;;
  esac
done

stack=bench
step() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

npm run --silent setup
# The bench stack rotates the lab: the lab's passphrase.
# shellcheck source-path=SCRIPTDIR source=pulumi/lab-env.sh
source tools/pulumi/lab-env.sh

remove_stack() {
  pulumi stack rm "$stack" --yes --force --non-interactive >/dev/null 2>&1 || true
  rm -f "Pulumi.${stack}.yaml"
}
finish() {
  remove_stack
  if [ "$keep_lab" = false ]; then npm run --silent lab -- down >/dev/null || true; fi
}
trap finish EXIT

step "fresh lab"
read -r -a lab_args <<<"${LAB_UP_ARGS:-}"
npm run --silent lab -- down >/dev/null
t=$(now)
npm run --silent lab -- up "${lab_args[@]}" >/dev/null
lab_up=$(since "$t")
echo "lab up: ${lab_up} s"
# The lab's shape, e.g. 3m2a (the apimodel the lab wrote for the dev stack).
shape=$(jq -r '"\(.properties.masterProfile.count)m\([.properties.agentPoolProfiles[].count] | add)a"' \
  _output/aks-lab/apimodel.json)

# The lab stack's committed config, under a stack the benchmark owns (never the operator's dev).
remove_stack
cp Pulumi.dev.yaml "Pulumi.${stack}.yaml"
pulumi stack init "$stack" --no-select --non-interactive >/dev/null

mkdir -p .work/bench
rotations=() critical=()
for i in $(seq 1 "$runs"); do
  step "rotation $i of $runs"
  pulumi config set --stack "$stack" rotationId "bench-$i-$(date +%s)"
  tl=".work/bench/timeline-${shape}-$i"
  t=$(now)
  TIMELINE_TITLE="bench rotation $i of $runs, $shape" bash tools/timeline/up.sh "$tl" \
    --yes --skip-preview --non-interactive --stack "$stack" >".work/bench/up-$i.log" 2>&1 ||
    { tail -40 ".work/bench/up-$i.log" >&2; echo "bench: rotation $i failed (log .work/bench/up-$i.log; timeline, if any: $tl.svg)" >&2; exit 1; }
  # The wall time of `pulumi up` alone, as up.sh measured it (not the timeline's drawing); the
  # whole step's without a timeline.
  rotations+=("$(jq -e .wallSeconds "$tl.json" 2>/dev/null || since "$t")")
  critical+=("$(jq -e .criticalPath.seconds "$tl.json" 2>/dev/null || echo null)")
  echo "rotation $i: ${rotations[-1]} s"
  grep -v '^written: ' "$tl.txt" || echo "bench: no timeline for rotation $i (log .work/bench/up-$i.log)"
done
for ext in json svg; do cp ".work/bench/timeline-${shape}-${runs}.${ext}" ".work/bench/timeline-${shape}.${ext}" || true; done
echo "timeline (rotation $runs): .work/bench/timeline-${shape}.svg, .json"

step "no-change up and preview"
t=$(now)
pulumi up --yes --skip-preview --non-interactive --expect-no-changes --stack "$stack" >/dev/null
nochange=$(since "$t")
t=$(now)
pulumi preview --non-interactive --expect-no-changes --stack "$stack" >/dev/null
preview=$(since "$t")

median=$(printf '%s\n' "${rotations[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
out=".work/bench/rotation-$(date -u +%Y%m%dT%H%M%SZ).json"
jq -n --arg lab "${LAB_UP_ARGS:-3 masters, 2 agents}" --argjson labUp "$lab_up" \
  --argjson rotations "[$(IFS=,; echo "${rotations[*]}")]" --argjson median "$median" \
  --argjson critical "[$(IFS=,; echo "${critical[*]}")]" --arg shape "$shape" \
  --argjson noChange "$nochange" --argjson preview "$preview" --arg host "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" \
  '{lab: $lab, shape: $shape, host: $host, labUpSeconds: $labUp, rotationSeconds: $rotations,
    medianRotationSeconds: $median, criticalPathSeconds: $critical,
    wallToCriticalPath: [range($rotations | length) as $i
      | if $critical[$i] > 0 then ($rotations[$i] / $critical[$i] * 100 | round / 100) else null end],
    timeline: ".work/bench/timeline-\($shape).svg",
    noChangeUpSeconds: $noChange, previewSeconds: $preview,
    noChangeToRotation: ($noChange / $median * 1000 | round / 1000)}' | tee "$out"
echo "written to $out"
