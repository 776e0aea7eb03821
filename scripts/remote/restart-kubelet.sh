#!/usr/bin/env bash
# Restarts the kubelet so it presents the new client certificate and trusts the new CA. First
# removes /var/lib/kubelet/pki/kubelet-client-current.pem when the current ca.crt does not verify
# it (the kubelet's own rotated client cert from the old CA), so the kubelet falls back to
# client.crt. Skipped when the kubelet already runs since these files, so a second run changes
# nothing. The last line, restarted-at=<epoch seconds>, feeds the node-Ready gate.
#
# usage: restart-kubelet.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

require_root
readonly CURRENT_PEM=/var/lib/kubelet/pki/kubelet-client-current.pem
has_systemd_unit kubelet || die "no kubelet.service on this node"

digest=$(files_digest "$CERTS_DIR/ca.crt" "$CERTS_DIR/client.crt" "$CERTS_DIR/client.key" "$NODE_KUBECONFIG")
if [ -e "$CURRENT_PEM" ] && ! openssl verify -CAfile "$CERTS_DIR/ca.crt" "$CURRENT_PEM" >/dev/null 2>&1; then
  rm -f "$CURRENT_PEM"
  rm -f "$STATE_DIR/restart-kubelet" # the kubelet still holds the removed cert: restart regardless
  log "removed $CURRENT_PEM (not issued by the current CA)"
fi
restart_unit_for kubelet "$digest"
printf 'restarted-at=%s\n' "$RESTARTED_AT"
