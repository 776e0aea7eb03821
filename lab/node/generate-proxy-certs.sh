#!/usr/bin/env bash
# The front-proxy (aggregation layer) pair of an AKS Engine cluster, installed on every master as
# /etc/kubernetes/generate-proxy-certs.sh. Written for the lab in the spirit of AKS Engine's script:
# - master 0 (or any master with OVERRIDE_PROXY_CERTS=true) generates proxy-ca (CN=proxyClientCA)
#   and proxy (CN=aggregator, O=system:masters), RSA 2048, and stores them in etcd under
#   /proxycerts/* while holding the etcd lock "master_proxy_cert_lock" (only where the key is empty,
#   unless overriding);
# - every master then writes the three etcd values to /etc/kubernetes/certs/proxy-ca.crt,
#   proxy.crt (0644) and proxy.key (0600).
# Values in etcd start with one space, as AKS Engine stores them (so that a value never starts
# with "-" for etcdctl); readers strip it. Key material goes through stdin, never argv.
# etcd connection settings come from the v2-style names AKS Engine writes to /etc/environment,
# always passed to etcdctl as explicit flags (etcdctl v3 ignores those variables).
set -euo pipefail

ETCDCTL_ENDPOINTS="${ETCDCTL_ENDPOINTS:-https://127.0.0.1:2379}"
ETCDCTL_CA_FILE="${ETCDCTL_CA_FILE:-/etc/kubernetes/certs/ca.crt}"
ETCDCTL_KEY_FILE="${ETCDCTL_KEY_FILE:-/etc/kubernetes/certs/etcdclient.key}"
ETCDCTL_CERT_FILE="${ETCDCTL_CERT_FILE:-/etc/kubernetes/certs/etcdclient.crt}"
CERTS_DIR="${CERTS_DIR:-/etc/kubernetes/certs}"
LOCK_NAME=master_proxy_cert_lock
KEY_CA=/proxycerts/requestheader-client-ca-file
KEY_KEY=/proxycerts/proxy-client-key-file
KEY_CERT=/proxycerts/proxy-client-cert-file
# AKS Engine's script passes 262824 (the hours in 30 years) to -days; kept for fidelity.
VALIDITY_DAYS=262824

etcd() {
  env -u ETCDCTL_ENDPOINTS ETCDCTL_API=3 etcdctl --command-timeout=30s \
    --endpoints="${ETCDCTL_ENDPOINTS}" --cacert="${ETCDCTL_CA_FILE}" \
    --cert="${ETCDCTL_CERT_FILE}" --key="${ETCDCTL_KEY_FILE}" "$@"
}

# put_if_needed KEY FILE (runs under the etcd lock)
put_if_needed() {
  if [ "${OVERRIDE_PROXY_CERTS:-}" = true ] || [ -z "$(etcd get "$1" --print-value-only)" ]; then
    printf ' %s' "$(cat "$2")" | etcd put "$1" >/dev/null
  fi
}

if [ "${1:-}" = put-locked ]; then
  put_if_needed "${KEY_CA}" "$2/proxy-ca.crt"
  put_if_needed "${KEY_KEY}" "$2/proxy.key"
  put_if_needed "${KEY_CERT}" "$2/proxy.crt"
  exit 0
fi

for _ in $(seq 1 100); do
  etcd endpoint health >/dev/null 2>&1 && break
  sleep 1
done

index="$(hostname)"
index="${index##*-}"
if [ "${index}" = 0 ] || [ "${OVERRIDE_PROXY_CERTS:-}" = true ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "${work}"' EXIT
  (
    umask 077
    cd "${work}"
    openssl genrsa -traditional -out proxy-ca.key 2048 2>/dev/null
    openssl req -new -x509 -days "${VALIDITY_DAYS}" -key proxy-ca.key -out proxy-ca.crt \
      -subj '/CN=proxyClientCA'
    openssl genrsa -traditional -out proxy.key 2048 2>/dev/null
    openssl req -new -key proxy.key -out proxy.csr -subj '/CN=aggregator/O=system:masters'
    openssl x509 -req -days "${VALIDITY_DAYS}" -in proxy.csr -CA proxy-ca.crt -CAkey proxy-ca.key \
      -set_serial 02 -out proxy.crt 2>/dev/null
  )
  etcd lock "${LOCK_NAME}" /bin/bash "$0" put-locked "${work}" >/dev/null
fi

# write VALUE_KEY FILE MODE: the etcd value without its leading space.
write() {
  local value
  value="$(etcd get "$1" --print-value-only)"
  [ -n "${value}" ] || return 1
  (umask 077 && printf '%s\n' "${value# }" >"$2.tmp")
  chmod "$3" "$2.tmp"
  mv -f "$2.tmp" "$2"
}
for _ in $(seq 1 60); do
  if write "${KEY_CA}" "${CERTS_DIR}/proxy-ca.crt" 0644 &&
    write "${KEY_KEY}" "${CERTS_DIR}/proxy.key" 0600 &&
    write "${KEY_CERT}" "${CERTS_DIR}/proxy.crt" 0644; then
    exit 0
  fi
  sleep 1
done
echo "generate-proxy-certs: the front-proxy certificates never appeared in etcd" >&2
exit 1
