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

echo "== the controller-manager with a bundle as --cluster-signing-cert-file (on the leader)"
# Only the leader runs the signing controller: the master that holds the lease.
m=$(on <<<"kubectl --kubeconfig /var/lib/kubelet/kubeconfig -n kube-system get lease kube-controller-manager -o jsonpath='{.spec.holderIdentity}'" | cut -d_ -f1)
echo "leader: $m"
on <<'SH'
set -u
env=/etc/kubernetes/kube-controller-manager.env
d=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/k" -out "$d/c" -subj /CN=other -days 1 2>/dev/null
cat /etc/kubernetes/certs/ca.crt "$d/c" >/etc/kubernetes/fact-bundle.crt
cp -a "$env" "$d/env"
sed -i 's#--cluster-signing-cert-file=[^ \\"]*#--cluster-signing-cert-file=/etc/kubernetes/fact-bundle.crt#' "$env"
since=$(date '+%F %T')
systemctl restart kube-controller-manager
sleep 30
journalctl -u kube-controller-manager --since "$since" --no-pager | grep -v 'FLAG:' |
  grep -iE 'fact-bundle|expected 1 cert|csrsigning|signing' | head -8
echo "active: $(systemctl is-active kube-controller-manager), restarts: $(systemctl show -p NRestarts --value kube-controller-manager)"
cp -a "$d/env" "$env"
rm -f /etc/kubernetes/fact-bundle.crt
rm -rf "$d"
systemctl restart kube-controller-manager
sleep 3
echo "restored: $(systemctl is-active kube-controller-manager)"
SH
