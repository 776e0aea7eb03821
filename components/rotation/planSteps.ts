// The step vocabulary every phase list shares (rotate, rollback, finalize): a script on a node,
// the copy of the scripts, the Ready gate after a kubelet restart. Pure constructors of plan data.
import type { ScriptName } from "../remote";
import type { MaxUnavailable } from "../config";
import { agentBatches } from "./batches";
import type { PlanStep, Word } from "./planTypes";

export interface ScriptOptions {
  readonly args?: readonly Word[];
  readonly waitsFor: readonly string[];
  readonly triggers?: readonly Word[];
  readonly stdin?: "bundle";
  readonly timeoutSeconds?: number;
  readonly dialErrorLimit?: number;
}

export function scriptStep(
  id: string,
  node: string,
  script: ScriptName,
  opts: ScriptOptions,
): PlanStep {
  const { args = [], stdin, waitsFor, triggers = [], ...rest } = opts;
  return {
    id,
    node,
    run:
      stdin === undefined
        ? { kind: "script", script, args }
        : { kind: "script", script, args, stdin },
    waitsFor,
    triggers,
    ...rest,
  };
}

/** scripts/remote copied to a node (re-copied whenever a script changes: realize.ts). */
export function deliverStep(id: string, node: string): PlanStep {
  return { id, node, run: { kind: "deliver" }, waitsFor: [], triggers: [] };
}

/**
 * From master-0, waits until `node` reports Ready with a status newer than `since` (the restart's
 * or the boot's own timestamp), so an old Ready never passes.
 */
export function nodeReadyStep(
  id: string,
  gate: { readonly master0: string; readonly timeoutSeconds: number },
  node: string,
  since: Word,
  waitsFor: readonly string[],
): PlanStep {
  return scriptStep(id, gate.master0, "wait-node-ready.sh", {
    args: [node, since, String(gate.timeoutSeconds)],
    waitsFor,
    timeoutSeconds: gate.timeoutSeconds + 60,
  });
}

/**
 * A kubelet restart and the Ready gate after it, which reads the restart's own timestamp; the
 * gate's id is the node's "done".
 */
export function kubeletRestart(
  ids: { readonly restart: string; readonly ready: string },
  gate: { readonly master0: string; readonly timeoutSeconds: number },
  node: string,
  opts: { readonly triggers?: readonly Word[]; readonly waitsFor: readonly string[] },
): PlanStep[] {
  return [
    scriptStep(ids.restart, node, "restart-kubelet.sh", opts),
    nodeReadyStep(ids.ready, gate, node, { stdoutOf: ids.restart, key: "restarted-at" }, [
      ids.restart,
    ]),
  ];
}

/**
 * Nodes in chains of batches: the chains start together once `after` is done; inside a chain,
 * every node of a batch waits for the last step of every node of the batch before. Masters are
 * chains of their own (one node each); the agents one chain of maxUnavailable-sized batches.
 */
export function inBatches(
  chains: readonly (readonly (readonly string[])[])[],
  after: readonly string[],
  nodeSteps: (node: string, gate: readonly string[]) => PlanStep[],
): PlanStep[] {
  return chains.flatMap((batches) => {
    let gate = after;
    return batches.flatMap((batch) => {
      const steps = batch.map((n) => nodeSteps(n, gate));
      gate = steps.map((s) => s[s.length - 1].id);
      return steps.flat();
    });
  });
}

/** The kubelet chains of a cluster: each master alone, the agents in batches. */
export function kubeletChains(
  nodes: { readonly masters: readonly string[]; readonly agents: readonly string[] },
  max: MaxUnavailable,
): string[][][] {
  return [...nodes.masters.map((m) => [[m]]), agentBatches(nodes.agents, max)];
}

export const ids = (steps: readonly PlanStep[]): string[] => steps.map((s) => s.id);
