// The rollback as a phase list over the rotation's vocabulary: it reinstalls the pre-rotation
// files backup.sh kept on every node, in the rotation's own order, so the cluster comes back the
// way it went: every node's backup checked → etcd files on all masters, all members restarted
// together → etcd health → control plane, master-0 first (its front-proxy pair republished in
// etcd) → kubelets in lanes, each gated on Ready → kube-proxy → admin kubeconfigs (masters and
// the operator's copy) → service-account tokens and workloads → every node's files verified
// against the backup → apimodel.json restored.
import { sha256Hex } from "../remote";
import type { InstallPhase } from "./phases";
import { nodeIndex, type NodeIndex } from "./planNodes";
// The step vocabulary it shares with the rotation.
import * as vocab from "./planSteps";
import type { Phase, PlanInput, PlanStep } from "./planTypes";
import { removeHandOut } from "./stagedPlan";

const ALL_PHASES: readonly InstallPhase[] = ["etcd", "controlplane", "kubelet", "kubeconfig"];

/** The workloads' restart annotation of a rollback: a valid token, never the rotation's. */
export function rollbackToken(rollbackId: string): string {
  return `rollback-${sha256Hex(rollbackId).slice(0, 16)}`;
}

/** rollback.sh restores a node's whole backup when given no path: never what a phase means. */
function restoreStep(
  id: string,
  node: string,
  paths: string[],
  waitsFor: readonly string[],
): PlanStep {
  if (paths.length === 0) throw new Error(`rollback: ${id} has no file to restore`);
  return vocab.scriptStep(id, node, "rollback.sh", { args: ["restore", ...paths], waitsFor });
}

export function rollbackPhases(input: PlanInput): Phase[] {
  const ix = nodeIndex(input);
  const check = ix.all.flatMap((n) => [
    vocab.deliverStep(`rollback-${n}-deliver`, n),
    vocab.scriptStep(`rollback-${n}-check`, n, "rollback.sh", {
      args: ["check", ...ix.pathsByPhase(n, ALL_PHASES)],
      waitsFor: [`rollback-${n}-deliver`],
    }),
  ]);
  const etcd = etcdRestore(ix, input, vocab.ids(check.filter((s) => s.id.endsWith("-check"))));
  const cp = controlPlaneRestore(
    ix,
    input,
    vocab.ids(etcd.filter((s) => s.id.endsWith("-etcdhealth"))),
  );
  const kubelet = kubeletRestore(ix, input, vocab.ids(cp.filter((s) => s.id.endsWith("-cpready"))));
  return [
    { name: "gate", steps: check },
    { name: "etcd", steps: etcd },
    { name: "controlplane", steps: cp },
    { name: "kubelet", steps: kubelet },
    ...tailRestore(ix, input, vocab.ids(kubelet.filter((s) => s.id.endsWith("-kubeletready")))),
  ];
}

function etcdRestore(ix: NodeIndex, input: PlanInput, after: string[]): PlanStep[] {
  const restored = ix.masters.map((m) =>
    restoreStep(`rollback-${m}-etcdrestore`, m, ix.pathsByPhase(m, ["etcd"]), after),
  );
  const restarted = ix.masters.map((m) =>
    vocab.scriptStep(`rollback-${m}-etcdrestart`, m, "restart-etcd.sh", {
      waitsFor: vocab.ids(restored),
    }),
  );
  const healthy = ix.masters.map((m) =>
    vocab.scriptStep(`rollback-${m}-etcdhealth`, m, "wait-etcd-healthy.sh", {
      args: [String(input.rollout.etcdHealthTimeoutSeconds)],
      waitsFor: vocab.ids(restarted),
    }),
  );
  return [...restored, ...restarted, ...healthy];
}

