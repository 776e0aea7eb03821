#!/usr/bin/env bash
# Builds the project's Pulumi engine from Go modules into the cache (paths.sh), each part only
# when it is missing or its build key (version + hash of the Go sources that make it) changed:
#   cli         the upstream CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at v$PULUMI_CLI_VERSION
#   host        this project's Node.js language host (tools/pulumi/go/cmd/pulumi-language-nodejs)
#   command tls this project's provider plugins (tools/pulumi/go/cmd/pulumi-resource-*)
#   kubernetes  the upstream kubernetes provider (tools/pulumi/kubernetes wraps its module)
# Usage: build.sh [part...]   (default: all, in the order above)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=paths.sh
source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"

if ! command -v go >/dev/null; then
  echo "build.sh: no Go toolchain on PATH; the engine is built from Go modules (see tools/pulumi/README.md)" >&2
  exit 1
fi
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

GO_DIR="$PULUMI_TOOLS_DIR/go"
K8S_DIR="$PULUMI_TOOLS_DIR/kubernetes"
SDK_VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
K8S_VERSION_VAR=github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version

# source_hash DIR: a short hash of the Go sources of a module directory.
source_hash() {
  (cd "$1" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# build_part NAME TARGET KEY BUILD-COMMAND...: runs BUILD-COMMAND with a temporary output path
# appended, then moves the result to TARGET and records KEY beside it.
build_part() {
  local name="$1" target="$2" key="$3"
  shift 3
  if [ -x "$target" ] && [ "$(cat "$target.build-key" 2>/dev/null)" = "$key" ]; then
    echo "pulumi engine: $name is up to date ($target)"
    return
  fi
  echo "pulumi engine: building $name ..."
  # Build outside the target directory: an empty plugins/resource-* directory would look like
  # an installed plugin to the CLI.
  local start=$SECONDS tmp
  mkdir -p "$PULUMI_ENGINE_DIR/tmp"
  tmp="$(mktemp "$PULUMI_ENGINE_DIR/tmp/build.XXXXXX")"
  if ! "$@" "$tmp"; then
    rm -f "$tmp"
    echo "pulumi engine: building $name failed" >&2
    return 1
  fi
  mkdir -p "$(dirname "$target")"
  mv -f "$tmp" "$target"
  echo "$key" >"$target.build-key"
  echo "pulumi engine: built $name in $((SECONDS - start))s -> $target"
}

plugin_path() { # name version
  echo "$PULUMI_ENGINE_HOME/plugins/resource-$1-v$2/pulumi-resource-$1"
}

go_build_cli() {
  (cd "$GO_DIR" && go build -trimpath -ldflags "-s -w -X $SDK_VERSION_VAR=v$PULUMI_CLI_VERSION" \
    -o "$1" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
}
go_build_host() {
  (cd "$GO_DIR" && go build -trimpath -ldflags "-s -w -X $SDK_VERSION_VAR=v$PULUMI_CLI_VERSION" \
    -o "$1" ./cmd/pulumi-language-nodejs)
}
go_build_provider() { # name version out
  (cd "$GO_DIR" && go build -trimpath -ldflags "-s -w -X main.version=$2" -o "$3" "./cmd/pulumi-resource-$1")
}

# The kubernetes provider embeds its schema and terraform mapping, which its module ships as
# schema.json / terraform-mapping.json: build from a copy of the wrapper module that has them.
go_build_kubernetes() {
  local src="$PULUMI_ENGINE_DIR/src/kubernetes"
  rm -rf "$src"
  mkdir -p "$src"
  cp "$K8S_DIR/go.mod" "$K8S_DIR/go.sum" "$K8S_DIR/main.go" "$src/"
  local mod
  mod="$(cd "$src" && go mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4 | jq -r .Dir)"
  jq -c --arg v "$PULUMI_KUBERNETES_VERSION" '.version = $v' \
    "$mod/cmd/pulumi-resource-kubernetes/schema.json" >"$src/schema-embed.json"
  jq -c . "$mod/cmd/pulumi-resource-kubernetes/terraform-mapping.json" >"$src/terraform-mapping-embed.json"
  (cd "$src" && go build -trimpath -ldflags "-s -w -X $K8S_VERSION_VAR=$PULUMI_KUBERNETES_VERSION" -o "$1" .)
  rm -rf "$src"
}

parts=("$@")
[ "${#parts[@]}" -gt 0 ] || parts=(cli host command tls kubernetes)
own_hash="$(source_hash "$GO_DIR")"
for part in "${parts[@]}"; do
  case "$part" in
    cli)
      build_part "CLI v$PULUMI_CLI_VERSION" "$PULUMI_ENGINE_BIN/pulumi" \
        "v$PULUMI_CLI_VERSION $(cat "$GO_DIR/go.mod" "$GO_DIR/go.sum" | sha256sum | cut -c1-16)" go_build_cli
      ;;
    host)
      build_part "Node.js language host" "$PULUMI_ENGINE_BIN/pulumi-language-nodejs" \
        "v$PULUMI_CLI_VERSION $own_hash" go_build_host
      ;;
    command)
      build_part "command plugin $PULUMI_COMMAND_VERSION" "$(plugin_path command "$PULUMI_COMMAND_VERSION")" \
        "$PULUMI_COMMAND_VERSION $own_hash" go_build_provider command "$PULUMI_COMMAND_VERSION"
      ;;
    tls)
      build_part "tls plugin $PULUMI_TLS_VERSION" "$(plugin_path tls "$PULUMI_TLS_VERSION")" \
        "$PULUMI_TLS_VERSION $own_hash" go_build_provider tls "$PULUMI_TLS_VERSION"
      ;;
    kubernetes)
      build_part "kubernetes plugin $PULUMI_KUBERNETES_VERSION" \
        "$(plugin_path kubernetes "$PULUMI_KUBERNETES_VERSION")" \
        "$PULUMI_KUBERNETES_VERSION $(source_hash "$K8S_DIR")" go_build_kubernetes
      ;;
    *)
      echo "build.sh: unknown part '$part' (cli host command tls kubernetes)" >&2
      exit 2
      ;;
  esac
done
