// Reading a plan in tests, without the engine: what a step waits for, steps per phase.
import type { Phase, PlanStep } from "../../../components/rotation";

/** Every step `id` waits for, directly or through others (its waitsFor, transitively). */
export function before(steps: readonly PlanStep[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const todo = [...(byId.get(id)?.waitsFor ?? [])];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (!seen.has(n)) {
      seen.add(n);
      todo.push(...(byId.get(n)?.waitsFor ?? []));
    }
  }
  return seen;
}

/** Phase name → number of steps. */
export const count = (phases: readonly Phase[]) =>
  Object.fromEntries(phases.map((p) => [p.name, p.steps.length]));
