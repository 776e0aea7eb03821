#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# ssh into a lab node as the admin user, with the deploy's key and pinned host keys only:
#   lab/ssh.sh <node-name|ip> [command...]
# e.g. lab/ssh.sh k8s-master-11858198-0 sudo systemctl is-active etcd
# The node's cluster is the one whose inventory lists it (LAB_NAME=<dnsPrefix> names it instead).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "${here}/lib/common.sh"
# shellcheck source=lib/clusters.sh
source "${here}/lib/clusters.sh"

[ $# -ge 1 ] || {
  echo "usage: lab/ssh.sh <node-name|ip> [command...]" >&2
  exit 2
}
target=$1
shift
select_cluster_of "${target}"
[ -f "${LAB_SSH_KEY}" ] || die "no lab SSH key at ${LAB_SSH_KEY} (is the lab up?)"
# Node names do not resolve on the host: map a name to its IP, keeping the name for the
# host-key check (known_hosts lists every node by name and IP).
host="${target}"
if [[ ! "${target}" =~ ^[0-9.]+$ ]]; then
  host="$(jq -r --arg n "${target}" '.nodes[] | select(.name == $n) | .ip' "${LAB_INVENTORY}" 2>/dev/null)"
  [ -n "${host}" ] || die "unknown node '${target}' (see ${LAB_INVENTORY})"
fi
exec ssh -i "${LAB_SSH_KEY}" -o IdentitiesOnly=yes -o "UserKnownHostsFile=\"${LAB_KNOWN_HOSTS}\"" \
  -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlias="${target}" \
  -o BatchMode=yes -o ConnectTimeout=10 -o LogLevel=ERROR \
  "${LAB_ADMIN_USER}@${host}" "$@"
