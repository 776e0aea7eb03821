#!/usr/bin/env bash
# Builds the lab's Kubernetes control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler from the published k8s.io/kubernetes module, see go.mod) and the lab's own
# programs (lab/control-plane: standin-kubelet, ilb; standard library only), cached by version
# outside the repo. Prints the bin directory on stdout; progress goes to stderr.
# A second run with unchanged inputs only compares stamps and returns at once.
# Usage: tools/kubernetes/build.sh [--force]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lab_src="$repo/lab/control-plane"

# The version is the one go.mod requires; the cache directory is keyed by it.
version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 }' "$here/go.mod")"
if [[ ! "$version" =~ ^v1\.([0-9]+)\.([0-9]+)$ ]]; then
  echo "build.sh: cannot read the k8s.io/kubernetes version from $here/go.mod" >&2
  exit 1
fi
minor="${BASH_REMATCH[1]}"
bin="${XDG_CACHE_HOME:-$HOME/.cache}/aks-rotate-certs/kubernetes-$version/bin"

force=false
[ "${1:-}" = "--force" ] && force=true
mkdir -p "$bin"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export CGO_ENABLED=0

# What hack/lib/version.sh stamps into a release build, so `--version` prints the version and
# the API server's compatibility version matches its binary version. The build date is the
# module's publication time, so the stamp (and the binaries) do not change from run to run.
k8s_ldflags="-s -w"
build_date="$(cd "$here" && go mod download -json "k8s.io/kubernetes@$version" |
  sed -n 's/.*"Time": "\(.*\)".*/\1/p')"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
done

# A stamp covers every input of its binaries: Go version, flags, and module files or sources.
k8s_stamp="$(cat <(go version) <(echo "$k8s_ldflags") "$here/go.mod" "$here/go.sum" | sha256sum)"
lab_stamp="$(
  find "$lab_src" -type f \( -name '*.go' -o -name go.mod \) -print0 | sort -z |
    xargs -0 cat <(go version) | sha256sum
)"

fresh() { # fresh STAMP_FILE STAMP BINARY...: built from these inputs already
  local file="$1" want="$2" b
  shift 2
  [ -f "$file" ] && [ "$(cat "$file")" = "$want" ] || return 1
  for b in "$@"; do [ -x "$bin/$b" ] || return 1; done
}

if $force || ! fresh "$bin/.stamp-kubernetes" "$k8s_stamp" kube-apiserver kube-controller-manager kube-scheduler; then
  rm -f "$bin/.stamp-kubernetes"
  start=$SECONDS
  echo "build.sh: building Kubernetes $version into $bin (cold: about 30 min on 2 cores)" >&2
  (
    cd "$here"
    go build -trimpath -ldflags "$k8s_ldflags" -o "$bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler
  )
  echo "$k8s_stamp" >"$bin/.stamp-kubernetes"
  echo "build.sh: Kubernetes built in $((SECONDS - start)) s" >&2
fi

if $force || ! fresh "$bin/.stamp-lab" "$lab_stamp" standin-kubelet ilb; then
  rm -f "$bin/.stamp-lab"
  (
    cd "$lab_src"
    go build -trimpath -ldflags "-s -w" -o "$bin/" ./standin-kubelet ./ilb
  )
  echo "$lab_stamp" >"$bin/.stamp-lab"
fi
echo "$bin"
