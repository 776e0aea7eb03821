#!/usr/bin/env bash
# Records the timeline's unit-test fixture from a real engine run: the program of
# test/engine/fixtures/timeline (local commands named like the rotation's steps, a tls key) taken
# through tools/timeline/up.sh (`pulumi up --json`, the events filtered by keep.jq, the timeline
# drawn) on a throw-away stack, and the
# stack's dependency graph (`pulumi stack export`, each resource's urn, type, parent, provider and
# dependencies only). Writes test/unit/timeline/fixtures/{events.jsonl,state.json}.
# usage: bash tools/timeline/record-fixture.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/test/unit/timeline/fixtures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/state" "$out"
cp -r "$root/test/engine/fixtures/timeline" "$work/project"
# The SDKs resolve from the project's own node_modules, as in test/engine (copyFixture).
ln -s "$root/node_modules" "$work/project/node_modules"
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE=timeline-fixture
export PULUMI_NODEJS_TRANSPILE_ONLY=true
# shellcheck source-path=SCRIPTDIR source=../pulumi/env.sh
source "$root/tools/pulumi/env.sh"
cd "$work/project"
pulumi stack init fixture --non-interactive >/dev/null
TIMELINE_TITLE="timeline fixture" bash "$root/tools/timeline/up.sh" "$work/timeline" \
  --yes --skip-preview --non-interactive
cp "$work/timeline.events.jsonl" "$out/events.jsonl"
pulumi stack export |
  jq '{deployment: {resources: [.deployment.resources[]
        | {urn, type, parent, provider, dependencies} | with_entries(select(.value != null))]}}' \
    >"$out/state.json"
echo "written: $out/events.jsonl ($(wc -l <"$out/events.jsonl") events), $out/state.json"
