#!/usr/bin/env bash
# The cluster PKI exactly as `aks-engine deploy` creates it (pkg/helpers/pki.go and
# pkg/api/defaults.go CreatePki inputs), done with openssl:
# - one CA (CN=ca) signs every identity; RSA keys of --key-bits (AKS Engine: 4096), PKCS#1 PEM;
# - validity from "now" (no back-dating) for 30*365 days (up --cert-days shortens it, for an
#   expiring cluster); random 128-bit serials; SHA-256;
# - key usage digitalSignature+keyEncipherment (CA adds certSign), critical, with
#   basicConstraints critical; the CA has a subject key id, leaves an authority key id
#   (what Go's x509.CreateCertificate writes);
# - SANs in AKS Engine's order: DNS = FQDN, masterProfile.subjectAltNames, localhost, the
#   kubernetes service names; IP = first master, 127.0.0.1, internal LB, other masters,
#   first IP of serviceCidr.
# - etcd certs carry serverAuth+clientAuth (AKS Engine compares the CN case-sensitively with
#   "etcdServer"/"etcdClient", so every etcd cert falls into the "both" branch) and IP SANs only.
# Files are named as on the nodes (ca.crt, apiserver.key, etcdpeer0.crt, ...); the admin
# kubeconfig pair is kubectlClient.crt/.key, as `aks-engine rotate-certs` names it.

PKI_VALIDITY_DAYS=10950

# pki_sans MASTER_COUNT -> the [alt] section body for the apiserver cert (DNS and IP entries).
pki_dns_sans() {
  local names=("${LAB_FQDN}" localhost kubernetes kubernetes.default kubernetes.default.svc
    kubernetes.default.svc.cluster.local kubernetes.kube-system kubernetes.kube-system.svc
    kubernetes.kube-system.svc.cluster.local)
  local i
  for i in "${!names[@]}"; do printf 'DNS.%d = %s\n' "$((i + 1))" "${names[$i]}"; done
}
pki_ip_sans() {
  local count=$1 ips i
  ips=("$(master_ip 0)" 127.0.0.1 "$(internal_lb_ip)")
  for ((i = 1; i < count; i++)); do ips+=("$(master_ip "$i")"); done
  ips+=("${LAB_SERVICE_FIRST_IP}")
  for i in "${!ips[@]}"; do printf 'IP.%d = %s\n' "$((i + 1))" "${ips[$i]}"; done
}

# pki_config MASTER_COUNT -> an openssl config with one extension section per certificate kind.
pki_config() {
  local count=$1
  cat <<CNF
[req]
distinguished_name = dn
[dn]
[ca]
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
basicConstraints = critical, CA:TRUE
subjectKeyIdentifier = hash
authorityKeyIdentifier = none
[apiserver]
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
subjectAltName = @apiserver_alt
[client]
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
[etcd]
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
subjectAltName = @etcd_alt
[apiserver_alt]
$(pki_dns_sans)
$(pki_ip_sans "${count}")
[etcd_alt]
$(pki_ip_sans "${count}")
CNF
}

pki_serial() { printf '0x%s' "$(openssl rand -hex 16)"; }

# pki_key FILE BITS: a PKCS#1 RSA key, created 0600 from the start.
pki_key() {
  (umask 077 && openssl genrsa -traditional -out "$1" "$2" 2>/dev/null)
}

# pki_sign DIR NAME SUBJECT SECTION: NAME.crt for NAME.key, signed by DIR/ca.{crt,key}.
pki_sign() {
  local dir=$1 name=$2 subject=$3 section=$4
  openssl req -new -x509 -sha256 -config "${dir}/openssl.cnf" -extensions "${section}" \
    -key "${dir}/${name}.key" -subj "${subject}" -days "${PKI_VALIDITY_DAYS}" \
    -set_serial "$(pki_serial)" -CA "${dir}/ca.crt" -CAkey "${dir}/ca.key" \
    -out "${dir}/${name}.crt"
  chmod 0644 "${dir}/${name}.crt"
}

# pki_generate DIR KEY_BITS MASTER_COUNT [VALIDITY_DAYS]
pki_generate() {
  local dir=$1 bits=$2 count=$3 i pids=() pid
  PKI_VALIDITY_DAYS=${4:-${PKI_VALIDITY_DAYS}}
  mkdir -p "${dir}"
  chmod 0700 "${dir}"
  pki_config "${count}" >"${dir}/openssl.cnf"

  # Keys are the slow part: make them all at once (the CA's first, it gates the rest).
  local leaves=(apiserver client kubectlClient etcdserver etcdclient)
  for ((i = 0; i < count; i++)); do leaves+=("etcdpeer${i}"); done
  pki_key "${dir}/ca.key" "${bits}" &
  local ca_pid=$!
  for name in "${leaves[@]}"; do
    pki_key "${dir}/${name}.key" "${bits}" &
    pids+=("$!")
  done
  wait "${ca_pid}" || die "generating the CA key failed"
  openssl req -new -x509 -sha256 -config "${dir}/openssl.cnf" -extensions ca \
    -key "${dir}/ca.key" -subj "/CN=ca" -days "${PKI_VALIDITY_DAYS}" \
    -set_serial "$(pki_serial)" -out "${dir}/ca.crt"
  chmod 0644 "${dir}/ca.crt"
  for pid in "${pids[@]}"; do wait "${pid}" || die "generating a key failed"; done

  # Go orders the subject O before CN; so does -subj here.
  pki_sign "${dir}" apiserver "/CN=apiserver" apiserver
  pki_sign "${dir}" client "/O=system:masters/CN=client" client
  pki_sign "${dir}" kubectlClient "/O=system:masters/CN=client" client
  pki_sign "${dir}" etcdserver "/CN=etcdserver" etcd
  pki_sign "${dir}" etcdclient "/CN=etcdclient" etcd
  for ((i = 0; i < count; i++)); do
    pki_sign "${dir}" "etcdpeer${i}" "/CN=etcdpeer" etcd
  done
}
