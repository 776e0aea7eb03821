#!/usr/bin/env bash
# Pre-flight gate for one node: refuses (non-zero, one clear line per problem) unless this node is
# the one expected, sudo works, the current certificate files are present, none of those etcd and
# the API server work with has expired (one line naming the first and what to do instead) and, on
# a master, etcd is healthy (not asked once one expired: it would fail the TLS handshake). With
# --reboot (the node is in a reboot wave), also unless a reboot would come back, so a rotation that cannot finish its reboots stops here rather than half way. With --ca-sha256,
# also unless some certificate of the node's ca.crt (a bundle of several in the staged mode) has
# one of the given SHA-256 fingerprints (of the DER, lowercase hex): the CA of apimodel.json's
# certificateProfile first, then the rotation's new CA. A node holding another CA was rotated by
# hand, so apimodel.json is not the cluster's. Touches nothing.
#
# usage: preflight.sh [--reboot] [--ca-sha256 <sha256>[,<sha256>...]] <node name> <master|agent>
#                     <expected file>...
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

usage="usage: preflight.sh [--reboot] [--ca-sha256 <sha256>[,<sha256>...]] <node name> <master|agent> <expected file>..."
reboot=no
ca_sha256s=()
while [ $# -gt 0 ]; do
  case $1 in
    --reboot)
      reboot=yes
      shift
      ;;
    --ca-sha256)
      [ $# -ge 2 ] || die "$usage"
      IFS=, read -r -a ca_sha256s <<<"$2"
      # Counted before any "${a[@]}": bash 4.3 (Ubuntu 16.04 nodes) calls an empty one unbound.
      [ "${#ca_sha256s[@]}" -gt 0 ] || die "$usage"
      for fp in "${ca_sha256s[@]}"; do
        [[ $fp =~ ^[0-9a-f]{64}$ ]] || die "--ca-sha256: '$fp' is not a SHA-256 in lowercase hex"
      done
      shift 2
      ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || die "$usage"
node=$1 role=$2
shift 2
require_root

# The SHA-256 of the DER of every certificate in a PEM file, one a line, in file order.
cert_sha256s() {
  local line block="" der
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case $line in
      "-----BEGIN CERTIFICATE-----") block=$line$'\n' ;;
      "-----END CERTIFICATE-----")
        if [ -n "$block" ] && der=$(printf '%s%s\n' "$block" "$line" | openssl x509 -outform DER 2>/dev/null | sha256sum); then
          printf '%s\n' "${der%% *}"
        fi
        block=""
        ;;
      *) [ -z "$block" ] || block+=$line$'\n' ;;
    esac
  done <"$1"
}

problems=()
case $role in master | agent) ;; *) die "role must be master or agent, got '$role'" ;; esac

# VM name = node name = hostname in AKS Engine: a mismatch means the address maps to another node.
actual_host=$(hostname)
[ "$actual_host" = "$node" ] || problems+=("hostname is '$actual_host', expected '$node' (wrong address for this node?)")

for tool in base64 openssl sha256sum install stat systemctl; do
  command -v "$tool" >/dev/null || problems+=("required tool '$tool' not found")
done

for f in "$@"; do
  [ -s "$f" ] || problems+=("expected file $f is missing or empty")
done

# The CA on the node against apimodel.json's: a node rotated by hand (or an old copy of
# apimodel.json) would otherwise get certificates the rest of its cluster does not trust.
ca=$CERTS_DIR/ca.crt
# Without openssl (reported above) there is nothing to fingerprint with.
if [ "${#ca_sha256s[@]}" -gt 0 ] && [ -s "$ca" ] && command -v openssl >/dev/null; then
  mapfile -t held < <(cert_sha256s "$ca")
  known=no
  if [ "${#held[@]}" -eq 0 ]; then
    problems+=("$ca holds no PEM certificate")
  else
    for h in "${held[@]}"; do
      for fp in "${ca_sha256s[@]}"; do
        [ "$h" != "$fp" ] || known=yes
      done
    done
  fi
  if [ "${#held[@]}" -gt 0 ] && [ "$known" = no ]; then
    problems+=("$ca (sha256 ${held[0]}) is not the CA of apimodel.json's certificateProfile (sha256 ${ca_sha256s[0]}) nor the rotation's new CA: apimodel.json is not this cluster's current one (rotated by hand?); point config apiModel at the apimodel.json that matches the cluster")
  fi
fi

# Expired certificates before etcd's health: etcdctl would only report a failed TLS handshake.
expired=""
if command -v openssl >/dev/null; then
  mapfile -t checked < <(expiry_checked_certs)
  [ "${#checked[@]}" -eq 0 ] || expired=$(expired_certs_problem "${checked[@]}")
  [ -z "$expired" ] || problems+=("$expired")
fi

if [ "$reboot" = yes ]; then
  blocker=$(reboot_blocker)
  [ -z "$blocker" ] || problems+=("cannot reboot: $blocker")
fi

if [ "$role" = master ]; then
  if [ ! -f "$ETCD_DEFAULTS" ]; then
    problems+=("$ETCD_DEFAULTS missing: a master must run etcd")
  elif ! getent passwd etcd >/dev/null; then
    problems+=("user etcd does not exist")
  elif ! command -v etcdctl >/dev/null; then
    problems+=("etcdctl not found")
  elif [ -z "$expired" ]; then
    if ! health=$(etcdctl_local endpoint health --cluster 2>&1); then
      problems+=("etcd is not healthy: $(printf '%s' "$health" | tr '\n' ' ')")
    fi
  fi
elif [ -f "$ETCD_DEFAULTS" ]; then
  # AKS Engine's own scripts treat /etc/default/etcd as "this is a master".
  problems+=("$ETCD_DEFAULTS exists: this node looks like a master, expected an agent")
fi

if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do
    printf 'preflight: %s: %s\n' "$node" "$p" >&2
  done
  exit 1
fi
log "$node ($role) ready for rotation"
