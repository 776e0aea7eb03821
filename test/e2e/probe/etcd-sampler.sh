#!/usr/bin/env bash
# Issue 15's etcd figure: once a second, how many etcd members answer a health check, asked from
# master-0 with the client certificate and CA etcd itself uses there at that moment (they change
# during a rotation; each sample reads them again). One line per second:
# "<epoch> <healthy> <of> [<ip>=<etcdctl's last error line>...]", a field per member that failed.
# Runs as root on master-0 until <out file>.stop exists:
#   bash etcd-sampler.sh <out file> <master IP>...
set -u
out=$1
shift
: >"$out"
flag() { grep -o -- "--$1=[^ \"]*" /etc/default/etcd | head -n1 | cut -d= -f2; }
while [ ! -e "$out.stop" ]; do
  t=$(date +%s.%N) healthy=0
  ca=$(flag trusted-ca-file) cert=$(flag cert-file) key=$(flag key-file)
  for ip in "$@"; do
    # In parallel, each bounded: a sample takes at most ~3 s even with every member down.
    {
      if err=$(ETCDCTL_API=3 timeout 3 etcdctl --dial-timeout=1s --command-timeout=2s \
        --cacert="$ca" --cert="$cert" --key="$key" --endpoints="https://$ip:2379" \
        endpoint health 2>&1 >/dev/null); then
        echo ok
      else
        echo "$ip=$(printf '%s' "${err:-timeout}" | tail -n1 | tr -s ' \t' '__' | cut -c1-160)"
      fi
    } &
  done >"$out.round"
  wait
  healthy=$(grep -c '^ok$' "$out.round")
  printf '%s %s %s%s\n' "$t" "$healthy" "$#" "$(grep -v '^ok$' "$out.round" | sed 's/^/ /' | tr -d '\n')" >>"$out"
  sleep 1
done
