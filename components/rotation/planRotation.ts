// The entry to the rotation as data: the phase list of a mode, and what `pulumi preview` shows
// per node, derived from the same list.
import { finalizePhase } from "./finalizePlan";
import { nodeIndex } from "./planNodes";
import type { Phase, PlanInput, PlanMode, PlanStep } from "./planTypes";
import { rollbackPhases } from "./rollbackPlan";
import { rotatePhases } from "./rotatePlan";

/** The whole graph of a mode as plain data: phases in order, each a list of steps. */
export function planRotation(input: PlanInput, mode: PlanMode): Phase[] {
  if (mode === "rollback") return rollbackPhases(input);
  const phases = rotatePhases(input);
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
    };
  }
  return plan;
}
