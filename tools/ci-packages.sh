#!/usr/bin/env bash
# Debian packages the tests and the lab need; a fresh machine lacks them.
set -euo pipefail

packages=(
  shellcheck
  # the lab's nodes: real sshd, etcd, sudo, namespaces and systemd
  openssh-server openssh-client sudo etcd-server etcd-client iproute2 util-linux systemd
  # dbus: unprivileged `systemctl` inside a node talks to systemd over it (as on a VM)
  dbus
  openssl jq
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
