// How a staged phase walks the cluster: masters one at a time, then agents in maxUnavailable
// batches; which files hold a bundle between P1 and P4; the labels that restart workloads per
// phase. Pure (docs/staged.md).
import { agentBatches } from "./batches";
import type { NodeIndex } from "./planNodes";
import { inBatches } from "./planSteps";
import type { PlanInput, PlanStep, Word } from "./planTypes";
import { allDigests } from "./rotatePlan";
import { agentTurn, masterTurn, type StepMaker, type TurnWork } from "./stagedSteps";

/** The files that hold a bundle between P1 and P4 (old and new, in trust.sh's order). */
export const BUNDLED = ["ca.crt", "proxy-ca.crt", "apiserver.key"] as const;

/** A label that changes with the rotation's certificates and names the phase (annotations). */
export const phaseToken = (ix: NodeIndex, phase: string): Word => ({
  token: [phase, ...ix.all.map((n) => allDigests(ix, n))],
});

/**
 * Masters one at a time, then the agents in maxUnavailable batches, every node's turn gated on
 * the one before; `after` gates the first master.
 */
export function rollingTurns(
  phase: string,
  ix: NodeIndex,
  input: PlanInput,
  after: readonly string[],
  work: { readonly master: TurnWork | ((m: string) => TurnWork); readonly agent: StepMaker },
): PlanStep[] {
  const masters = inBatches([ix.masters.map((m) => [m])], after, (m, g) =>
    masterTurn(
      phase,
      ix,
      input,
      m,
      g,
      typeof work.master === "function" ? work.master(m) : work.master,
    ),
  );
  // The masters' chain is sequential: its last step is the last master's kubelet Ready.
  const mastersDone = [masters[masters.length - 1].id];
  const agents = inBatches(
    [agentBatches(ix.agents, input.rollout.maxUnavailable)],
    mastersDone,
    (a, g) => agentTurn(phase, ix, input, a, g, work.agent),
  );
  return [...masters, ...agents];
}

/** The last step of every node's turn: what a phase's gate waits for. */
export function finals(steps: readonly PlanStep[], ix: NodeIndex): string[] {
  return ix.all.map((n) => steps.filter((s) => s.id.includes(`-${n}-kubelet-ready`)).pop()!.id);
}