function controlPlaneRestore(ix: NodeIndex, input: PlanInput, after: string[]): PlanStep[] {
  const timeout = input.rollout.controlPlaneReadyTimeoutSeconds;
  const steps: PlanStep[] = [];
  let previous = after;
  for (const m of ix.masters) {
    const restore = restoreStep(
      `rollback-${m}-cprestore`,
      m,
      ix.pathsByPhase(m, ["controlplane"]),
      previous,
    );
    steps.push(restore);
    let beforeRestart = restore.id;
    if (m === ix.master0) {
      beforeRestart = `rollback-${m}-frontproxy`;
      steps.push(
        vocab.scriptStep(beforeRestart, m, "frontproxy.sh", {
          args: ["--installed"],
          waitsFor: [restore.id],
        }),
      );
    }
    // A staged rotation may have stopped with the controller-manager signing from its own copy
    // of a CA (signer.sh): its flags go back to certs/ca.* before the restart.
    if (input.rollout.rotationMode === "staged") {
      steps.push(
        vocab.scriptStep(`rollback-${m}-signer`, m, "signer.sh", {
          args: ["final"],
          waitsFor: [beforeRestart],
        }),
      );
      beforeRestart = `rollback-${m}-signer`;
    }
    steps.push(
      vocab.scriptStep(`rollback-${m}-cprestart`, m, "restart-control-plane.sh", {
        args: [String(timeout)],
        waitsFor: [beforeRestart],
      }),
      vocab.scriptStep(`rollback-${m}-cpready`, m, "wait-apiserver.sh", {
        args: [String(timeout)],
        waitsFor: [`rollback-${m}-cprestart`],
        timeoutSeconds: timeout + 60,
      }),
    );
    if (m === ix.master0) previous = [`rollback-${m}-cpready`];
  }
  return steps;
}

function kubeletRestore(ix: NodeIndex, input: PlanInput, after: string[]): PlanStep[] {
  const gateOf = { master0: ix.master0, timeoutSeconds: input.rollout.nodeReadyTimeoutSeconds };
  const nodeSteps = (n: string, gate: readonly string[]): PlanStep[] => {
    const restore =
      ix.node(n).role === "agent"
        ? [restoreStep(`rollback-${n}-kubeletrestore`, n, ix.pathsByPhase(n, ["kubelet"]), gate)]
        : [];
    const ids = { restart: `rollback-${n}-kubeletrestart`, ready: `rollback-${n}-kubeletready` };
    const waitsFor = restore.length > 0 ? [restore[0].id] : gate;
    return [...restore, ...vocab.kubeletRestart(ids, gateOf, n, { waitsFor })];
  };
  return vocab.inBatches(vocab.kubeletChains(ix, input.rollout.maxUnavailable), after, nodeSteps);
}

/** kube-proxy, the admin kubeconfigs, tokens and workloads, verification, apimodel.json. */
function tailRestore(ix: NodeIndex, input: PlanInput, after: string[]): Phase[] {
  const m0 = ix.master0;
  const token = rollbackToken(input.rotationId);
  const timeout = String(input.rollout.nodeReadyTimeoutSeconds);
  const kubeProxy = vocab.scriptStep(`rollback-${m0}-kubeproxy`, m0, "rollout-restart.sh", {
    args: [token, "kube-system/daemonset/kube-proxy", timeout],
    waitsFor: after,
  });
  const kubeconfigs: PlanStep[] = ix.masters
    .filter((m) => ix.paths(m, ["kubeconfig"]).length > 0)
    .map((m) =>
      restoreStep(`rollback-${m}-kubeconfig`, m, ix.pathsByPhase(m, ["kubeconfig"]), [
        kubeProxy.id,
      ]),
    );
  kubeconfigs.push({
    id: "rollback-local-kubeconfig",
    node: "local",
    run: { kind: "restoreLocal", file: "kubeconfig", rotationId: input.rotationId },
    waitsFor: [kubeProxy.id],
    triggers: [],
  });
  // The staged mode's hand-out carries the new admin certificate, which the old CA refuses.
  if (input.rollout.rotationMode === "staged") {
    kubeconfigs.push(removeHandOut("rollback-local-bundle-kubeconfig", [kubeProxy.id], []));
  }
  const tokens = vocab.scriptStep(`rollback-${m0}-tokens`, m0, "reissue-sa-tokens.sh", {
    waitsFor: vocab.ids(kubeconfigs),
  });
  const workloads = vocab.scriptStep(`rollback-${m0}-workloads`, m0, "rollout-restart.sh", {
    args: [token, "all", timeout],
    waitsFor: [tokens.id],
  });
  const verified = ix.all.map((n) =>
    vocab.scriptStep(`rollback-${n}-verify`, n, "rollback.sh", {
      args: ["verify", ...ix.pathsByPhase(n, ALL_PHASES)],
      waitsFor: [workloads.id],
    }),
  );
  const apiModel: PlanStep = {
    id: "rollback-local-apimodel",
    node: "local",
    run: { kind: "restoreLocal", file: "apimodel", rotationId: input.rotationId },
    waitsFor: vocab.ids(verified),
    triggers: [],
  };
  return [
    { name: "kubeconfig", steps: [kubeProxy, ...kubeconfigs] },
    { name: "serviceaccounts", steps: [tokens, workloads] },
    { name: "verify", steps: [...verified, apiModel] },
  ];
}
