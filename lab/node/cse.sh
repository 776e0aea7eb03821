#!/usr/bin/env bash
# The lab's counterpart of AKS Engine's Custom Script Extension (cse_main.sh/cse_config.sh plus
# cloud-init's setup-etcd.sh): runs as root inside one node after it booted and lays the cluster
# out as AKS Engine does. Its payload (cse.env, certificates, scripts) is in the directory of this
# script, mounted read-only where the Azure VM agent puts extension downloads.
# Owners and modes follow AKS Engine: keys 0600, certs 0644, root:root, except etcdserver.key and
# etcdpeer<i>.crt/.key which belong to etcd (as `aks-engine rotate-certs` installs them).
set -euo pipefail

payload="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
source "${payload}/cse.env"
CERTS=/etc/kubernetes/certs

# put FILE MODE OWNER [DEST]: install one payload file into the certs dir.
put() {
  install -m "$2" -o "$3" -g "$3" "${payload}/$1" "${CERTS}/${4:-$1}"
}

configure_certs() {
  install -d -m 0755 /etc/kubernetes "${CERTS}"
  put ca.crt 0644 root
  put client.crt 0644 root
  put client.key 0600 root
  if [ "${MASTER_NODE}" = true ]; then
    put ca.key 0600 root
    put apiserver.crt 0644 root
    put apiserver.key 0600 root
    put etcdserver.crt 0644 root
    put etcdserver.key 0600 etcd
    put etcdclient.crt 0644 root
    put etcdclient.key 0600 root
    put "etcdpeer${NODE_INDEX}.crt" 0644 etcd
    put "etcdpeer${NODE_INDEX}.key" 0600 etcd
  fi
}

# The kubelet serving cert: self-signed per node, 20 years (cse_config.sh
# configureKubeletServerCert); not part of the cluster PKI and not rotated.
configure_kubelet_server_cert() {
  (umask 077 && openssl genrsa -traditional -out "${CERTS}/kubeletserver.key" 2048 2>/dev/null)
  openssl req -new -x509 -days 7300 -key "${CERTS}/kubeletserver.key" \
    -out "${CERTS}/kubeletserver.crt" -subj "/CN=${NODE_NAME}"
  chmod 0644 "${CERTS}/kubeletserver.crt"
}

# /var/lib/kubelet/kubeconfig: file references, used by kubelet, kube-proxy, controller-manager,
# scheduler and addon-manager.
write_kubelet_kubeconfig() {
  install -d -m 0755 /var/lib/kubelet
  cat >/var/lib/kubelet/kubeconfig <<YAML
apiVersion: v1
kind: Config
clusters:
- name: localcluster
  cluster:
    certificate-authority: ${CERTS}/ca.crt
    server: ${KUBELET_SERVER}
users:
- name: client
  user:
    client-certificate: ${CERTS}/client.crt
    client-key: ${CERTS}/client.key
contexts:
- context:
    cluster: localcluster
    user: client
  name: localclustercontext
current-context: localclustercontext
YAML
  chmod 0644 /var/lib/kubelet/kubeconfig
}

# ~/.kube/config of the admin user on masters (cse_config.sh writeKubeConfig): inline data.
write_admin_kubeconfig() {
  local d="/home/${ADMINUSER}/.kube" f ca cert key
  f="${d}/config"
  install -d -m 0700 -o "${ADMINUSER}" -g "${ADMINUSER}" "${d}"
  ca="$(base64 -w0 "${payload}/ca.crt")"
  cert="$(base64 -w0 "${payload}/kubectlClient.crt")"
  key="$(base64 -w0 "${payload}/kubectlClient.key")"
  (umask 077 && cat >"${f}" <<YAML
---
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: "${ca}"
    server: ${KUBECONFIG_SERVER}
  name: "${MASTER_FQDN}"
contexts:
- context:
    cluster: "${MASTER_FQDN}"
    user: "${MASTER_FQDN}-admin"
  name: "${MASTER_FQDN}"
current-context: "${MASTER_FQDN}"
kind: Config
users:
- name: "${MASTER_FQDN}-admin"
  user:
    client-certificate-data: "${cert}"
    client-key-data: "${key}"
YAML
  )
  chown "${ADMINUSER}:${ADMINUSER}" "${f}"
  chmod 0600 "${f}"
}

# setup-etcd.sh: v2-style etcdctl names at the top of /etc/environment, flags in /etc/default/etcd.
configure_etcd() {
  [ -s /etc/environment ] || echo "" >>/etc/environment
  sed -i "1iETCDCTL_ENDPOINTS=https://127.0.0.1:2379" /etc/environment
  sed -i "1iETCDCTL_CA_FILE=${CERTS}/ca.crt" /etc/environment
  sed -i "1iETCDCTL_KEY_FILE=${CERTS}/etcdclient.key" /etc/environment
  sed -i "1iETCDCTL_CERT_FILE=${CERTS}/etcdclient.crt" /etc/environment
  local url_peer="https://${PRIVATE_IP}:2380" url_client="https://${PRIVATE_IP}:2379"
  echo "DAEMON_ARGS=--name \"${NODE_NAME}\" --peer-client-cert-auth" \
    "--peer-trusted-ca-file=${CERTS}/ca.crt --peer-cert-file=${CERTS}/etcdpeer${NODE_INDEX}.crt" \
    "--peer-key-file=${CERTS}/etcdpeer${NODE_INDEX}.key" \
    "--initial-advertise-peer-urls \"${url_peer}\" --listen-peer-urls \"${url_peer}\"" \
    "--client-cert-auth --trusted-ca-file=${CERTS}/ca.crt --cert-file=${CERTS}/etcdserver.crt" \
    "--key-file=${CERTS}/etcdserver.key --advertise-client-urls \"${url_client}\"" \
    "--listen-client-urls \"${url_client},https://127.0.0.1:2379\"" \
    "--initial-cluster-token \"k8s-etcd-cluster\" --initial-cluster ${ETCD_INITIAL_CLUSTER}" \
    "--data-dir \"/var/lib/etcddisk\" --initial-cluster-state \"new\"" \
    "--listen-metrics-urls \"http://${PRIVATE_IP}:2480\" --quota-backend-bytes=${ETCD_QUOTA_BYTES}" \
    "--peer-auto-tls --auto-tls" >/etc/default/etcd
  chmod 0644 /etc/default/etcd
  chown -R etcd:etcd /var/lib/etcddisk
}

# systemctlEtcd: restart until it comes up (it waits for a quorum of peers), then enable.
start_etcd() {
  systemctl daemon-reload
  local i
  for i in $(seq 1 12); do
    timeout 30 systemctl restart etcd && break
    [ "${i}" -lt 12 ] || return 1
    sleep 1
  done
  systemctl enable etcd 2>/dev/null
}

configure_certs
configure_kubelet_server_cert
write_kubelet_kubeconfig
if [ "${MASTER_NODE}" = true ]; then
  install -m 0744 "${payload}/generate-proxy-certs.sh" /etc/kubernetes/generate-proxy-certs.sh
  write_admin_kubeconfig
  configure_etcd
  start_etcd
fi
echo "cse: ${NODE_NAME} provisioned"
