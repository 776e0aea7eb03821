#!/usr/bin/env bash
# Issue 15's etcd figure: how many etcd members answer a health check, sampled a quarter second
# after the sample before, asked from master-0 with the client certificate and CA etcd itself
# uses there at that moment (they change during a rotation; each sample reads them again). A lab
# member restarts in about a second, which a sampler once a second (what issue 15 asks) can
# miss. One line per sample:
# "<epoch> <healthy> <of> [<ip>=<etcdctl's last error line>...] [retaken=<n>]", a field per
# member that failed, and how often the files were read again (snapshot, below).
# Runs as root on master-0 until <out file>.stop exists:
#   bash etcd-sampler.sh <out file> <master IP>...
set -u
out=$1
shift
: >"$out"
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
flag() { grep -o -- "--$1=[^ \"]*" /etc/default/etcd | head -n1 | cut -d= -f2; }

# snapshot: copies the CA, certificate and key etcd names now into $snap, once for the sample's
# three checks. install.sh renames each file into place on its own, so for a moment in a
# master-0 turn the certificate is new and the key old: a pair read then fails every check (a
# sampler artifact; etcd reads its files only when it starts, after the install). A snapshot
# whose certificate and key do not match is taken again; $retaken counts those.
snapshot() {
  local i
  for ((i = 0; i < 10; i++)); do
    if cp "$(flag trusted-ca-file)" "$snap/ca" && cp "$(flag cert-file)" "$snap/crt" &&
      cp "$(flag key-file)" "$snap/key" &&
      [ "$(openssl x509 -in "$snap/crt" -noout -pubkey)" = "$(openssl pkey -in "$snap/key" -pubout)" ]; then
      return 0
    fi
    retaken=$((retaken + 1))
    sleep 0.2
  done
  return 1
}

while [ ! -e "$out.stop" ]; do
  t=$(date +%s.%N) retaken=0
  snapshot 2>/dev/null
  for ip in "$@"; do
    # In parallel, each bounded: a sample takes at most ~3 s even with every member down.
    {
      if err=$(ETCDCTL_API=3 timeout 3 etcdctl --dial-timeout=1s --command-timeout=2s \
        --cacert="$snap/ca" --cert="$snap/crt" --key="$snap/key" \
        --endpoints="https://$ip:2379" endpoint health 2>&1 >/dev/null); then
        echo ok
      else
        echo "$ip=$(printf '%s' "${err:-timeout}" | tail -n1 | tr -s ' \t' '__' | cut -c1-160)"
      fi
    } &
  done >"$out.round"
  wait
  healthy=$(grep -c '^ok$' "$out.round")
  extra=$(grep -v '^ok$' "$out.round" | sed 's/^/ /' | tr -d '\n')
  [ "$retaken" = 0 ] || extra+=" retaken=$retaken"
  printf '%s %s %s%s\n' "$t" "$healthy" "$#" "$extra" >>"$out"
  sleep 0.25
done
