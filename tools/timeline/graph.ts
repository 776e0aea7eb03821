// The deployment's dependency graph from the engine's state (`pulumi stack export`), and the
// critical path through a timeline: the chain of dependent steps whose measured durations add up
// to the most. Pure.

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly parent?: string;
  /** `<provider urn>::<provider id>` */
  readonly provider?: string;
  readonly dependencies?: readonly string[];
}

/** The resources of a `pulumi stack export` (none yet: a stack that never deployed). */
export function stateResources(exported: unknown): StateResource[] {
  const deployment = (exported as { deployment?: { resources?: unknown } } | null)?.deployment;
  if (typeof deployment !== "object" || deployment === null) {
    throw new Error("not a stack export: no deployment");
  }
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) throw new Error("not a stack export: deployment.resources");
  return resources as StateResource[];
}

const providerUrn = (ref: string) => ref.slice(0, ref.lastIndexOf("::"));

/**
 * Each step's direct prerequisites among the steps: a dependency that is no step (a component,
 * whose children it stands for, or a provider, which waits for its own inputs) is replaced by what
 * it stands for.
 */
export function stepDependencies(
  resources: readonly StateResource[],
  steps: ReadonlySet<string>,
): Map<string, string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, string[]>();
  for (const r of resources) {
    if (r.parent !== undefined) children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
  }
  const direct = (r: StateResource) => [
    ...(r.dependencies ?? []),
    ...(r.provider === undefined ? [] : [providerUrn(r.provider)]),
  ];
  const memo = new Map<string, string[]>();
  const standsFor = (urn: string): string[] => {
    if (steps.has(urn)) return [urn];
    const known = memo.get(urn);
    if (known !== undefined) return known;
    memo.set(urn, []); // a cycle ends here
    const r = byUrn.get(urn);
    const via = r === undefined ? [] : [...direct(r), ...(children.get(urn) ?? [])];
    const found = [...new Set(via.flatMap(standsFor))];
    memo.set(urn, found);
    return found;
  };
  const deps = new Map<string, string[]>();
  for (const urn of steps) {
    const r = byUrn.get(urn);
    const found = r === undefined ? [] : direct(r).flatMap(standsFor);
    deps.set(
      urn,
      [...new Set(found)].filter((d) => d !== urn),
    );
  }
  return deps;
}

export interface Timed {
  readonly id: string;
  readonly start: number;
  readonly end: number;
}

export interface CriticalPath {
  readonly seconds: number;
  /** Ids, first step first. */
  readonly steps: readonly string[];
}

/** The longest chain of dependent steps, each weighing its measured duration. */
export function criticalPath(
  steps: readonly Timed[],
  deps: ReadonlyMap<string, readonly string[]>,
): CriticalPath {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const best = new Map<string, { seconds: number; via?: string }>();
  const weigh = (id: string, seen: Set<string>): number => {
    const known = best.get(id);
    if (known !== undefined) return known.seconds;
    const s = byId.get(id);
    if (s === undefined || seen.has(id)) return 0;
    seen.add(id);
    let via: string | undefined;
    let before = 0;
    for (const d of deps.get(id) ?? []) {
      const w = byId.has(d) ? weigh(d, seen) : 0;
      if (byId.has(d) && (via === undefined || w > before)) [via, before] = [d, w];
    }
    seen.delete(id);
    const seconds = before + (s.end - s.start);
    best.set(id, { seconds, via });
    return seconds;
  };
  let last: string | undefined;
  for (const s of steps) {
    if (last === undefined || weigh(s.id, new Set()) > weigh(last, new Set())) last = s.id;
  }
  const path: string[] = [];
  for (let id = last; id !== undefined; id = best.get(id)?.via) path.unshift(id);
  return { seconds: last === undefined ? 0 : weigh(last, new Set()), steps: path };
}
