#!/usr/bin/env bash
# `pulumi up` with a timeline: runs `pulumi up --json <arguments>` (the pulumi on PATH, its
# environment sourced by the caller), keeps the engine's events filtered by keep.jq (nothing that
# holds a key reaches the disk) as <out>.events.jsonl, prints the console lines made from them
# (progress.jq), then, from those events and `pulumi stack export` of the same stack, writes the
# timeline <out>.json and its Gantt chart <out>.svg and prints the critical path and the ratio of
# the wall time (of `pulumi up` alone, measured here) to it; also kept as <out>.txt. A failed
# `pulumi up` gets its timeline too (up to the failure), and its exit status is this script's.
#
# usage: bash tools/timeline/up.sh <out> [pulumi up arguments…]    TIMELINE_TITLE: the chart's title
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -ge 1 ] || { echo "usage: up.sh <out> [pulumi up arguments…]" >&2; exit 2; }
out=$1
shift
mkdir -p "$(dirname "$out")"

# The stack the arguments name, for the export (none: the selected one).
stack_args=()
args=("$@")
for i in "${!args[@]}"; do
  case "${args[i]}" in
    --stack | -s) stack_args=(--stack "${args[i + 1]:-}") ;;
    --stack=*) stack_args=(--stack "${args[i]#--stack=}") ;;
  esac
done

start=$(date +%s.%N)
status=0
pulumi up --json "$@" | jq -c --unbuffered -f "$root/tools/timeline/keep.jq" |
  tee "$out.events.jsonl" | jq -r --unbuffered -f "$root/tools/timeline/progress.jq" || status=$?
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

pulumi stack export "${stack_args[@]}" |
  "$root/node_modules/.bin/tsx" "$root/tools/timeline/main.ts" --events "$out.events.jsonl" --state - \
    --out "$out" --wall "$wall" --title "${TIMELINE_TITLE:-pulumi up}" | tee "$out.txt" ||
  echo "up.sh: no timeline (see above)" >&2
exit "$status"
