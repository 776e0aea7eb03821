#!/usr/bin/env bash
# Probes, from the operator's machine and before any step touches a node, that the jump host and
# every node take the program's SSH login, once each, over OpenSSH: the route and pins are the
# remote steps' (sshRoute). A command provider retries every failed dial (upstream pulumi-command
# 10 times per node, whatever the error), so a wrong key or pin would surface once per node after
# retries, naming no config key. Here a refused login or a host key that is not the pinned one is
# final at the first try, and the one line printed (stderr) names the config key to fix. Only an
# unreachable jump host is tried again (3 tries, 2 s apart): a network blip is not a mistake.
#
# The SSH private key comes on stdin; everything else in the environment (not the command line,
# which a failure's message quotes):
#   PROBE_USER           the SSH user
#   PROBE_JUMP           "<address> <host key|->"; the nodes are reached through it
#   PROBE_NODES          one "<node> <address> <host key|-|jump>" per line; "jump": it is the jump host
#   PROBE_KEY_FROM       where the key came from, for the message (sshPrivateKeyPath <file>, …)
#   PROBE_KNOWN_HOSTS    the pinned keys' file, for the message
#   PROBE_TIMEOUT        seconds per connection attempt
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
private_key_from_stdin ssh-probe.sh
user=$PROBE_USER
read -r jump jump_key <<<"$PROBE_JUMP"

base=(-i "$work/key" -o BatchMode=yes -o IdentitiesOnly=yes -o "ConnectTimeout=$PROBE_TIMEOUT"
  -o LogLevel=ERROR -o ServerAliveInterval=5 -o ServerAliveCountMax=3)

# ssh_opts HOST KEY: the options that pin KEY for HOST ("-": host keys not verified).
ssh_opts() {
  if [ "$2" = - ]; then
    printf '%s\0' "${base[@]}" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    return
  fi
  local file
  file=$(mktemp "$work/known_hosts.XXXXXX")
  printf '%s %s\n' "$1" "$2" >"$file"
  # Quoted: ssh splits this option's value at spaces (a list of files).
  printf '%s\0' "${base[@]}" -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=\"$file\""
}

fail() {
  printf '%s\n' "$*" >&2
  exit 1
}

# why FILE: the last line ssh wrote, without its full stop, for the message.
why() { tail -n 1 "$1" | tr -d '\r' | sed 's/\.$//'; }

# verdict HOST WHERE ERRFILE: fails with the config key to fix when ERRFILE shows a refused login
# or a host key mismatch; returns otherwise.
verdict() {
  if grep -q "Permission denied" "$3"; then
    fail "config sshPrivateKey/sshPrivateKeyPath or sshUser: $2 refused the login as $user with the key of $PROBE_KEY_FROM ($(why "$3")). Set the cluster's admin key (the one given to aks-engine) and sshUser to its admin user (apimodel's adminUsername)."
  fi
  if grep -Eq "Host key verification failed|HOST IDENTIFICATION HAS CHANGED" "$3"; then
    fail "config sshKnownHostsPath: $2 showed a host key that is not the one pinned for $1 in $PROBE_KNOWN_HOSTS (host key verification failed): a man in the middle, or a machine re-created since the scan. Check it, then pin its key again (ssh-keyscan through the jump host)."
  fi
}

mapfile -t -d '' jump_opts < <(ssh_opts "$jump" "$jump_key")
for try in 1 2 3; do
  ssh -n "${jump_opts[@]}" "$user@$jump" true 2>"$work/err" && break
  verdict "$jump" "the jump host $jump" "$work/err"
  [ "$try" -lt 3 ] || fail "config jumpHost: $jump is unreachable over SSH ($(why "$work/err"); 3 tries). Set jumpHost to an SSH host that reaches every node (default: the API server FQDN), or check the network to it."
  sleep 2
done

printf -v proxy '%q ' "${jump_opts[@]}"

# probe_node I ADDRESS KEY: one login to a node through the jump host; its stderr goes to
# $work/I.err and its exit status to $work/I.rc (the verdicts come after, in the nodes' order).
probe_node() {
  local opts rc=0
  mapfile -t -d '' opts < <(ssh_opts "$2" "$3")
  opts+=(-o "ProxyCommand=ssh ${proxy}-W %h:%p $user@$jump")
  ssh -n "${opts[@]}" "$user@$2" true 2>"$work/$1.err" || rc=$?
  echo "$rc" >"$work/$1.rc"
}

# Several nodes at once, or a large cluster's probe takes a login's time per node; few enough
# that the jump host's sshd never holds more than its MaxStartups (10) logins in progress.
parallel=6
rows=()
while read -r node address key; do
  if [ -z "$node" ] || [ "$key" = jump ]; then continue; fi
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  probe_node "${#rows[@]}" "$address" "$key" &
  rows+=("$node $address")
done <<<"$PROBE_NODES"
wait

# The first node in the list that failed is the one named, whatever order the logins ended in.
for i in "${!rows[@]}"; do
  read -r node address <<<"${rows[$i]}"
  [ "$(cat "$work/$i.rc")" != 0 ] || continue
  verdict "$address" "node $node ($address)" "$work/$i.err"
  fail "ssh: node $node ($address) is unreachable through the jump host $jump ($(why "$work/$i.err")). Start it, or set config jumpHost to a host that reaches every node."
done
echo "ssh-probe.sh: the jump host and every node take the login"
