#!/usr/bin/env bash
# Restarts etcd so it loads the new trust: etcd reloads its serving and peer certs per handshake
# but its trusted CA only at start. Runs on every master at the same time; --no-block because a
# member restarted alone with a new CA cannot reach quorum and would hold `systemctl restart` for
# the unit's whole start timeout. The health gate (wait-etcd-healthy.sh) follows.
# Skipped when etcd already runs with exactly these files, so a second run changes nothing.
#
# usage: restart-etcd.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
mapfile -t files < <(etcd_files)
[ "${#files[@]}" -gt 0 ] || die "no certificate flags in $ETCD_DEFAULTS"
restart_unit_for etcd "$(files_digest "${files[@]}")" no-block
