// The Rotation and Rollback components: the plan of the stack's action (planRotation) realized
// as commands under one parent, and the outputs the stack exports from them.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterModel } from "../cluster/model";
import type { RotateConfig, SshPlan } from "../config";
import type { KubeconfigPlacement, NodeFile } from "../pki/specs";
import type { Cmd } from "../remote";
import { derSha256, hexFingerprint } from "./caCheck";
import {
  apiModelContent,
  bundleKubeconfigContent,
  kubeconfigContent,
  nodeBundles,
  type RotationPki,
} from "./content";
import { finalizePlan } from "./finalizePlan";
import { planNodes } from "./planNodes";
import { nodePlans, planRotation, type NodeRotationPlan } from "./planRotation";
import type { LocalPaths, PlanInput, PlanMode } from "./planTypes";
import { realize } from "./realize";

export interface RotationArgs {
  readonly cluster: ClusterModel;
  /** The PKI's per-node file table (planFiles). */
  readonly files: readonly NodeFile[];
  /** The admin kubeconfig placements on masters (planKubeconfigs). */
  readonly kubeconfigs: readonly KubeconfigPlacement[];
  readonly pki: RotationPki;
  readonly ssh: SshPlan;
  readonly rollout: RotateConfig["rollout"];
  /** The rotation's label: the nodes' backups record it (backup.sh), finalize names it. */
  readonly rotationId: string;
  /** apimodel.json and the operator's admin kubeconfig: rewritten at the end (backup kept). */
  readonly paths: LocalPaths;
}

/** The plan's input from the rotation's: nodes with their files, rollout, labels. Pure. */
export function planInput(args: Omit<RotationArgs, "pki" | "ssh">): PlanInput {
  return {
    ...planNodes(args.cluster, [...args.files, ...args.kubeconfigs]),
    rollout: args.rollout,
    rotationId: args.rotationId,
    user: args.cluster.adminUsername,
    operatorCas: operatorCas(args.cluster),
  };
}

/** The CA fingerprints of apimodel.json and of its backup copy, if apimodel.json has a CA. */
function operatorCas(cluster: ClusterModel): PlanInput["operatorCas"] {
  const ca = cluster.currentCertificates.ca;
  if (ca === undefined) return undefined;
  const replaced = cluster.replacedCa;
  return {
    apiModel: hexFingerprint(ca.fingerprintSha256),
    ...(replaced === undefined ? {} : { replaced: hexFingerprint(replaced.fingerprintSha256) }),
  };
}

/** Builds the plan of `mode` under `parent`; returns the plan, the steps and the content. */
export function buildPlan(parent: pulumi.Resource, args: RotationArgs, mode: PlanMode) {
  const input = { ...planInput(args), user: args.ssh.user };
  const phases = planRotation(input, mode);
  // Made on first use: a rollback reads none of the new PKI.
  const kubeconfig = once(() => kubeconfigContent(args.pki, args.cluster));
  const apiModel = once(() => apiModelContent(args.pki, args.cluster));
  const handOut = once(() => bundleKubeconfigContent(args.pki, args.cluster));
  const bundles = once(() => nodeBundles(args.pki, args.files, args.kubeconfigs, kubeconfig()));
  const newCa = once(() => args.pki.content({ identity: "ca", kind: "cert" }).apply(derSha256));
  const steps = realize(phases, {
    parent,
    ssh: args.ssh,
    paths: args.paths,
    bundle: (node) => bundles()(node),
    localContent: (file) => ({ kubeconfig, apimodel: apiModel, bundleKubeconfig: handOut })[file](),
    newCaSha256: newCa,
  });
  return { input, phases, steps, kubeconfig };
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** A step's stdout once it ran: unknown under preview, so nothing claims done before it is. */
const ranAll = (steps: Map<string, Cmd>, ids: readonly string[]) =>
  pulumi.all(ids.map((id) => (steps.get(id) as { stdout: pulumi.Output<string> }).stdout));

export class Rotation extends pulumi.ComponentResource {
  /** The new admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Pods no controller owns: not restarted, listed for the operator. */
  readonly barePods: pulumi.Output<string[]>;
  /** Per node: files, restarts, reboot. */
  readonly plan: Record<string, NodeRotationPlan>;
  /** Resolves once the rotation is verified and apimodel.json persisted. */
  readonly done: pulumi.Output<string>;
  /** With `finalize`: per node (and "local"), what finalize removes. */
  readonly finalizePlan?: Record<string, string[]>;
  /** With `finalize`: resolves once every backup of the rotation is removed. */
  readonly finalized?: pulumi.Output<string>;

  constructor(
    name: string,
    args: RotationArgs & { readonly finalize?: boolean },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("aks-rotate-certs:rotation:Rotation", name, {}, opts);
    const { input, phases, steps, kubeconfig } = buildPlan(
      this,
      args,
      args.finalize === true ? "finalize" : "rotate",
    );
    const m0 = input.masters[0].name;
    this.kubeconfig = kubeconfig();
    this.plan = nodePlans(input, phases);
    this.barePods = ranAll(steps, [`serviceaccounts-${m0}-barepods`]).apply(([s]) =>
      (s ?? "")
        .split("\n")
        .filter((l) => l.startsWith("bare-pod "))
        .map((l) => l.slice("bare-pod ".length)),
    );
    // A fixed text: secret only because the persist step's output is (it read apimodel.json).
    this.done = pulumi.unsecret(
      ranAll(steps, [`verify-${m0}-cluster`, "persist-local-apimodel"]).apply(
        () => "verified and persisted",
      ),
    );
    if (args.finalize === true) {
      const all = [...input.masters, ...input.agents].map((n) => n.name);
      const staged = args.rollout.rotationMode === "staged";
      this.finalizePlan = finalizePlan(all, args.paths, staged);
      const removed = phases[phases.length - 1].steps.filter((s) =>
        /-(backup|apimodel|kubeconfig)$/.test(s.id),
      );
      this.finalized = ranAll(
        steps,
        removed.map((s) => s.id),
      ).apply(() => `rotation ${args.rotationId} finalized: no backup left`);
    }
    this.registerOutputs({ barePods: this.barePods, plan: this.plan, done: this.done });
  }
}

export class Rollback extends pulumi.ComponentResource {
  /** Resolves once every node's files equal its backup and apimodel.json is restored. */
  readonly done: pulumi.Output<string>;

  constructor(name: string, args: RotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-rotate-certs:rotation:Rollback", name, {}, opts);
    const { steps } = buildPlan(this, args, "rollback");
    this.done = ranAll(steps, ["rollback-local-apimodel"]).apply(
      () => "rolled back to the pre-rotation certificates",
    );
    this.registerOutputs({ done: this.done });
  }
}
