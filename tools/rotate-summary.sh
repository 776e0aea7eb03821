#!/usr/bin/env bash
# What an operator wants to see after `npm run rotate`, from the stack's outputs (JSON on stdin,
# `pulumi stack output --json`; secrets stay hidden): the rotation id and its verification, per
# node what was installed and restarted, the new certificates' notAfter, where the new admin
# kubeconfig is, and one kubectl line to try it.
set -euo pipefail

outputs="$(cat)"
field() { jq -r "$1" <<<"$outputs"; }

printf 'rotation %s: %s\n' "$(field '.rotationId')" "$(field '.rotationDone // "NOT verified"')"
echo
{
  printf 'NODE\tROLE\tFILES\tRESTARTED\tREBOOTED\n'
  field '.rotationPlan // {} | to_entries[] |
    [.key, .value.role, (.value.files | length | tostring),
     (.value.restarts | join(",")), (if .value.reboot then "yes" else "no" end)] | @tsv'
} | column -t -s $'\t'
echo
{
  printf 'CERTIFICATE\tSERIAL\tNOT AFTER\n'
  field '.certificates // {} | to_entries[] | [.key, .value.serialNumber, .value.notAfter] | @tsv'
} | column -t -s $'\t'
echo
dir="$(field '.clusterSummary.outputDir')"
kubeconfig="$(find "$dir/kubeconfig" -maxdepth 1 -name 'kubeconfig.*.json' ! -name '*.before-rotation' 2>/dev/null | head -n 1)"
server="$(field '.clusterSummary.operatorApiServerUrl // empty')"
echo "new admin kubeconfig: ${kubeconfig:-$dir/kubeconfig/} (also the secret output 'kubeconfig')"
echo "try it: kubectl --kubeconfig '${kubeconfig}'${server:+ --server $server} get nodes"
