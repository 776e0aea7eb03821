# shellcheck shell=bash
# Source this (`source tools/pulumi/lab-env.sh`) for the lab's own stacks (dev, bench, the e2e
# tests' stack): tools/pulumi/env.sh, plus the lab's passphrase, which is public (it is written
# here) and so protects nothing but the lab's throw-away PKI. The program refuses it for a stack
# whose cluster the lab did not make (components/config/stackSecrets.ts). A passphrase already
# set (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE) is kept.
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh" || return 1

if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="aks-rotate-certs-lab"
fi
