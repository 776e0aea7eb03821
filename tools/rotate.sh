#!/usr/bin/env bash
# `npm run rotate`, the main job: toolchain and dependencies, the lab cluster (brought up if it
# is not), then `pulumi up --yes` on the `dev` stack, and a summary of what was verified.
# Extra arguments go to `pulumi up` (e.g. `npm run rotate -- --stack mycluster`).
# ROTATE_TIMELINE=1 runs it through tools/timeline/up.sh: the timeline of the rotation (every
# step's start and end per node, from the engine's events) in .work/timeline.json and its Gantt
# chart in .work/timeline.svg, with the critical path and wall time / critical path printed.
# To rotate a cluster that was already rotated, change its rotation id first:
#   source tools/pulumi/lab-env.sh && pulumi config set rotationId "$(date +%Y%m%d%H%M)" --stack dev
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${ROTATE_STACK:-dev}"

step() { printf '\n== %s\n' "$*"; }

step "prerequisites"
bash tools/prereqs.sh

if [ "$stack" = dev ]; then
  step "lab cluster"
  # `up` on a lab that is already up with the same shape changes nothing.
  read -r -a lab_args <<<"${LAB_UP_ARGS:-}"
  npm run --silent lab -- up "${lab_args[@]}"
fi

# The lab's stack gets the lab's passphrase; any other stack brings its own (README).
if [ "$stack" = dev ]; then
  # shellcheck source-path=SCRIPTDIR source=pulumi/lab-env.sh
  source tools/pulumi/lab-env.sh
else
  # shellcheck source-path=SCRIPTDIR source=pulumi/env.sh
  source tools/pulumi/env.sh
fi

step "pulumi up (stack ${stack})"
pulumi stack select --create "$stack" >/dev/null
if [ "${ROTATE_TIMELINE:-0}" = 1 ]; then
  TIMELINE_TITLE="rotation, stack ${stack}" bash tools/timeline/up.sh .work/timeline \
    --yes --skip-preview --stack "$stack" "$@"
else
  pulumi up --yes --skip-preview --stack "$stack" "$@"
fi

step "verified"
# rotationDone resolves only after verify-cluster passed: old admin kubeconfig rejected, new one
# accepted, every node Ready, control plane healthy; then apimodel.json was rewritten.
outputs="$(pulumi stack output --stack "$stack" --json)"
bash tools/rotate-summary.sh <<<"$outputs"
