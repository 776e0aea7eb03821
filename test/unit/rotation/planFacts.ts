// Plans in tests, without the engine: the input for a fixture cluster, what a step waits for,
// steps per phase.
import type { ClusterModel } from "../../../components/cluster/model";
import { planFiles, planKubeconfigs } from "../../../components/pki/specs";
import { planInput, type Phase, type PlanStep } from "../../../components/rotation";
import { ROLLOUT } from "./graphMocks";

/** The plan's input for `cluster`: its files, ROLLOUT with `rollout` over it, rotation r1. */
export function planInputFor(cluster: ClusterModel, rollout: Partial<typeof ROLLOUT> = {}) {
  return planInput({
    cluster,
    files: planFiles(cluster),
    kubeconfigs: planKubeconfigs(cluster),
    rollout: { ...ROLLOUT, ...rollout },
    rotationId: "r1",
    paths: { apiModel: "/o/apimodel.json", kubeconfig: "/o/kubeconfig/k.json" },
  });
}

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
