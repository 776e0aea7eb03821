#!/usr/bin/env bash
# One lab session for issue 15's figures: a staged rotation, then a cut-over, each with Probe A
# running from before its first step to after its last; every node's certificate files listed
# after each (path, mode, owner; the two listings must be equal). Run inside the lab lock with the
# lab down, from the repository root:
#   flock /tmp/aks-lab-turn.lock bash test/e2e/probe/session.sh   (brings the lab down at the end)
# Results in .work/probe/.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
out=.work/probe
rm -rf "$out" && mkdir -p "$out"
stack=lab-staged
trap 'stop_probe; [ -z "${feeder_pid:-}" ] || kill "$feeder_pid" 2>/dev/null; rm -f Pulumi.$stack.yaml; npm run --silent lab -- down >"$out/lab-down.log" 2>&1' EXIT
# The probe runs in its own process group (setsid), ended as a whole; only ever that group.
stop_probe() {
  if [ -n "${probe_pid:-}" ]; then
    kill -TERM -- "-$probe_pid" 2>/dev/null
    wait "$probe_pid" 2>/dev/null
    probe_pid=
  fi
}
log() { printf '%s %s\n' "$(date -u +%T)" "$*" | tee -a "$out/session.log"; }

log "lab up"
npm run --silent lab -- up --key-bits 2048 >"$out/lab-up.log" 2>&1 || { log "lab up failed"; exit 1; }
# shellcheck source=/dev/null
source tools/pulumi/lab-env.sh
m0=10.240.255.5
ssh_m0() { bash lab/ssh.sh "$m0" "$@"; }

# The probe's credentials: a bootstrap token allowed to read and patch one ConfigMap.
id=probea secret=0123456789abcdef
ssh_m0 sudo kubectl --kubeconfig /var/lib/kubelet/kubeconfig apply -f - >"$out/probe-rbac.log" 2>&1 <<YAML
apiVersion: v1
kind: Secret
metadata: {name: bootstrap-token-$id, namespace: kube-system}
type: bootstrap.kubernetes.io/token
stringData: {token-id: $id, token-secret: $secret, usage-bootstrap-authentication: "true", auth-extra-groups: "system:bootstrappers:probe"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: probe-a, namespace: default}
data: {n: "0"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: probe-a, namespace: default}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [probe-a], verbs: [get, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: probe-a, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: probe-a}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:bootstrappers:probe"}]
YAML
printf '%s.%s\n' "$id" "$secret" >"$out/token"

# The bundle the probe trusts: the CA in place, plus each rotation's new CA once it is staged.
cp .work/lab/pki/ca.crt "$out/ca.pem"
feed_new_ca() {
  local staged=/etc/kubernetes/rotate-certs/certs/etc/kubernetes/certs/ca.crt
  while sleep 2; do
    if ssh_m0 sudo cat "$staged" >"$out/new-ca.tmp" 2>/dev/null && [ -s "$out/new-ca.tmp" ] &&
      ! grep -qF "$(sed -n 2p "$out/new-ca.tmp")" "$out/ca.pem"; then
      cat "$out/new-ca.tmp" >>"$out/ca.pem"
      log "probe trusts the staged new CA too"
    fi
  done
}

listing() {
  local n
  for n in $(jq -r '.nodes[].name' .work/lab/nodes.json); do
    bash lab/ssh.sh "$n" sudo bash -c "'find /etc/kubernetes/certs /etc/kubernetes/rotate-certs/signer -type f -printf \"%p %m %u %g\n\" 2>/dev/null | sort; grep -o -- \"--cluster-signing-[a-z]*-file=[^ ]*\" /etc/kubernetes/kube-controller-manager.env 2>/dev/null'" |
      sed "s|^|$n |"
  done
}

run() { # run NAME MODE ROTATION_ID
  local name=$1 mode=$2 rid=$3
  pulumi config set rotationMode "$mode" --stack $stack
  pulumi config set rotationId "$rid" --stack $stack
  pulumi preview --stack $stack >"$out/$name-preview.log" 2>&1
  # Its own process group, ended as a whole (npx would not pass the signal on).
  setsid node_modules/.bin/tsx test/e2e/probe/probeA.ts https://10.240.255.15 "$out/ca.pem" \
    "$out/token" "$out/$name-probe.jsonl" &
  probe_pid=$!
  sleep 5
  log "$name: pulumi up ($mode, rotationId $rid)"
  local t0=$SECONDS
  # Every progress line stamped with the time it was printed: the phases of the probe's report.
  pulumi up --yes --skip-preview --stack $stack 2>&1 |
    while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$out/$name-up.log"
  local rc=${PIPESTATUS[0]}
  log "$name: pulumi up exited $rc after $((SECONDS - t0)) s"
  sleep 5
  stop_probe
  npx tsx test/e2e/probe/report.ts "$out/$name-probe.jsonl" "$out/$name-up.log" >"$out/$name-report.json"
  listing >"$out/$name-files.txt"
  return "$rc"
}

cp Pulumi.dev.yaml Pulumi.$stack.yaml
pulumi stack select --create $stack >/dev/null
pulumi config set keySize 2048 --stack $stack
pulumi config set rebootStrategy none --stack $stack
feed_new_ca & feeder_pid=$!
run staged staged s1 && run cutover cutover c1
log "done"
