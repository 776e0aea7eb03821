# Filters `pulumi up --json` (the engine's events, one JSON object a line) down to what
# tools/timeline reads and what the console shows, before anything reaches a disk:
# - drops debug diagnostics: the Node.js SDK's "RegisterResource RPC finished" debug line holds
#   the resource's outputs in plain text, private keys included;
# - keeps of each resource event's metadata only op, urn, type (no inputs, outputs
#   or diffs) and whether it is a custom resource (not a component), and of the prelude no config.
# usage: pulumi up --json … | jq -c --unbuffered -f tools/timeline/keep.jq > events.jsonl
def slim: {op, urn, type, custom: ((.new // .old).custom == true)};
select((.diagnosticEvent.severity // "") != "debug")
| if .preludeEvent then .preludeEvent = {}
  else with_entries(
      if (.value | type) == "object" and (.value.metadata | type) == "object"
      then .value.metadata |= slim
      else . end)
  end
