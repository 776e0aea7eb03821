#!/usr/bin/env bash
# Shared by the operator-side scripts that log in to nodes over OpenSSH (sourced, not run).

# private_key_from_stdin NAME: the SSH private key comes on stdin (a secret: never an argument)
# and lives in the 0600 file "$work/key" of a private temporary folder, removed on exit. NAME is
# the script, for the message when stdin holds nothing.
private_key_from_stdin() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  chmod 0700 "$work"
  (umask 077 && cat >"$work/key")
  [ -s "$work/key" ] || {
    echo "$1: no SSH key on stdin" >&2
    exit 2
  }
}
