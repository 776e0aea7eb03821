#!/usr/bin/env bash
# The controller-manager's signer during a staged rotation (docs/staged.md).
# --cluster-signing-cert-file takes exactly one certificate, and ca.crt holds two between P1 and
# P4, so the controller-manager signs from a copy of its own:
#  old    the pre-rotation CA pair (certs.bak) in $ROTATE_DIR/signer, the flags pointed there;
#  new    the new CA pair (staged) there;
#  final  the flags back at certs/ca.crt and certs/ca.key (the cut-over's), the copy removed.
# The flags live in /etc/kubernetes/kube-controller-manager.env (the lab's unit) or in the static
# pod manifest /etc/kubernetes/manifests/kube-controller-manager.yaml (AKS Engine); the restart
# that follows (restart-control-plane.sh, or the kubelet for an edited manifest) applies them.
# A second run changes nothing.
#
# usage: signer.sh old|new|final
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

which=${1:-}
[[ $which =~ ^(old|new|final)$ ]] || die "usage: signer.sh old|new|final"
require_root
readonly SIGNER=$ROTATE_DIR/signer
readonly FLAG_FILES=(/etc/kubernetes/kube-controller-manager.env
  /etc/kubernetes/manifests/kube-controller-manager.yaml)

flags_file=
for f in "${FLAG_FILES[@]}"; do [ -f "$f" ] && flags_file=$f && break; done
[ -n "$flags_file" ] || die "no controller-manager flags in ${FLAG_FILES[*]}"
grep -q -- '--cluster-signing-cert-file=' "$flags_file" ||
  die "$flags_file has no --cluster-signing-cert-file"

# point_at CERT KEY: the two flags set to these paths (quoted or not, static pod or env file).
point_at() {
  local tmp=$flags_file.rotate-tmp
  sed -E -e "s#--cluster-signing-cert-file=[^\"' \\\\]+#--cluster-signing-cert-file=$1#" \
    -e "s#--cluster-signing-key-file=[^\"' \\\\]+#--cluster-signing-key-file=$2#" "$flags_file" >"$tmp"
  if cmp -s "$tmp" "$flags_file"; then
    rm -f "$tmp"
    log "flags already at $1"
    return 0
  fi
  chmod --reference="$flags_file" "$tmp"
  chown --reference="$flags_file" "$tmp"
  mv -f "$tmp" "$flags_file"
  log "controller-manager signs with $1 ($flags_file)"
}

# copy_pair CRT KEY: the signer copy, root-only, replaced atomically.
copy_pair() {
  if [ ! -s "$1" ] || [ ! -s "$2" ]; then die "signer source $1 or $2 missing"; fi
  install -d -m 0700 "$SIGNER"
  install -m 0644 "$1" "$SIGNER/.ca.crt.tmp" && mv -f "$SIGNER/.ca.crt.tmp" "$SIGNER/ca.crt"
  install -m 0600 "$2" "$SIGNER/.ca.key.tmp" && mv -f "$SIGNER/.ca.key.tmp" "$SIGNER/ca.key"
}

case $which in
  old) copy_pair "$BACKUP_DIR/ca.crt" "$BACKUP_DIR/ca.key" ;;
  new) copy_pair "$(staged_path "$CERTS_DIR/ca.crt")" "$(staged_path "$CERTS_DIR/ca.key")" ;;
esac
if [ "$which" = final ]; then
  point_at "$CERTS_DIR/ca.crt" "$CERTS_DIR/ca.key"
  rm -rf "$SIGNER"
else
  point_at "$SIGNER/ca.crt" "$SIGNER/ca.key"
fi
