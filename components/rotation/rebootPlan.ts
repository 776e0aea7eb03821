// Reboots, cluster nodes only, in waves (rebootWaves): every node of a wave reboots together; a
// wave starts once each node of the waves it follows is back from a new boot (and, on a master,
// etcd healthy) and Ready.
import { lastWaves, rebootWaves } from "./phases";
import type { NodeIndex } from "./planNodes";
import { nodeReadyStep, scriptStep } from "./planSteps";
import type { Phase, PlanInput, PlanStep, Word } from "./planTypes";

export function rebootPhase(
  ix: NodeIndex,
  input: PlanInput,
  after: string[],
): { phase: Phase; done: string[] } {
  const { rollout } = input;
  const gateOf = { master0: ix.master0, timeoutSeconds: rollout.nodeReadyTimeoutSeconds };
  // A rerun after an interruption may find a node still rebooting from the run before: its
  // reboot step must wait for it to answer rather than fail at the first refused dial.
  const dialErrorLimit = Math.max(10, rollout.rebootTimeoutSeconds);
  const steps: PlanStep[] = [];
  const waves = rebootWaves(ix.masters, ix.agents, rollout.rebootStrategy, rollout.maxUnavailable);
  const doneOf: string[][] = [];
  for (const wave of waves) {
    const gate = wave.after.length === 0 ? after : wave.after.flatMap((w) => doneOf[w]);
    const token = (n: string): Word => ({ token: [{ digests: { node: n, paths: ix.paths(n) } }] });
    steps.push(
      ...wave.nodes.map((n) =>
        scriptStep(`reboot-${n}-reboot`, n, "reboot.sh", {
          args: [token(n)],
          triggers: [{ digests: { node: n, paths: ix.paths(n) } }],
          waitsFor: gate,
          dialErrorLimit,
        }),
      ),
    );
    const waveDone: string[] = [];
    for (const n of wave.nodes) {
      const rebooted: Word = { idOf: `reboot-${n}-reboot` };
      // No fixed pause: the wait polls until the node answers from a new boot.
      steps.push({
        id: `reboot-${n}-wait`,
        node: n,
        run: { kind: "bootWait", token: token(n), timeoutSeconds: rollout.rebootTimeoutSeconds },
        waitsFor: [`reboot-${n}-reboot`],
        triggers: [rebooted],
      });
      let last = `reboot-${n}-wait`;
      if (ix.node(n).role === "master") {
        steps.push(
          scriptStep(`reboot-${n}-etcd`, n, "wait-etcd-healthy.sh", {
            args: [String(rollout.etcdHealthTimeoutSeconds)],
            triggers: [rebooted],
            waitsFor: [last],
          }),
        );
        last = `reboot-${n}-etcd`;
      }
      // An epoch second, not a secret: the wait's outputs are secret only because it reads a key.
      const bootedAt: Word = { stdoutOf: `reboot-${n}-wait`, key: "booted-at", unsecret: true };
      steps.push(nodeReadyStep(`reboot-${n}-ready`, gateOf, n, bootedAt, [last]));
      waveDone.push(`reboot-${n}-ready`);
    }
    doneOf.push(waveDone);
  }
  const done = waves.length === 0 ? after : lastWaves(waves).flatMap((w) => doneOf[w]);
  return { phase: { name: "reboot", steps }, done };
}
