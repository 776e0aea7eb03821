# shellcheck shell=bash
# Where the project's Pulumi engine lives. Sourced by setup.sh, build.sh, check-versions.sh and
# env.sh; defines variables only.

PULUMI_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(cd "$PULUMI_TOOLS_DIR/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=versions.env
source "$PULUMI_TOOLS_DIR/versions.env"

# Tool caches live outside the repository, keyed by version.
PULUMI_CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/aks-rotate-certs"
PULUMI_ENGINE_DIR="$PULUMI_CACHE_ROOT/pulumi-$PULUMI_CLI_VERSION"
# The CLI and the Node.js language host, side by side (the CLI looks for its host next to itself).
PULUMI_ENGINE_BIN="$PULUMI_ENGINE_DIR/bin"
# PULUMI_HOME for the project: plugins/resource-<name>-v<version>/ holds the provider plugins.
PULUMI_ENGINE_HOME="$PULUMI_ENGINE_DIR/home"
# setup.sh records here which CLI it chose (built, or a matching one already on PATH).
PULUMI_ENGINE_CHOICE="$PROJECT_ROOT/.work/pulumi-engine.env"

export PULUMI_TOOLS_DIR PROJECT_ROOT PULUMI_CACHE_ROOT PULUMI_ENGINE_DIR PULUMI_ENGINE_BIN \
  PULUMI_ENGINE_HOME PULUMI_ENGINE_CHOICE
