#!/usr/bin/env bash
# `npm run bench:preview`: how long `pulumi preview` takes for a big cluster, without a lab. It
# writes a synthetic `_output/<dnsPrefix>/` folder (the lab's apimodel with N agents, a throwaway
# SSH key) under .work/bench/, previews it on a stack of its own three times, and prints the
# median and the steps planned per agent, beside the same for 2 agents: a preview must plan the
# same per-node steps at any size, and take seconds, not minutes. Nothing is contacted.
#
# usage: npm run bench:preview -- [--agents N (default 100)] [--runs N (default 3)]
set -euo pipefail
cd "$(dirname "$0")/.."

agents=100 runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --agents | --runs)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench-preview: $1 needs a positive number" >&2; exit 2; }
      declare "${1#--}=$2"
      shift 2
      ;;
    *) echo "bench-preview: unknown argument '$1' (usage: --agents N, --runs N)" >&2 && exit 2 ;;
  esac
done

npm run --silent setup
# shellcheck source-path=SCRIPTDIR source=pulumi/env.sh
source tools/pulumi/env.sh
# A throwaway stack of synthetic keys: a passphrase of its own, never the lab's.
PULUMI_CONFIG_PASSPHRASE="bench-preview-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export PULUMI_CONFIG_PASSPHRASE
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The synthetic output folder of a 3-master cluster with $1 agents.
output_dir() {
  local dir=".work/bench/preview-3+$1/_output/aks-lab"
  mkdir -p "$dir"
  jq --argjson n "$1" '.properties.agentPoolProfiles[0].count = $n' \
    test/fixtures/apimodels/three-masters/apimodel.json >"$dir/apimodel.json"
  cp test/fixtures/apimodels/three-masters/azuredeploy.json "$dir/"
  [ -f "$dir/azureuser_rsa" ] || ssh-keygen -q -t ed25519 -N '' -C bench -f "$dir/azureuser_rsa"
  echo "$dir"
}

# Previews a cluster of $1 agents $runs times; prints "<median seconds> <steps per agent>".
preview() {
  local dir stack="bench-preview-$1" times=() log
  dir=$(output_dir "$1")
  pulumi stack rm "$stack" --yes --force --non-interactive >/dev/null 2>&1 || true
  pulumi stack init "$stack" --no-select --non-interactive >/dev/null
  pulumi config set --stack "$stack" apiModel "$dir" >/dev/null
  pulumi config set --stack "$stack" rotationId 1 >/dev/null
  pulumi config set --stack "$stack" sshVerifyHostKeys false >/dev/null
  log=".work/bench/preview-3+$1/preview.json"
  for _ in $(seq 1 "$runs"); do
    local t
    t=$(now)
    pulumi preview --non-interactive --json --stack "$stack" >"$log" ||
      { jq -r '.diagnostics[]?.message' "$log" >&2 || true; echo "bench-preview: preview of 3+$1 failed" >&2; return 1; }
    times+=("$(since "$t")")
  done
  pulumi stack rm "$stack" --yes --force --non-interactive >/dev/null 2>&1 || true
  rm -f "Pulumi.$stack.yaml"
  # The steps of the first agent, by their name without the node: the same at every size.
  local per_agent
  per_agent=$(jq -r '[.steps[].urn | split("::") | last | select(contains("k8s-linuxpool-12345678-0-"))
    | sub("k8s-linuxpool-12345678-0-"; "")] | sort | join(",")' "$log")
  local csv
  csv=$(IFS=,; echo "${times[*]}")
  echo "$(printf '%s\n' "${times[@]}" | median) $(jq '.steps | length' "$log") $per_agent $csv"
}

mkdir -p .work/bench # the redirections below write there before output_dir makes it
preview 2 >.work/bench/preview-small.txt
preview "$agents" >.work/bench/preview-big.txt
read -r small_median small_steps small_agent small_times <.work/bench/preview-small.txt
read -r big_median big_steps big_agent big_times <.work/bench/preview-big.txt
same=$([ "$small_agent" = "$big_agent" ] && echo true || echo false)
out=".work/bench/preview-$(date -u +%Y%m%dT%H%M%SZ).json"
jq -n --argjson agents "$agents" --argjson small "$small_median" --argjson big "$big_median" \
  --argjson smallSteps "$small_steps" --argjson bigSteps "$big_steps" --arg perAgent "$big_agent" \
  --argjson same "$same" --argjson smallTimes "[$small_times]" --argjson bigTimes "[$big_times]" \
  --arg host "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" \
  '{host: $host, shapes: {"3+2": {medianSeconds: $small, runs: $smallTimes, steps: $smallSteps},
    ("3+" + ($agents | tostring)): {medianSeconds: $big, runs: $bigTimes, steps: $bigSteps}},
    stepsPerAgent: ($perAgent | split(",")), samePerAgentSteps: $same}' | tee "$out"
echo "written to $out"
[ "$same" = true ] || { echo "bench-preview: an agent's steps differ between 3+2 and 3+$agents" >&2; exit 1; }
