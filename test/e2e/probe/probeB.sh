#!/usr/bin/env bash
# Probe B (issue 15): the API as a pod sees it. The lab's stand-in kubelet runs no containers, so
# this is a process on master-0 that keeps what a kubelet keeps for one pod of the `web`
# Deployment (lab-workloads), the way the kubelet keeps it:
#   - a projected service-account token bound to the newest such pod (looked up every 2 s),
#     requested again (TokenRequest, here with the admin kubeconfig, where the kubelet uses its
#     own) whenever that pod is replaced, as a restarted pod gets a new one; not refreshed
#     otherwise within the run (the kubelet refreshes at 80% of an hour);
#   - the CA of the `kube-root-ca.crt` ConfigMap, re-synced every 10 s (the kubelet's projected
#     ConfigMap refresh), kept as it was when a read fails;
#   - the `kubernetes` Service's endpoints (the masters' 443), re-read every 10 s.
# Twice a second it asks GET /api at the next endpoint with that token and CA; a request may try
# 3 times within 5 s (as Probe A). One line per attempt:
#   <epoch> <request> <attempt> <ok|fail> <http code or curl error> <pod> <endpoint>
# Runs as root on master-0 until <out>.stop exists: bash probeB.sh <out file>
set -u
out=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
: >"$out"
# The kubelet's stand-in reads with the admin credentials, trusting what master-0 itself trusts at
# that moment (old CA, the bundle from P1, the new CA from P4): the admin kubeconfig's own CA is
# replaced only in P3, after the servers switched.
# At the internal LB: the admin kubeconfig names the cluster's FQDN, which the lab does not resolve.
kc() {
  kubectl --kubeconfig /home/azureuser/.kube/config --request-timeout=5s \
    --server=https://10.240.255.15:443 --certificate-authority=/etc/kubernetes/certs/ca.crt "$@"
}
pod="" endpoints=() last_sync=-10 last_pod=-2 req=0

newest_web_pod() {
  kc get pods -n lab-workloads -l app=web --sort-by=.metadata.creationTimestamp \
    -o jsonpath='{.items[-1:].metadata.name}' 2>/dev/null
}

follow_pod() { # a replaced pod gets a token of its own; the old one is kept until then
  local p
  p=$(newest_web_pod)
  if [ -n "$p" ] && [ "$p" != "$pod" ] &&
    kc create token default -n lab-workloads --bound-object-kind Pod --bound-object-name "$p" \
      --duration 1h >"$dir/token.new" 2>/dev/null && [ -s "$dir/token.new" ]; then
    mv "$dir/token.new" "$dir/token"
    pod=$p
  fi
  last_pod=$SECONDS
}

sync() { # CA and endpoints, each kept on a failed read
  local ca eps
  ca=$(kc get configmap kube-root-ca.crt -n lab-workloads -o jsonpath='{.data.ca\.crt}' 2>/dev/null)
  [ -z "$ca" ] || printf '%s\n' "$ca" >"$dir/ca.crt"
  eps=$(kc get endpoints kubernetes -n default \
    -o jsonpath='{range .subsets[*].addresses[*]}{.ip}{" "}{end}' 2>/dev/null)
  [ -z "$eps" ] || read -r -a endpoints <<<"$eps"
  last_sync=$SECONDS
}

attempt() { # attempt REQUEST TRY ENDPOINT: one line, status 0 when the API answered 200
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$dir/ca.crt" \
    -H "Authorization: Bearer $(cat "$dir/token")" "https://$3:443/api" 2>/dev/null)
  local rc=$?
  local result=fail
  [ "$code" = 200 ] && result=ok
  [ "$rc" -eq 0 ] || code="curl-$rc"
  printf '%s %s %s %s %s %s %s\n' "$(date +%s.%N)" "$1" "$2" "$result" "$code" "$pod" "$3" >>"$out"
  [ "$result" = ok ]
}

until [ -e "$out.stop" ]; do
  [ $((SECONDS - last_pod)) -lt 2 ] || follow_pod
  [ $((SECONDS - last_sync)) -lt 10 ] || sync
  if [ "${#endpoints[@]}" -eq 0 ] || [ ! -s "$dir/token" ] || [ ! -s "$dir/ca.crt" ]; then
    sleep 1
    continue
  fi
  req=$((req + 1))
  start=$SECONDS
  for try in 1 2 3; do
    ep=${endpoints[$(((req + try) % ${#endpoints[@]}))]}
    attempt "$req" "$try" "$ep" && break
    [ $((SECONDS - start)) -lt 5 ] || break
    sleep 1
  done
  sleep 0.5
done
