// The entry to the rotation as data: the phase list of a mode, and what `pulumi preview` shows
// per node, derived from the same list.
import { finalizePhase } from "./finalizePlan";
import { nodeIndex } from "./planNodes";
import type { Phase, PlanInput, PlanMode, PlanStep } from "./planTypes";
import { rollbackPhases } from "./rollbackPlan";
import { rotatePhases } from "./rotatePlan";
import { stagedPhases } from "./stagedPlan";

/** The whole graph of a mode as plain data: phases in order, each a list of steps. */
export function planRotation(input: PlanInput, mode: PlanMode): Phase[] {
  if (mode === "rollback") return rollbackPhases(input);
  const phases =
    input.rollout.rotationMode === "staged"
      ? stagedPhases(input, mode === "rotate")
      : rotatePhases(input);
  if (mode === "rotate") return phases;
  // Finalize starts once the rotation verified, persisted and removed its staging.
  const persist = phases[phases.length - 1];
  const verified = phases
    .flatMap((p) => p.steps)
    .find((s) => s.id.startsWith("verify-") && s.id.endsWith("-cluster"));
  const after = [verified!.id, ...persist.steps.map((s) => s.id)];
  return [...phases, finalizePhase(nodeIndex(input), input, after)];
}

export const planSteps = (phases: readonly Phase[]): PlanStep[] => phases.flatMap((p) => p.steps);

/** Per node, what the rotation plans: files, restarts, reboot. Plain data for `pulumi preview`. */
export interface NodeRotationPlan {
  readonly role: "master" | "agent";
  readonly files: readonly string[];
  readonly restarts: readonly string[];
  readonly reboot: boolean;
  /**
   * Staged mode only: per phase the node takes part in, its steps in order (`leader`, `bundle`,
   * `etcd-restart`, …), so `pulumi preview` shows where each node is and what comes next.
   */
  readonly phases?: Record<string, string[]>;
}

/**
 * Per phase, the steps about `node`, wherever they run: ids are `<word>-<node>-<step>`; the word
 * is kept when it is not the phase's name (`deliver-scripts` in phase gate). Keys are numbered
 * (`03 trust`): the CLI shows an object's keys sorted, and the phases must read in order.
 */
export function nodePhases(node: string, phases: readonly Phase[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [i, p] of phases.entries()) {
    const own: string[] = [];
    for (const s of p.steps) {
      const word = s.id.slice(0, s.id.indexOf("-"));
      const rest = s.id.slice(word.length + 1);
      if (!rest.startsWith(`${node}-`)) continue;
      const step = rest.slice(node.length + 1);
      own.push(word === p.name ? step : `${word}-${step}`);
    }
    if (own.length > 0) out[`${String(i + 1).padStart(2, "0")} ${p.name}`] = own;
  }
  return out;
}

/** The services each restart script restarts. */
const RESTARTS: Readonly<Record<string, readonly string[]>> = {
  "restart-etcd.sh": ["etcd"],
  "restart-control-plane.sh": ["kube-apiserver", "kube-controller-manager", "kube-scheduler"],
  "restart-kubelet.sh": ["kubelet"],
};

export function nodePlans(
  input: PlanInput,
  phases: readonly Phase[],
): Record<string, NodeRotationPlan> {
  const steps = planSteps(phases);
  const plan: Record<string, NodeRotationPlan> = {};
  for (const n of [...input.masters, ...input.agents]) {
    const own = steps.filter((s) => s.node === n.name && s.run.kind === "script");
    const scripts = own.map((s) => (s.run.kind === "script" ? s.run.script : ""));
    plan[n.name] = {
      role: n.role,
      files: n.files.map((f) => `${f.path} (${f.phase})`),
      restarts: [...new Set(scripts.flatMap((s) => RESTARTS[s] ?? []))],
      reboot: scripts.includes("reboot.sh"),
      ...(input.rollout.rotationMode === "staged" ? { phases: nodePhases(n.name, phases) } : {}),
    };
  }
  return plan;
}
