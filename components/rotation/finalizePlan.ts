// Finalize (action "finalize"): the operator keeps the rotation, so the backups only a rollback
// needs go. After the rotation's own phases (they stay registered, so nothing of them runs
// again): every node's files checked against the rotation (verify.sh) → the cluster verified
// with the new PKI (verify-cluster.sh, which still has the old admin kubeconfig to prove it
// refused) → every node's backups removed (cleanup.sh backup), and the operator's
// .before-rotation copies (and, staged, the bundle kubeconfig). Each step re-runs when the
// rotation changes, so a later rotation under "finalize" is finalized again.
import { LOCAL_BACKUP_SUFFIX } from "../remote";
import type { NodeIndex } from "./planNodes";
import { ids, scriptStep } from "./planSteps";
import { localPath, type LocalPaths, type Phase, type PlanInput, type PlanStep } from "./planTypes";
import { rotationToken } from "./rotatePlan";
import { removeHandOut } from "./stagedPlan";

/** Where AKS Engine's node-side backup and this rotation's kubeconfig backups are (lib.sh). */
const NODE_BACKUPS = [
  "/etc/kubernetes/certs.bak (the certificates the rotation replaced)",
  "/etc/kubernetes/rotate-certs/backup (the kubelet and admin kubeconfigs it replaced)",
  "/etc/kubernetes/rotate-certs/certs (staged copies, if any are left)",
];

/** Per node, and "local" for the operator's machine, what finalize removes. Plain data. */
export function finalizePlan(
  nodes: readonly string[],
  paths: LocalPaths,
  staged = false,
): Record<string, string[]> {
  const plan: Record<string, string[]> = {};
  for (const n of nodes) plan[n] = [...NODE_BACKUPS];
  plan.local = [paths.apiModel, paths.kubeconfig].map((p) => p + LOCAL_BACKUP_SUFFIX);
  if (staged) plan.local.push(`${localPath(paths, "bundleKubeconfig")} (the bundle kubeconfig)`);
  return plan;
}

/** The finalize phase, after the rotation's last steps `after`. */
export function finalizePhase(ix: NodeIndex, input: PlanInput, after: readonly string[]): Phase {
  const triggers = [rotationToken(ix)];
  const m0 = ix.master0;
  const files = ix.all.map((n) =>
    scriptStep(`finalize-${n}-files`, n, "verify.sh", { triggers, waitsFor: after }),
  );
  const cluster = scriptStep(`finalize-${m0}-cluster`, m0, "verify-cluster.sh", {
    args: [input.user, ...ix.all],
    triggers,
    waitsFor: ids(files),
  });
  const removed: PlanStep[] = ix.all.map((n) =>
    scriptStep(`finalize-${n}-backup`, n, "cleanup.sh", {
      args: ["backup", input.rotationId],
      triggers,
      waitsFor: [cluster.id],
    }),
  );
  for (const file of ["apimodel", "kubeconfig"] as const) {
    removed.push({
      id: `finalize-local-${file}`,
      node: "local",
      run: { kind: "removeLocalBackup", file },
      waitsFor: [cluster.id],
      triggers,
    });
  }
  // The staged mode's hand-out still trusts the old CA: it goes with the backups.
  if (input.rollout.rotationMode === "staged") {
    removed.push(removeHandOut("finalize-local-bundle-kubeconfig", [cluster.id], triggers));
  }
  return { name: "finalize", steps: [...files, cluster, ...removed] };
}
