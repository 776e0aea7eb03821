#!/usr/bin/env bash
# `npm run setup`: makes a real Pulumi engine available to the project, without internet.
# In order of preference:
#   1. a `pulumi` already on PATH whose version is @pulumi/pulumi's (tools/pulumi/versions.env);
#   2. otherwise, with Go and the Go module proxy: the CLI built from its Go module into
#      ${XDG_CACHE_HOME:-~/.cache}/aks-rotate-certs/pulumi-<version>/ (a second run takes seconds);
#   3. otherwise, on a machine with internet: says how to run the official installer.
# Provider plugins (command, tls, kubernetes) are built from Go into the engine's PULUMI_HOME at
# the versions the npm SDKs request. `npx pulumi` then runs it offline (tools/pulumi/env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source-path=SCRIPTDIR source=pulumi/paths.sh
source tools/pulumi/paths.sh
start=$SECONDS

bash tools/pulumi/check-versions.sh

# A first run on a machine builds everything from Go modules: say so before it starts (figures
# of a cold run on 2 cores: CLI 398 s, kubernetes provider 752 s, Kubernetes binaries 470 s).
if [ ! -x "$PULUMI_ENGINE_BIN/pulumi" ]; then
  echo "setup: first run on this machine: building from Go modules the Pulumi CLI (~7 min)," \
    "the kubernetes provider (~13 min), the own language host and plugins (seconds) and the" \
    "lab's Kubernetes binaries (~8 min): about 25-30 min on 2 cores, cached in $PULUMI_CACHE_ROOT;" \
    "later runs take seconds."
fi

# 1. A matching pulumi on PATH, other than this project's own wrapper and cache.
cli=""
own=("$(readlink -f tools/pulumi/bin-package/pulumi.sh)" "$(readlink -f "$PULUMI_ENGINE_BIN/pulumi" 2>/dev/null || true)")
while read -r candidate; do
  real="$(readlink -f "$candidate")"
  [ "$real" = "${own[0]}" ] || [ "$real" = "${own[1]}" ] && continue
  if [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$candidate" version 2>/dev/null || true)" = "v$PULUMI_CLI_VERSION" ]; then
    cli="$real"
    echo "setup: using the pulumi v$PULUMI_CLI_VERSION on PATH: $cli"
    break
  fi
done < <(type -ap pulumi || true)

have_go=false
command -v go >/dev/null && have_go=true

# 2. Build from Go modules.
if [ -z "$cli" ] && $have_go; then
  bash tools/pulumi/build.sh cli host
  cli="$PULUMI_ENGINE_BIN/pulumi"
fi

# 3. The official installer needs internet; only say how.
if [ -z "$cli" ]; then
  echo "setup: no pulumi v$PULUMI_CLI_VERSION on PATH and no Go toolchain to build one." >&2
  # Setup never probes the internet itself (this project's machines reach only package
  # registries); it says what to do on either kind of machine.
  echo "setup: either install Go (>= 1.25) so the engine is built from the Go module proxy," >&2
  echo "  or, on a machine with internet, run the official installer and rerun setup:" >&2
  echo "  curl -fsSL https://get.pulumi.com | sh -s -- --version $PULUMI_CLI_VERSION" >&2
  echo "  export PATH=\"\$HOME/.pulumi/bin:\$PATH\" && npm run setup" >&2
  exit 1
fi

# Provider plugins, at exactly the SDKs' versions.
if $have_go; then
  bash tools/pulumi/build.sh command tls
  # kubernetes is the heaviest build; a failure is reported and leaves the rest usable.
  if ! bash tools/pulumi/build.sh kubernetes; then
    echo "setup: WARNING: the kubernetes provider plugin $PULUMI_KUBERNETES_VERSION could not be built;" \
      "programs that use @pulumi/kubernetes will fail to load it" >&2
  fi
else
  echo "setup: WARNING: no Go toolchain: provider plugins are only those already in $PULUMI_ENGINE_HOME" >&2
fi

# The lab's Kubernetes binaries (kube-apiserver, controller-manager, scheduler, the stand-in
# kubelet, the internal LB), cached by version like the engine, so the first `lab up` does not
# carry a cold build. A real cluster needs none of them: SETUP_SKIP_LAB_BUILD=1 skips them.
if $have_go && [ "${SETUP_SKIP_LAB_BUILD:-0}" != 1 ]; then
  echo "setup: the lab's Kubernetes binaries (tools/kubernetes/build.sh)"
  bash tools/kubernetes/build.sh >/dev/null
fi

mkdir -p "$(dirname "$PULUMI_ENGINE_CHOICE")"
printf 'PULUMI_ENGINE_CLI=%q\n' "$cli" >"$PULUMI_ENGINE_CHOICE"

# shellcheck source-path=SCRIPTDIR source=pulumi/env.sh
source tools/pulumi/env.sh
echo "setup: $("$PULUMI_ENGINE_CLI" version) at $PULUMI_ENGINE_CLI; PULUMI_HOME=$PULUMI_HOME"
"$PULUMI_ENGINE_CLI" plugin ls
echo "setup: done in $((SECONDS - start))s; run the engine with \`npx pulumi …\` (offline, backend ${PULUMI_BACKEND_URL:-from pulumi login})"
