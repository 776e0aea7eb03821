#!/usr/bin/env bash
# Restarts workloads by setting a pod-template annotation to a value derived from the new
# certificates (the token): a workload already carrying it is left alone, so a second run
# restarts nothing. Target is `all` (every Deployment, DaemonSet and StatefulSet in every
# namespace) or one <namespace>/<kind>/<name>. Waits for the rollouts in kube-system; others are
# patched and listed (a broken user workload must not hold the rotation).
#
# usage: rollout-restart.sh <token> <all | namespace/kind/name> [timeout seconds, default 600]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: rollout-restart.sh <token> <all | namespace/kind/name> [timeout seconds]"
token=$1 target=$2 timeout=${3:-600}
[[ $token =~ ^[A-Za-z0-9._-]{1,63}$ ]] || die "bad token '$token'"
require_root
readonly ANNOTATION=rotate-certs/restarted-for

if [ "$target" = all ]; then
  mapfile -t items < <(kubectl_node get deployments,daemonsets,statefulsets -A -o json |
    jq -r --arg a "$ANNOTATION" \
      '.items[] | [.metadata.namespace, (.kind | ascii_downcase), .metadata.name,
        (.spec.template.metadata.annotations[$a] // "-")] | join(" ")')
else
  IFS=/ read -r ns kind name <<<"$target"
  [ -n "${name:-}" ] || die "target must be all or namespace/kind/name, got '$target'"
  if ! json=$(kubectl_node get "$kind" "$name" -n "$ns" -o json 2>/dev/null); then
    log "no $kind $ns/$name in the cluster; nothing to restart"
    exit 0
  fi
  mapfile -t items < <(jq -r --arg a "$ANNOTATION" \
    '[.metadata.namespace, (.kind | ascii_downcase), .metadata.name,
      (.spec.template.metadata.annotations[$a] // "-")] | join(" ")' <<<"$json")
fi

patch=$(jq -cn --arg a "$ANNOTATION" --arg v "$token" \
  '{spec: {template: {metadata: {annotations: {($a): $v}}}}}')
restarted=0 unchanged=0 waits=()
for item in "${items[@]}"; do
  [ -n "$item" ] || continue
  read -r ns kind name current <<<"$item"
  if [ "$current" = "$token" ]; then
    unchanged=$((unchanged + 1))
    continue
  fi
  kubectl_node patch "$kind" "$name" -n "$ns" --type merge -p "$patch" >/dev/null
  printf 'restarted %s/%s/%s\n' "$ns" "$kind" "$name"
  restarted=$((restarted + 1))
  [ "$ns" != kube-system ] || waits+=("$ns $kind/$name")
done
for w in "${waits[@]}"; do
  read -r ns ref <<<"$w"
  kubectl_node rollout status "$ref" -n "$ns" --timeout="${timeout}s" >/dev/null ||
    die "rollout of $ns/$ref did not finish in ${timeout}s"
done
log "$restarted restarted, $unchanged already restarted for $token"
