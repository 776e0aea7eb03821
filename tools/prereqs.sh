#!/usr/bin/env bash
# Everything the README's commands need on a fresh machine, each step skipped when it is done:
#   1. the Debian packages of the tests and the lab (apt-get as root; otherwise one line with
#      the exact command to run);
#   2. node_modules (`npm ci` when missing or older than package-lock.json);
#   3. the offline Pulumi engine and the lab's binaries (`npm run setup`, cached by version).
# `npm run rotate` and `npm test` run it first; `bash tools/prereqs.sh packages` does step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, and what needs them.
packages=(
  shellcheck
  # the lab's nodes: real sshd, etcd, sudo, namespaces and systemd
  openssh-server openssh-client sudo etcd-server etcd-client iproute2 util-linux systemd
  # dbus: unprivileged `systemctl` inside a node talks to systemd over it (as on a VM)
  dbus
  openssl jq
)

install_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "prereqs: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "prereqs: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "prereqs: npm ci"
    npm ci --no-audit --no-fund
  fi
}

install_packages
[ "${1:-}" = packages ] && exit 0
node_modules
npm run --silent setup
