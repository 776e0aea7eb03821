#!/usr/bin/env bash
# The lab facts docs/staged.md relies on, checked on a running lab (inside the lab lock):
# the control plane's flags, etcd's, and that the controller-manager refuses a two-certificate
# --cluster-signing-cert-file (its env file re-read on restart). Restores what it changes.
#   flock /tmp/aks-lab-turn.lock bash -c 'npm run lab -- up && bash test/e2e/probe/facts.sh; npm run lab -- down'
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
suffix=$(jq -r .nameSuffix .work/lab/nodes.json)
m=k8s-master-$suffix-1
on() { bash lab/ssh.sh "$m" sudo bash -s; }

echo "== $m: kube-apiserver flags that name etcd, the CA and apiserver.key"
on <<<"grep -oE -- '--(etcd-servers|etcd-cafile|client-ca-file|requestheader-client-ca-file|tls-private-key-file|service-account-key-file|service-account-signing-key-file)=[^ \"]*' /etc/kubernetes/kube-apiserver.env"
echo "== kube-controller-manager flags"
on <<<"grep -oE -- '--(cluster-signing-cert-file|cluster-signing-key-file|root-ca-file|service-account-private-key-file)=[^ \"]*' /etc/kubernetes/kube-controller-manager.env"
echo "== etcd trust flags (/etc/default/etcd)"
on <<<"grep -oE -- '--(trusted-ca-file|peer-trusted-ca-file|listen-client-urls)[= ][^ ]*' /etc/default/etcd"
echo "== units read their flags from EnvironmentFile (re-read at every start)"
on <<<"systemctl cat kube-controller-manager | grep -E 'EnvironmentFile|ExecStart'"

echo "== the controller-manager with a bundle as --cluster-signing-cert-file"
# Only the lease holder signs: the others' controller-managers stop for the check, so the one
# with the bundle takes the lease; a CSR approved then shows whether it signs.
ms=$(jq -r '.nodes[] | select(.role == "master") | .name' .work/lab/nodes.json)
for o in $ms; do [ "$o" = "$m" ] || bash lab/ssh.sh "$o" sudo systemctl stop kube-controller-manager; done
on <<'SH'
set -u
env=/etc/kubernetes/kube-controller-manager.env
kc() { kubectl --kubeconfig /var/lib/kubelet/kubeconfig "$@"; }
d=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/k" -out "$d/c" -subj /CN=other -days 1 2>/dev/null
cat /etc/kubernetes/certs/ca.crt "$d/c" >/etc/kubernetes/fact-bundle.crt
cp -a "$env" "$d/env"
sed -i 's#--cluster-signing-cert-file=[^ \"]*#--cluster-signing-cert-file=/etc/kubernetes/fact-bundle.crt#' "$env"
since=$(date '+%F %T')
systemctl restart kube-controller-manager
for _ in $(seq 30); do
  kc -n kube-system get lease kube-controller-manager -o jsonpath='{.spec.holderIdentity}' | grep -q "$(hostname)" && break
  sleep 2
done
echo "lease: $(kc -n kube-system get lease kube-controller-manager -o jsonpath='{.spec.holderIdentity}')"
openssl req -new -newkey rsa:2048 -nodes -keyout "$d/u.key" -subj /CN=fact-user -out "$d/u.csr" 2>/dev/null
kc apply -f - >/dev/null <<YAML
apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: fact-csr}
spec: {request: $(base64 -w0 "$d/u.csr"), signerName: kubernetes.io/kube-apiserver-client, usages: [client auth]}
YAML
kc certificate approve fact-csr >/dev/null
sleep 15
cert=$(kc get csr fact-csr -o jsonpath='{.status.certificate}')
if [ -n "$cert" ]; then echo "signed: $(base64 -d <<<"$cert" | openssl x509 -noout -issuer)"; else echo "not signed in 15 s"; fi
echo "conditions: $(kc get csr fact-csr -o jsonpath='{.status.conditions[*].type}')"
kc delete csr fact-csr >/dev/null
journalctl -u kube-controller-manager --since "$since" --no-pager | grep -v 'FLAG:' |
  grep -iE 'fact-bundle|expected 1|csrsigning|signer' | head -8
echo "active: $(systemctl is-active kube-controller-manager), restarts: $(systemctl show -p NRestarts --value kube-controller-manager)"
cp -a "$d/env" "$env"
rm -f /etc/kubernetes/fact-bundle.crt
rm -rf "$d"
systemctl restart kube-controller-manager
echo "restored: $(systemctl is-active kube-controller-manager)"
SH
for o in $ms; do [ "$o" = "$m" ] || bash lab/ssh.sh "$o" sudo systemctl start kube-controller-manager; done
