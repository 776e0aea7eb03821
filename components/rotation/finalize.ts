// Finalize (action "finalize"): the operator keeps the rotation, so the backups that only a
// rollback needs go. After the rotation's own graph (it stays registered, so nothing of it runs
// again): every node's files checked against the rotation (verify.sh) → the cluster verified with
// the new PKI (verify-cluster.sh, which still has the old admin kubeconfig to prove it refused)
// → every node's certs.bak and kubeconfig backups removed (cleanup.sh backup), and the
// operator's .before-rotation copies of apimodel.json and the kubeconfig. Each step re-runs when
// the rotation changes, so a later rotation under "finalize" is finalized again.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { SshPlan } from "../config";
import { shellQuote } from "../remote";
import { LOCAL_BACKUP_SUFFIX } from "./plan";
import type { RotationArgs } from "./rotation";
import { stepBuilder } from "./steps";

export interface FinalizeArgs {
  /** Master node names in index order: master-0 verifies the cluster. */
  readonly masters: readonly string[];
  readonly agents: readonly string[];
  readonly ssh: SshPlan;
  readonly rotationId: string;
  /** Changes with every rotation (the digests of everything it installs): the steps' trigger. */
  readonly token: pulumi.Input<string>;
  /** The operator's files the rotation rewrote; their .before-rotation copies are removed. */
  readonly paths: { readonly apiModel: string; readonly kubeconfig: string };
  /** The rotation's last steps: finalize starts when they are done. */
  readonly after: readonly pulumi.Resource[];
}

/** What the rotation's graph hands to finalize. */
export interface RotationOutcome {
  readonly token: pulumi.Output<string>;
  readonly resources: {
    readonly verified: pulumi.Resource;
    readonly cleanedUp: readonly pulumi.Resource[];
    readonly persisted: pulumi.Resource;
  };
}

export function finalizeArgsFrom(args: RotationArgs, outcome: RotationOutcome): FinalizeArgs {
  const { verified, cleanedUp, persisted } = outcome.resources;
  return {
    masters: args.cluster.masters.map((m) => m.name),
    agents: args.cluster.agents.map((a) => a.name),
    ssh: args.ssh,
    rotationId: args.rotationId,
    token: outcome.token,
    paths: args.paths,
    after: [verified, ...cleanedUp, persisted],
  };
}

/** Where AKS Engine's node-side backup and this rotation's kubeconfig backups are (lib.sh). */
const NODE_BACKUPS = [
  "/etc/kubernetes/certs.bak (the certificates the rotation replaced)",
  "/etc/kubernetes/rotate-certs/backup (the kubelet and admin kubeconfigs it replaced)",
  "/etc/kubernetes/rotate-certs/certs (staged copies, if any are left)",
];

/** Per node, and "local" for the operator's machine, what finalize removes. Plain data. */
export function finalizePlan(
  args: Pick<FinalizeArgs, "masters" | "agents" | "paths">,
): Record<string, string[]> {
  const plan: Record<string, string[]> = {};
  for (const n of [...args.masters, ...args.agents]) plan[n] = [...NODE_BACKUPS];
  plan.local = [args.paths.apiModel, args.paths.kubeconfig].map((p) => p + LOCAL_BACKUP_SUFFIX);
  return plan;
}

export function buildFinalize(parent: pulumi.Resource, args: FinalizeArgs) {
  const { masters, agents, ssh } = args;
  const all = [...masters, ...agents];
  const master0 = masters[0];
  if (master0 === undefined) throw new Error("finalize: the cluster has no master");
  const step = stepBuilder(ssh, parent);
  const triggers = [args.token];

  // ── the cluster still verifies with the new PKI, before anything is removed ────────────────
  const files = all.map((n) =>
    step(`finalize-${n}-files`, n, { script: "verify.sh", triggers, dependsOn: args.after }),
  );
  const verified = step(`finalize-${master0}-cluster`, master0, {
    script: "verify-cluster.sh",
    args: [ssh.user, ...all],
    triggers,
    dependsOn: files,
  });

  // ── then every backup goes: the nodes', and the operator's .before-rotation copies ──────────
  const removed: (command.remote.Command | command.local.Command)[] = all.map((n) =>
    step(`finalize-${n}-backup`, n, {
      script: "cleanup.sh",
      args: ["backup", args.rotationId],
      triggers,
      dependsOn: [verified],
    }),
  );
  const local = finalizePlan(args).local;
  for (const [name, file] of [
    ["apimodel", local[0]],
    ["kubeconfig", local[1]],
  ]) {
    removed.push(
      new command.local.Command(
        `finalize-local-${name}`,
        { create: ["rm", "-f", "--", file].map(shellQuote).join(" "), triggers },
        { parent, dependsOn: [verified] },
      ),
    );
  }

  return {
    plan: finalizePlan(args),
    // From the steps' output, not their URNs: it is unknown until they ran, so a preview does not
    // claim it done.
    done: pulumi
      .all(removed.map((r) => r.stdout))
      .apply(() => `rotation ${args.rotationId} finalized: no backup left`),
    resources: { files, verified, removed },
  };
}
