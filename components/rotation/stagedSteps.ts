// The staged mode's building blocks (docs/staged.md): a master's turn (etcd leader moved away,
// files, etcd restart and health, control plane restart and /readyz, kubelet restart and Ready)
// and an agent's turn (files, kubelet restart and Ready). Pure constructors of plan data over the
// shared vocabulary of planSteps.ts.
import * as path from "node:path";
import type { NodeIndex } from "./planNodes";
import { kubeletRestart, scriptStep } from "./planSteps";
import type { PlanInput, PlanStep, Word } from "./planTypes";

/** The node's files whose names are in `names` (or, with `except`, not in them). */
export function pick(
  ix: NodeIndex,
  node: string,
  names: readonly string[],
  except = false,
): string[] {
  return ix.paths(node).filter((p) => names.includes(path.basename(p)) !== except);
}

/** What a master's turn of a phase does before its etcd restart; each entry is one step. */
export interface TurnWork {
  /** Step name suffix → the step (ids are `<phase>-<node>-<suffix>`). */
  readonly steps: readonly { readonly suffix: string; readonly make: StepMaker }[];
  /** Restart etcd in this turn (it reads its trust and its own pair only at start). */
  readonly etcd: boolean;
}

export type StepMaker = (id: string, node: string, waitsFor: readonly string[]) => PlanStep;

/** The digests of every file of the node: a staged step re-runs only for new certificates. */
export const nodeDigests = (ix: NodeIndex, n: string): Word => ({
  digests: { node: n, paths: ix.paths(n) },
});

/**
 * One master's turn: the etcd leader moved off it first (an election costs more than a move),
 * the work, then its etcd restarted and the whole cluster healthy before its control plane
 * restarts and answers /readyz, then its kubelet. Returns the steps; the last is its "done".
 */
export function masterTurn(
  phase: string,
  ix: NodeIndex,
  input: PlanInput,
  m: string,
  gate: readonly string[],
  work: TurnWork,
): PlanStep[] {
  const id = (s: string) => `${phase}-${m}-${s}`;
  const triggers = [nodeDigests(ix, m)];
  const { rollout } = input;
  const cpTimeout = rollout.controlPlaneReadyTimeoutSeconds;
  const steps: PlanStep[] = [];
  let last: readonly string[] = gate;
  const push = (s: PlanStep) => {
    steps.push(s);
    last = [s.id];
  };
  if (work.etcd) {
    push(scriptStep(id("leader"), m, "etcd-move-leader.sh", { triggers, waitsFor: last }));
  }
  for (const w of work.steps) push(w.make(id(w.suffix), m, last));
  if (work.etcd) {
    push(scriptStep(id("etcd-restart"), m, "restart-etcd.sh", { triggers, waitsFor: last }));
    push(
      scriptStep(id("etcd-health"), m, "wait-etcd-healthy.sh", {
        args: [String(rollout.etcdHealthTimeoutSeconds)],
        triggers,
        waitsFor: last,
      }),
    );
  }
  push(
    scriptStep(id("restart"), m, "restart-control-plane.sh", {
      args: [String(cpTimeout)],
      triggers,
      waitsFor: last,
    }),
  );
  push(
    scriptStep(id("ready"), m, "wait-apiserver.sh", {
      args: [String(cpTimeout)],
      triggers,
      waitsFor: last,
      timeoutSeconds: cpTimeout + 60,
    }),
  );
  return [...steps, ...kubeletOf(phase, ix, input, m, last, triggers)];
}

/** The node's kubelet restarted, then Ready with a status posted after the restart. */
export function kubeletOf(
  phase: string,
  ix: NodeIndex,
  input: PlanInput,
  n: string,
  waitsFor: readonly string[],
  triggers: readonly Word[],
): PlanStep[] {
  const gate = { master0: ix.master0, timeoutSeconds: input.rollout.nodeReadyTimeoutSeconds };
  const ids = { restart: `${phase}-${n}-kubelet-restart`, ready: `${phase}-${n}-kubelet-ready` };
  return kubeletRestart(ids, gate, n, { triggers, waitsFor });
}

/** An agent's turn: its files (one step), then its kubelet. */
export function agentTurn(
  phase: string,
  ix: NodeIndex,
  input: PlanInput,
  a: string,
  gate: readonly string[],
  make: StepMaker,
): PlanStep[] {
  const files = make(`${phase}-${a}-files`, a, gate);
  return [files, ...kubeletOf(phase, ix, input, a, [files.id], [nodeDigests(ix, a)])];
}

/** A script step with the node's digests as trigger, as a StepMaker. */
export const scriptMaker =
  (
    ix: NodeIndex,
    script: Parameters<typeof scriptStep>[2],
    args: (node: string) => readonly Word[],
  ): StepMaker =>
  (id, node, waitsFor) =>
    scriptStep(id, node, script, { args: args(node), triggers: [nodeDigests(ix, node)], waitsFor });
