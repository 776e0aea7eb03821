# shellcheck shell=bash
# Source this (`source tools/pulumi/env.sh`) to run the project's Pulumi engine offline; the
# `pulumi` bin of node_modules (npx pulumi, npm scripts) does so itself. It exports:
#   PULUMI_ENGINE_CLI   the pulumi binary `npm run setup` chose; its directory goes first on PATH
#                       (the Node.js language host sits next to it)
#   PULUMI_HOME         the engine's home with the provider plugins, unless already set
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, PULUMI_SKIP_UPDATE_CHECK=true
#                       (unless already set): no download is ever attempted
#   PULUMI_BACKEND_URL  file://<project>/.work/pulumi-state, unless already set or PULUMI_HOME
#                       has a `pulumi login` (Pulumi Cloud, azblob://…, …)
# No passphrase: a stack's keys are protected by the operator's own (PULUMI_CONFIG_PASSPHRASE_FILE)
# or by a secrets provider. The lab's stacks get the lab's public one from lab-env.sh.
# shellcheck source-path=SCRIPTDIR source=paths.sh
source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"

if [ ! -f "$PULUMI_ENGINE_CHOICE" ]; then
  echo "tools/pulumi/env.sh: no Pulumi engine is set up for this project: run \`npm run setup\` first" >&2
  return 1
fi
# shellcheck source=/dev/null
source "$PULUMI_ENGINE_CHOICE"
if [ ! -x "${PULUMI_ENGINE_CLI:-}" ]; then
  echo "tools/pulumi/env.sh: ${PULUMI_ENGINE_CLI:-the Pulumi CLI} is gone (cache cleared?): run \`npm run setup\`" >&2
  return 1
fi
export PULUMI_ENGINE_CLI
case ":$PATH:" in
  *":${PULUMI_ENGINE_CLI%/*}:"*) ;;
  *) export PATH="${PULUMI_ENGINE_CLI%/*}:$PATH" ;;
esac

export PULUMI_HOME="${PULUMI_HOME:-$PULUMI_ENGINE_HOME}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"

# A `pulumi login` (its "current" backend in credentials.json) or an explicit PULUMI_BACKEND_URL
# wins; otherwise the state stays in the project's working area.
if [ -z "${PULUMI_BACKEND_URL:-}" ] &&
  ! grep -Eqs '"current": *"[^"]+"' "$PULUMI_HOME/credentials.json"; then
  mkdir -p "$PROJECT_ROOT/.work/pulumi-state"
  export PULUMI_BACKEND_URL="file://$PROJECT_ROOT/.work/pulumi-state"
fi
