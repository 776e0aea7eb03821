#!/usr/bin/env bash
# The flags of the lab's control plane and stand-in kubelets, as AKS Engine (Azure Stack Hub
# fork, pkg/api/defaults-*.go) sets them for Kubernetes 1.34, written as the environment files
# the systemd units read (one variable per file, one flag per line). Pure: each function prints
# a file's content from its arguments; lab/control-plane/up.sh installs them.
# Sourced; the lab-only departures from AKS Engine are marked "lab:" and listed in README.md.

CERTS=/etc/kubernetes/certs

# env_file NAME FLAG...: NAME="FLAG \<newline> FLAG ..." (systemd joins continued lines).
env_file() {
  local name=$1 i
  shift
  printf '%s="' "${name}"
  for ((i = 1; i <= $#; i++)); do
    printf '%s' "${!i}"
    if [ "${i}" -lt $# ]; then printf ' \\\n  '; fi
  done
  printf '"\n'
}

# apiserver_env MASTER_IP SERVICE_CIDR
apiserver_env() {
  local ip=$1 service_cidr=$2
  printf '# kube-apiserver flags (AKS Engine: args of /etc/kubernetes/manifests/kube-apiserver.yaml)\n'
  env_file KUBE_APISERVER_ARGS \
    --advertise-address="${ip}" \
    --allow-privileged=true \
    --anonymous-auth=false \
    --audit-log-maxage=30 \
    --audit-log-maxbackup=10 \
    --audit-log-maxsize=100 \
    --audit-log-path=/var/log/kubeaudit/audit.log \
    --audit-policy-file=/etc/kubernetes/addons/audit-policy.yaml \
    --authorization-mode=Node,RBAC \
    --bind-address=0.0.0.0 \
    --client-ca-file="${CERTS}/ca.crt" \
    --enable-admission-plugins=ExtendedResourceToleration \
    --enable-bootstrap-token-auth=true \
    --etcd-cafile="${CERTS}/ca.crt" \
    --etcd-certfile="${CERTS}/etcdclient.crt" \
    --etcd-keyfile="${CERTS}/etcdclient.key" \
    --etcd-servers=https://127.0.0.1:2379 \
    --kubelet-client-certificate="${CERTS}/client.crt" \
    --kubelet-client-key="${CERTS}/client.key" \
    --profiling=false \
    --proxy-client-cert-file="${CERTS}/proxy.crt" \
    --proxy-client-key-file="${CERTS}/proxy.key" \
    --request-timeout=1m \
    --requestheader-allowed-names= \
    --requestheader-client-ca-file="${CERTS}/proxy-ca.crt" \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-username-headers=X-Remote-User \
    --secure-port=443 \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="${CERTS}/apiserver.key" \
    --service-account-lookup=true \
    --service-account-signing-key-file="${CERTS}/apiserver.key" \
    --service-cluster-ip-range="${service_cidr}" \
    --storage-backend=etcd3 \
    --tls-cert-file="${CERTS}/apiserver.crt" \
    --tls-cipher-suites="$(tls_cipher_suites)" \
    --tls-min-version=VersionTLS12 \
    --tls-private-key-file="${CERTS}/apiserver.key" \
    --v=2
}

# controller_manager_env DNS_PREFIX CLUSTER_CIDR GRACE_PERIOD
controller_manager_env() {
  local dns_prefix=$1 cluster_cidr=$2 grace=$3
  printf '# kube-controller-manager flags (AKS Engine: /etc/kubernetes/manifests/kube-controller-manager.yaml)\n'
  printf '# lab: --node-monitor-grace-period is short so a broken kubelet certificate shows quickly.\n'
  env_file KUBE_CONTROLLER_MANAGER_ARGS \
    --allocate-node-cidrs=true \
    --bind-address=127.0.0.1 \
    --cluster-cidr="${cluster_cidr}" \
    --cluster-name="${dns_prefix}" \
    --cluster-signing-cert-file="${CERTS}/ca.crt" \
    --cluster-signing-key-file="${CERTS}/ca.key" \
    --configure-cloud-routes=false \
    --controllers='*,bootstrapsigner,tokencleaner' \
    --kubeconfig=/var/lib/kubelet/kubeconfig \
    --leader-elect=true \
    --node-monitor-grace-period="${grace}" \
    --profiling=false \
    --root-ca-file="${CERTS}/ca.crt" \
    --route-reconciliation-period=1m \
    --service-account-private-key-file="${CERTS}/apiserver.key" \
    --terminated-pod-gc-threshold=5000 \
    --tls-min-version=VersionTLS12 \
    --use-service-account-credentials=true \
    --v=2
}

scheduler_env() {
  printf '# kube-scheduler flags (AKS Engine: /etc/kubernetes/manifests/kube-scheduler.yaml)\n'
  env_file KUBE_SCHEDULER_ARGS \
    --bind-address=127.0.0.1 \
    --kubeconfig=/var/lib/kubelet/kubeconfig \
    --leader-elect=true \
    --profiling=false \
    --tls-min-version=VersionTLS12 \
    --v=2
}

# kubelet_env NODE_NAME NODE_IP ROLE POOL VERSION: /etc/default/kubelet as AKS Engine lays it
# out (KUBELET_FLAGS, KUBELET_NODE_LABELS, KUBELET_REGISTER_WITH_TAINTS), holding only the
# flags the stand-in implements.
kubelet_env() {
  local name=$1 ip=$2 role=$3 pool=$4 version=$5 labels taints=""
  if [ "${role}" = master ]; then
    labels="kubernetes.azure.com/role=master,kubernetes.io/role=master,node-role.kubernetes.io/master="
    taints="node-role.kubernetes.io/master=true:NoSchedule"
  else
    labels="kubernetes.azure.com/role=agent,kubernetes.io/role=agent,node-role.kubernetes.io/agent="
    labels+=",agentpool=${pool},kubernetes.azure.com/agentpool=${pool}"
  fi
  printf '# Flags of the lab'"'"'s stand-in kubelet (see /etc/systemd/system/kubelet.service)\n'
  env_file KUBELET_FLAGS \
    --cert-dir=/var/lib/kubelet/pki \
    --hostname-override="${name}" \
    --kubeconfig=/var/lib/kubelet/kubeconfig \
    --kubelet-version="${version}" \
    --node-ip="${ip}" \
    --node-status-update-frequency=10s
  printf 'KUBELET_NODE_LABELS="%s"\n' "${labels}"
  printf 'KUBELET_REGISTER_WITH_TAINTS="--register-with-taints=%s"\n' "${taints}"
}

# The strong suites AKS Engine passes (TLSStrongCipherSuitesAPIServer), those Go still offers.
tls_cipher_suites() {
  local suites=(
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  )
  local IFS=,
  printf '%s' "${suites[*]}"
}
