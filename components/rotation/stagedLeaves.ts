// P3 of the staged rotation (docs/staged.md): new leaf certificates while every node trusts both
// CAs. Masters one at a time: etcd's own pairs (its members and the API servers trust both CAs,
// so a member with a new pair talks to members with old ones), the front-proxy pair published
// in etcd (master-0), the control plane's leaves, apiserver.key with the new key first (it serves
// and signs with the first key and verifies with both), the signer switched to the new CA. Agents:
// new client pair. Then the admin kubeconfigs, token Secrets re-issued, workloads restarted so
// every pod holds a token the new key signed, and the gate: everything served chains to the new CA.
import type { NodeIndex } from "./planNodes";
import { ids, scriptStep } from "./planSteps";
import type { Phase, PlanInput, PlanStep } from "./planTypes";
import { nodeDigests, pick, scriptMaker, type TurnWork } from "./stagedSteps";
import { BUNDLED, finals, phaseToken, rollingTurns } from "./stagedTurns";

export function stagedLeaves(
  ix: NodeIndex,
  input: PlanInput,
  after: readonly string[],
): { phase: Phase; done: string[] } {
  const etcdLeaves = (n: string) => ix.paths(n, ["etcd"]).filter((p) => !p.endsWith("/ca.crt"));
  const cpLeaves = (n: string) =>
    ix.paths(n, ["controlplane"]).filter((p) => !pick(ix, n, BUNDLED).includes(p));
  const master = (m: string): TurnWork => ({
    etcd: true,
    steps: [
      { suffix: "etcd-leaves", make: scriptMaker(ix, "install.sh", etcdLeaves) },
      ...(m === ix.master0
        ? [{ suffix: "frontproxy", make: scriptMaker(ix, "frontproxy.sh", () => []) }]
        : []),
      { suffix: "leaves", make: scriptMaker(ix, "install.sh", cpLeaves) },
      {
        suffix: "sakey",
        make: scriptMaker(ix, "trust.sh", (n) => ["new-first", ...pick(ix, n, ["apiserver.key"])]),
      },
      { suffix: "signer", make: scriptMaker(ix, "signer.sh", () => ["new"]) },
    ],
  });
  const agent = scriptMaker(ix, "install.sh", (a) =>
    ix.paths(a, ["kubelet"]).filter((p) => !p.endsWith("/ca.crt")),
  );
  const turns = rollingTurns("leaves", ix, input, after, { master, agent });
  const tail = afterLeaves(ix, input, finals(turns, ix));
  return { phase: { name: "leaves", steps: [...turns, ...tail.steps] }, done: tail.done };
}

/** Admin kubeconfigs, token Secrets, workloads, and the gate on what every master serves. */
function afterLeaves(ix: NodeIndex, input: PlanInput, turns: string[]) {
  const m0 = ix.master0;
  const timeout = String(input.rollout.nodeReadyTimeoutSeconds);
  const kubeconfigs: PlanStep[] = [
    ...ix.masters.map((m) =>
      scriptStep(`leaves-${m}-kubeconfig`, m, "install.sh", {
        args: ix.paths(m, ["kubeconfig"]),
        triggers: [nodeDigests(ix, m)],
        waitsFor: turns,
      }),
    ),
    {
      id: "leaves-local-kubeconfig",
      node: "local",
      run: { kind: "writeLocal", file: "kubeconfig", rotationId: input.rotationId },
      waitsFor: turns,
      triggers: [{ contentDigest: "kubeconfig" }],
    },
  ];
  const tokens = scriptStep(`leaves-${m0}-tokens`, m0, "reissue-sa-tokens.sh", {
    triggers: [nodeDigests(ix, m0)],
    waitsFor: turns,
  });
  const workloads = scriptStep(`leaves-${m0}-workloads`, m0, "rollout-restart.sh", {
    args: [phaseToken(ix, "leaves"), "all", timeout],
    waitsFor: [tokens.id],
  });
  const served = scriptStep(`leaves-${m0}-served`, m0, "staged-gate.sh", {
    args: ["served", timeout],
    triggers: [phaseToken(ix, "leaves")],
    waitsFor: [workloads.id],
  });
  const steps = [...kubeconfigs, tokens, workloads, served];
  return { steps, done: [...ids(kubeconfigs), served.id] };
}
