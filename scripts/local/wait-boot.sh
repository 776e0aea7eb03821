#!/usr/bin/env bash
# Waits, from the operator's machine, until a rebooting node is back and has booted again: runs
# <remote command> (wait-reboot.sh, which fails while the old boot is still up) over OpenSSH,
# through the jump host unless the node is the jump host, every 2 s until it succeeds or
# <timeout> seconds pass, and prints its output. The waiting is this script's own loop, not a
# command provider's dial retries, so it behaves the same whichever provider runs it, and it
# outlasts a node that refuses logins for a while after boot (pam_nologin until
# systemd-user-sessions has run) as well as one that is still down.
#
# The SSH private key comes on stdin (a secret: never an argument); it lives in a 0600 file of a
# private temporary folder for the length of the wait. Host keys are pinned when given.
#
# usage: wait-boot.sh <user> <node address> <node host key|-> <jump address|-> <jump host key|->
#                     <remote command> <timeout seconds>
set -euo pipefail

[ $# -eq 7 ] || {
  echo "usage: wait-boot.sh <user> <node> <node host key|-> <jump|-> <jump host key|-> <remote command> <timeout>" >&2
  exit 2
}
user=$1 node=$2 node_key=$3 jump=$4 jump_key=$5 remote=$6 timeout=$7

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
private_key_from_stdin wait-boot.sh

# pin HOST KEY: a known_hosts line, or host-key checking off when no key is pinned.
: >"$work/known_hosts"
pinning=yes
pin() {
  if [ "$2" = - ]; then pinning=no; else printf '%s %s\n' "$1" "$2" >>"$work/known_hosts"; fi
}
pin "$node" "$node_key"
[ "$jump" = - ] || pin "$jump" "$jump_key"

opts=(-i "$work/key" -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5
  -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o LogLevel=ERROR)
if [ "$pinning" = yes ]; then
  # Quoted: ssh splits this option's value at spaces (a list of files).
  opts+=(-o StrictHostKeyChecking=yes -o "UserKnownHostsFile=\"$work/known_hosts\"")
else
  opts+=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null)
fi
if [ "$jump" != - ]; then
  # ProxyCommand, not -J: a ProxyJump connection does not take the options above.
  printf -v proxy '%q ' "${opts[@]}"
  opts+=(-o "ProxyCommand=ssh ${proxy}-W %h:%p $user@$jump")
fi

deadline=$((SECONDS + timeout))
tries=0
while :; do
  tries=$((tries + 1))
  if out=$(ssh -n "${opts[@]}" "$user@$node" "$remote" 2>"$work/err"); then
    printf '%s\n' "$out"
    echo "wait-boot.sh: $node answered after $tries tries" >&2
    exit 0
  fi
  # A host key that does not match is an attack or a wrong pin, not a node still booting.
  if grep -q "Host key verification failed" "$work/err"; then
    echo "wait-boot.sh: $node: host key verification failed; check sshKnownHostsPath" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "wait-boot.sh: $node did not come back within ${timeout}s ($tries tries); last error: $(tail -n 1 "$work/err")" >&2
    exit 1
  fi
  sleep 2
done
