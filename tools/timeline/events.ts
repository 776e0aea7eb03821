// The engine's events (`pulumi up --json`, filtered by keep.jq) as one span per resource: when the
// engine started its step (resourcePreEvent) and when it finished it (resOutputsEvent). This
// engine stamps events in whole seconds, so every start and end is a whole second. Pure.

export interface EngineEvent {
  readonly sequence: number;
  /** Unix seconds. */
  readonly timestamp: number;
  readonly resourcePreEvent?: { readonly metadata: ResourceMetadata };
  readonly resOutputsEvent?: { readonly metadata: ResourceMetadata };
  readonly diagnosticEvent?: { readonly urn?: string; readonly severity?: string };
  readonly summaryEvent?: { readonly result?: string; readonly durationSeconds?: number };
}

export interface ResourceMetadata {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  /** false for a component resource (keep.jq: the state's `custom`). */
  readonly custom?: boolean;
}

export type SpanStatus = "done" | "failed" | "unfinished";

export interface Span {
  readonly urn: string;
  readonly type: string;
  /** A component resource (or the stack): not a step of its own. */
  readonly component: boolean;
  /** "create", "update", "replace", "same", … (a replacement's create-replacement is "replace"). */
  readonly op: string;
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly status: SpanStatus;
}

export interface EventLog {
  readonly spans: readonly Span[];
  /** First and last event, Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly result?: string;
}

/** Deletions run after the new resources, as clean-up: not part of a step's own span. */
const CLEANUP_OPS = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "read-discard",
  "remove-pending-replace",
]);

/** JSON lines to events; a line that is not JSON names its number. */
export function parseEvents(text: string): EngineEvent[] {
  return text
    .split("\n")
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, n }) => {
      try {
        return JSON.parse(line) as EngineEvent;
      } catch {
        throw new Error(`event log line ${n} is not JSON: ${line.slice(0, 80)}`);
      }
    });
}

interface Open {
  urn: string;
  type: string;
  component: boolean;
  op: string;
  start: number;
  end?: number;
  failed: boolean;
}

const displayOp = (op: string) => (op === "create-replacement" ? "replace" : op);

function onPre(open: Map<string, Open>, m: ResourceMetadata, at: number): void {
  const known = open.get(m.urn);
  if (known !== undefined) return;
  open.set(m.urn, {
    urn: m.urn,
    type: m.type,
    component: m.custom === false,
    op: displayOp(m.op),
    start: at,
    failed: false,
  });
}

function onOutputs(open: Map<string, Open>, m: ResourceMetadata, at: number): void {
  const span = open.get(m.urn);
  if (span !== undefined) span.end = Math.max(span.end ?? at, at);
}

/** One span per resource the deployment stepped through, in order of start. */
export function spansOf(events: readonly EngineEvent[]): EventLog {
  const sorted = [...events].sort((a, b) => a.sequence - b.sequence);
  if (sorted.length === 0)
    throw new Error("no engine events: pulumi up stopped before its deployment");
  const open = new Map<string, Open>();
  let result: string | undefined;
  for (const e of sorted) {
    const pre = e.resourcePreEvent?.metadata;
    const out = e.resOutputsEvent?.metadata;
    if (pre !== undefined && !CLEANUP_OPS.has(pre.op)) onPre(open, pre, e.timestamp);
    if (out !== undefined && !CLEANUP_OPS.has(out.op)) onOutputs(open, out, e.timestamp);
    const failedUrn = e.diagnosticEvent?.severity === "error" ? e.diagnosticEvent.urn : undefined;
    const failed = failedUrn === undefined ? undefined : open.get(failedUrn);
    if (failed !== undefined) [failed.failed, failed.end] = [true, e.timestamp];
    if (e.summaryEvent !== undefined) result = e.summaryEvent.result;
  }
  const start = sorted[0].timestamp;
  const end = sorted[sorted.length - 1].timestamp;
  const spans = [...open.values()].map((s) => closeSpan(s, end));
  return { spans: spans.sort((a, b) => a.start - b.start), start, end, result };
}

/** A failed step ends with its error; one the log never finished, with the log. */
function closeSpan(s: Open, logEnd: number): Span {
  const status: SpanStatus = s.failed ? "failed" : s.end === undefined ? "unfinished" : "done";
  const { urn, type, component, op, start } = s;
  return { urn, type, component, op, start, end: s.end ?? logEnd, status };
}
