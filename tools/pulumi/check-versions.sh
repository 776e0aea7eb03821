#!/usr/bin/env bash
# Fails loudly, with the fix, when the npm SDK versions (package.json, package-lock.json and the
# installed node_modules) and the engine versions built from Go (versions.env, the go.mod files)
# disagree: a provider plugin is found only at exactly the version its SDK asks for.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=paths.sh
source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"
cd "$PROJECT_ROOT"

errors=0
fail() {
  echo "check-versions: $1" >&2
  echo "  fix: $2" >&2
  errors=$((errors + 1))
}

# json FILE EXPR: print a value of a JSON file (empty when missing).
json() {
  node -e '
    const fs = require("fs");
    const [file, path] = process.argv.slice(1);
    if (!fs.existsSync(file)) process.exit(0);
    let v = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const k of JSON.parse(path)) v = v == null ? undefined : v[k];
    if (v !== undefined) console.log(v);
  ' "$1" "$2"
}

check_sdk() { # npm-name versions.env-variable plugin-name
  local pkg="$1" var="$2" plugin="$3" want="${!2}"
  local in_json in_lock installed
  in_json="$(json package.json "[\"dependencies\",\"$pkg\"]")"
  in_lock="$(json package-lock.json "[\"packages\",\"node_modules/$pkg\",\"version\"]")"
  if [ "$in_json" != "$want" ]; then
    fail "package.json pins $pkg '${in_json:-<missing>}' but tools/pulumi/versions.env has $var=$want" \
      "npm install --save-exact --no-audit --no-fund $pkg@$want   (or change $var in tools/pulumi/versions.env to a version whose Go module the proxy serves, and rerun npm run setup)"
  fi
  if [ "$in_lock" != "$want" ]; then
    fail "package-lock.json resolves $pkg to '${in_lock:-<missing>}', not $want" \
      "npm install --save-exact --no-audit --no-fund $pkg@$want"
  fi
  if [ -n "$plugin" ] && [ -f "node_modules/$pkg/package.json" ]; then
    installed="$(json "node_modules/$pkg/package.json" '["pulumi","version"]')"
    installed="${installed:-$(json "node_modules/$pkg/package.json" '["version"]')}"
    if [ "$installed" != "$want" ]; then
      fail "node_modules/$pkg asks for the $plugin plugin $installed, but $want is built" \
        "npm ci   (node_modules is out of date with package-lock.json)"
    fi
  fi
}

check_sdk "@pulumi/pulumi" PULUMI_CLI_VERSION ""
check_sdk "@pulumi/command" PULUMI_COMMAND_VERSION command
check_sdk "@pulumi/tls" PULUMI_TLS_VERSION tls
check_sdk "@pulumi/kubernetes" PULUMI_KUBERNETES_VERSION kubernetes

if ! grep -Eq "^\s*(require )?github.com/pulumi/pulumi/pkg/v3 v$PULUMI_CLI_VERSION\$" tools/pulumi/go/go.mod; then
  fail "tools/pulumi/go/go.mod does not require github.com/pulumi/pulumi/pkg/v3 v$PULUMI_CLI_VERSION" \
    "cd tools/pulumi/go && go get github.com/pulumi/pulumi/pkg/v3@v$PULUMI_CLI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_CLI_VERSION && go mod tidy"
fi
if ! grep -Eq "^\s*(require )?github.com/pulumi/pulumi-kubernetes/provider/v4 $PULUMI_KUBERNETES_MODULE_VERSION\$" tools/pulumi/kubernetes/go.mod; then
  fail "tools/pulumi/kubernetes/go.mod does not require the kubernetes provider at $PULUMI_KUBERNETES_MODULE_VERSION (the commit of v$PULUMI_KUBERNETES_VERSION)" \
    "cd tools/pulumi/kubernetes && go get github.com/pulumi/pulumi-kubernetes/provider/v4@$PULUMI_KUBERNETES_MODULE_VERSION && go mod tidy"
fi

if [ "$errors" -gt 0 ]; then
  echo "check-versions: $errors mismatch(es) between the npm SDKs and the Pulumi engine; nothing was built." >&2
  exit 1
fi
echo "check-versions: SDKs and engine agree (CLI $PULUMI_CLI_VERSION, command $PULUMI_COMMAND_VERSION, tls $PULUMI_TLS_VERSION, kubernetes $PULUMI_KUBERNETES_VERSION)"
