# What the console shows of a filtered event stream (keep.jq): each resource that changed as it
# finishes, the diagnostics (command output, warnings, errors) and the summary.
# usage: … | jq -r --unbuffered -f tools/timeline/progress.jq
def name: .urn | split("::") | last;
if .resOutputsEvent and .resOutputsEvent.metadata.op != "same" then
  "  \(.resOutputsEvent.metadata.op) \(.resOutputsEvent.metadata | name)"
elif .diagnosticEvent then
  ((.diagnosticEvent.urn // "") | split("::") | last // "") as $r
  | "  \(if $r == "" then "" else "\($r): " end)\(.diagnosticEvent.severity): \(.diagnosticEvent.message | rtrimstr("\n"))"
elif .summaryEvent then
  "\(.summaryEvent.result // "done") in \(.summaryEvent.durationSeconds) s: \(.summaryEvent.resourceChanges | tojson)"
else empty end
