// One rotation's timeline: every step with its row (node), phase, start and end in seconds from
// the first event, what it waited for, and the critical path through them. Pure.
import { spansOf, type EngineEvent, type Span, type SpanStatus } from "./events";
import { criticalPath, stepDependencies, type StateResource } from "./graph";
import { orderRows, place, type Placement } from "./rows";

export interface TimelineStep {
  readonly name: string;
  readonly urn: string;
  readonly type: string;
  readonly row: string;
  readonly phase: string;
  readonly op: string;
  /** Seconds since the first event (whole seconds: the engine's resolution). */
  readonly start: number;
  readonly end: number;
  readonly status: SpanStatus;
  /** Names of the steps it waited for (the state's dependencies). */
  readonly after: readonly string[];
  readonly critical: boolean;
}

export interface Timeline {
  /** ISO time of the first event. */
  readonly startedAt: string;
  readonly resolutionSeconds: 1;
  /** First to last event. */
  readonly seconds: number;
  readonly result?: string;
  /** Masters first, then agents, local, pki. */
  readonly rows: readonly string[];
  /** In order of first start. */
  readonly phases: readonly string[];
  readonly steps: readonly TimelineStep[];
  readonly criticalPath: { readonly seconds: number; readonly steps: readonly string[] };
}

type Placed = Span & Placement;

export function buildTimeline(
  events: readonly EngineEvent[],
  state: readonly StateResource[],
): Timeline {
  const log = spansOf(events);
  const placed: Placed[] = log.spans.flatMap((s) => {
    const p = place(s.urn, s.type, s.component);
    return p === undefined ? [] : [{ ...s, ...p }];
  });
  const deps = stepDependencies(state, new Set(placed.map((s) => s.urn)));
  const path = criticalPath(
    placed.map((s) => ({ id: s.urn, start: s.start, end: s.end })),
    deps,
  );
  const names = new Map(placed.map((s) => [s.urn, s.name]));
  const onPath = new Set(path.steps);
  const steps = placed.map((s) => ({
    name: s.name,
    urn: s.urn,
    type: s.type,
    row: s.row,
    phase: s.phase,
    op: s.op,
    start: s.start - log.start,
    end: s.end - log.start,
    status: s.status,
    after: (deps.get(s.urn) ?? []).map((d) => names.get(d) ?? d),
    critical: onPath.has(s.urn),
  }));
  return {
    startedAt: new Date(log.start * 1000).toISOString(),
    resolutionSeconds: 1,
    seconds: log.end - log.start,
    result: log.result,
    rows: orderRows(steps.map((s) => s.row)),
    phases: [...new Set(steps.map((s) => s.phase))],
    steps,
    criticalPath: { seconds: path.seconds, steps: path.steps.map((u) => names.get(u) ?? u) },
  };
}

/** The critical path as its phases in order, each with its seconds on the path. */
export function pathByPhase(t: Timeline): { phase: string; seconds: number }[] {
  const byName = new Map(t.steps.map((s) => [s.name, s]));
  const out: { phase: string; seconds: number }[] = [];
  for (const name of t.criticalPath.steps) {
    const s = byName.get(name);
    if (s === undefined) continue;
    const last = out[out.length - 1];
    if (last?.phase === s.phase) last.seconds += s.end - s.start;
    else out.push({ phase: s.phase, seconds: s.end - s.start });
  }
  return out;
}
