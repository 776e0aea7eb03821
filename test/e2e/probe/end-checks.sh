#!/usr/bin/env bash
# Issue 15's end checks, on master-0 after a rotation (root): the old CA and the old
# credentials are refused by the servers themselves and appear nowhere. "Old" is this rotation's
# backup (certs.bak, rotate-certs/backup). One line per check: "ok …" or "FAIL …".
# usage: bash -s <internal LB IP> <master IP>... < end-checks.sh
set -u
ilb=$1
shift
old=/etc/kubernetes/certs.bak new=/etc/kubernetes/certs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
line2() { sed -n 2p "$1"; } # a 64-character base64 line unique to one PEM certificate
old_ca=$(line2 "$old/ca.crt")
old_proxy=$(line2 "$old/proxy-ca.crt")
check() { if "${@:2}"; then echo "ok $1"; else echo "FAIL $1"; fi; }
fails() { ! "$@" >/dev/null 2>&1; }

for h in "$@" "$ilb"; do
  check "s_client -CAfile <old ca> refused by $h:443" fails timeout 10 \
    openssl s_client -connect "$h:443" -CAfile "$old/ca.crt" -verify_return_error </dev/null
done

# The old admin client certificate (the backed-up kubeconfig), presented with the new CA bundle.
admin=/etc/kubernetes/rotate-certs/backup/home/azureuser/.kube/config
kubectl config view --raw --kubeconfig "$admin" -o jsonpath='{.users[0].user.client-certificate-data}' | base64 -d >"$work/a.crt"
kubectl config view --raw --kubeconfig "$admin" -o jsonpath='{.users[0].user.client-key-data}' | base64 -d >"$work/a.key"
for h in "$@" "$ilb"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$new/ca.crt" --cert "$work/a.crt" --key "$work/a.key" "https://$h/api")
  check "old admin certificate with the new CA gets 401 at $h (got $code)" [ "$code" = 401 ]
done

peer=$(find "$old" -name 'etcdpeer*.crt' | head -n1)
new_peer=$new/$(basename "$peer")
# peer_get HOST PAIR: GET /members on HOST's etcd peer port with PAIR (its .crt; the .key beside
# it). etcd's peer listener serves HTTP/1.1: curl's default HTTP/2 request there ends in a reset
# stream even with the right pair, so it is forced.
peer_get() {
  curl -sf --http1.1 --max-time 10 --cacert "$new/ca.crt" --cert "$2" --key "${2%.crt}.key" \
    "https://$1:2380/members" -o /dev/null
}
for h in "$@"; do
  check "old etcd client pair refused on $h:2379" fails timeout 15 env ETCDCTL_API=3 etcdctl \
    --dial-timeout=5s --cacert "$new/ca.crt" --cert "$old/etcdclient.crt" --key "$old/etcdclient.key" \
    --endpoints "https://$h:2379" endpoint health
  # The old peer pair's refusal means something only if the new pair gets through the same
  # request (the control).
  check "new etcd peer pair accepted on $h:2380 (the control)" peer_get "$h" "$new_peer"
  check "old etcd peer pair refused on $h:2380" fails peer_get "$h" "$peer"
done

kc() { kubectl --kubeconfig /var/lib/kubelet/kubeconfig "$@"; }
published=$(kc get configmaps -A -o json | jq -r '.items[] | select(.metadata.name == "kube-root-ca.crt" or .metadata.name == "extension-apiserver-authentication") | .data[]')
check "old CA in no kube-root-ca.crt nor extension-apiserver-authentication" fails grep -qF "$old_ca" <<<"$published"
check "old front-proxy CA not in extension-apiserver-authentication" fails grep -qF "$old_proxy" <<<"$published"
secrets=$(kc get secrets -A --field-selector type=kubernetes.io/service-account-token -o json | jq -r '.items[].data["ca.crt"] // empty' | while read -r b; do base64 -d <<<"$b"; done)
check "old CA in no token Secret" fails grep -qF "$old_ca" <<<"$secrets"
# shellcheck source=/dev/null # the delivered scripts' lib.sh: etcdctl_local
source ~azureuser/.aks-rotate-certs/remote/lib.sh
proxycerts=$(etcdctl_local get --prefix /proxycerts --print-value-only 2>/dev/null)
check "old front-proxy CA in no /proxycerts/* value" fails grep -qF "$old_proxy" <<<"$proxycerts"
check "new front-proxy values under /proxycerts/*" [ -n "$proxycerts" ]
