// The staged rotation (rotationMode "staged", docs/staged.md) as a phase list over the shared
// step vocabulary: gate and stage as in the cut-over, then
//   trust    (P1) every node trusts the old and the new CA; masters one at a time
//   clients  (P2) every workload restarted, so its pods mount the bundle
//   leaves   (P3) new leaf certificates, the signer and the service-account signing key switch
//   distrust (P4) the old CA and the old service-account key dropped: the cut-over's end state
// then the cut-over's reboots, service accounts, verification and persistence. The API stays up:
// only one master is ever out, and every client trusts what every server presents at each step.
import { nodeIndex, type NodeIndex } from "./planNodes";
import { ids, scriptStep } from "./planSteps";
import type { Phase, PlanInput, PlanStep, Word } from "./planTypes";
import { rebootPhase } from "./rebootPlan";
import { gatePhase, stagePhase, verifyPhase } from "./rotatePlan";
import { stagedLeaves } from "./stagedLeaves";
import { pick, scriptMaker, type TurnWork } from "./stagedSteps";
import { BUNDLED, finals, phaseToken, rollingTurns } from "./stagedTurns";

const STAGED_READERS = ["trust.sh", "signer.sh", "staged-gate.sh"] as const;
export const STAGED_PHASES = ["trust", "clients", "leaves", "distrust"] as const;

/**
 * `handOut`: write the bundle kubeconfig in P1 (handOutStep). Off under finalize, whose later runs
 * no longer know the old CA (finalize removes apimodel.json's `….before-rotation` copy).
 */
export function stagedPhases(input: PlanInput, handOut = true): Phase[] {
  const ix = nodeIndex(input);
  const gate = gatePhase(ix, input);
  // The staged mode's own scripts read the staging too: an edit of one stages again.
  const stage = stagePhase(
    ix,
    input,
    ids(gate.steps.filter((s) => s.id.startsWith("preflight-"))),
    STAGED_READERS.map((script) => ({ scriptHash: script })),
  );
  const trust = trustPhase(ix, input, ids(stage.steps), handOut);
  const published = trust.steps.find((s) => s.id.endsWith("-published"))!;
  const clients = clientsPhase(ix, input, [published.id]);
  // No API server presents a certificate of the new CA before the hand-out is on disk.
  const handedOut = ids(trust.steps.filter((s) => s.node === "local"));
  const leaves = stagedLeaves(ix, input, [...ids(clients.steps), ...handedOut]);
  const distrust = distrustPhase(ix, input, leaves.done);
  const reboot = rebootPhase(ix, input, [distrust.steps[distrust.steps.length - 1].id]);
  return [
    gate,
    stage,
    trust,
    clients,
    leaves.phase,
    distrust,
    reboot.phase,
    ...verifyPhase(ix, input, reboot.done),
  ];
}

/** P1: bundles everywhere; the controller-manager keeps signing with the old CA alone. */
function trustPhase(
  ix: NodeIndex,
  input: PlanInput,
  after: readonly string[],
  handOut: boolean,
): Phase {
  const bundle = scriptMaker(ix, "trust.sh", (n) => ["both", ...pick(ix, n, BUNDLED)]);
  const master: TurnWork = {
    etcd: true,
    steps: [
      { suffix: "signer", make: scriptMaker(ix, "signer.sh", () => ["old"]) },
      { suffix: "bundle", make: bundle },
    ],
  };
  const steps = rollingTurns("trust", ix, input, after, { master, agent: bundle });
  // Gate: the controller-manager published the bundle (kube-root-ca.crt, token Secrets' ca.crt).
  const published = scriptStep(`trust-${ix.master0}-published`, ix.master0, "staged-gate.sh", {
    args: ["published", String(input.rollout.nodeReadyTimeoutSeconds)],
    triggers: [phaseToken(ix, "trust")],
    waitsFor: finals(steps, ix),
  });
  const mastersDone = finals(steps, ix)[ix.masters.length - 1];
  const local = handOut && input.operatorCas !== undefined ? [handOutStep(input, mastersDone)] : [];
  return { name: "trust", steps: [...steps, published, ...local] };
}

export const HAND_OUT_ID = "trust-local-bundle-kubeconfig";

/**
 * The bundle kubeconfig for clients outside the cluster (bundleKubeconfig.ts), next to the admin
 * kubeconfig, as soon as every API server trusts the new CA as a client CA (the last master's P1
 * turn): from then on its new admin certificate is accepted, and its old+new CA verifies every
 * server through P3. Only when apimodel.json names the old CA (operatorCas): without it the
 * bundle would hold the new CA alone, which verifies no server before P3.
 */
function handOutStep(input: PlanInput, mastersDone: string): PlanStep {
  return {
    id: HAND_OUT_ID,
    node: "local",
    run: { kind: "writeLocal", file: "bundleKubeconfig", rotationId: input.rotationId },
    waitsFor: [mastersDone],
    triggers: [{ contentDigest: "bundleKubeconfig" }],
  };
}

/** P2: every Deployment, DaemonSet and StatefulSet restarted: its pods mount the bundle. */
function clientsPhase(ix: NodeIndex, input: PlanInput, after: readonly string[]): Phase {
  const m0 = ix.master0;
  const step = scriptStep(`clients-${m0}-workloads`, m0, "rollout-restart.sh", {
    args: [phaseToken(ix, "clients"), "all", String(input.rollout.nodeReadyTimeoutSeconds)],
    waitsFor: after,
  });
  return { name: "clients", steps: [step] };
}

/** P4: the old CA and the old service-account key dropped; files end as a cut-over's. */
function distrustPhase(ix: NodeIndex, input: PlanInput, after: readonly string[]): Phase {
  const install = (names: readonly string[]) =>
    scriptMaker(ix, "install.sh", (n) => pick(ix, n, names));
  const master: TurnWork = {
    etcd: true,
    steps: [
      { suffix: "ca", make: install(["ca.crt"]) },
      // Back to the cut-over's flags (certs/ca.crt, certs/ca.key), which now hold the new CA.
      { suffix: "signer", make: scriptMaker(ix, "signer.sh", () => ["final"]) },
      { suffix: "unbundle", make: install(["proxy-ca.crt", "apiserver.key"]) },
    ],
  };
  const steps = rollingTurns("distrust", ix, input, after, { master, agent: install(["ca.crt"]) });
  // Each API server merged the old CA into this ConfigMap and never removes it: rewritten.
  const m0 = ix.master0;
  const authn = scriptStep(`distrust-${m0}-authn`, m0, "staged-gate.sh", {
    args: ["authn", String(input.rollout.controlPlaneReadyTimeoutSeconds)],
    triggers: [phaseToken(ix, "distrust")],
    waitsFor: finals(steps, ix),
  });
  return { name: "distrust", steps: [...steps, authn] };
}

/** The bundle kubeconfig (and any copy of it write-file.sh kept) removed from `_output/`. */
export function removeHandOut(
  id: string,
  waitsFor: readonly string[],
  triggers: readonly Word[],
): PlanStep {
  return {
    id,
    node: "local",
    run: { kind: "removeLocal", file: "bundleKubeconfig" },
    waitsFor,
    triggers,
  };
}
