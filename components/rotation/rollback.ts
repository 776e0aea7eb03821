// The rollback graph: reinstalls the pre-rotation certificates that backup.sh kept on every node
// (certs.bak, taken by the last rotation from the files it replaced) in the rotation's own order, so the cluster comes back the
// way it went: check every node's backup → etcd files on all masters, restart all members
// together → etcd health gate → control plane, master-0 first (its front-proxy pair republished
// in etcd) → kubelets in lanes, each gated on Ready → kube-proxy → admin kubeconfigs (masters and
// the operator's copy) → service-account tokens and workloads → every node's files verified
// against the backup → apimodel.json restored. Selected instead of the rotation by the stack's
// `action`; its steps exist only while `action` is "rollback", so switching back and forth
// re-runs the whole of whichever is selected.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { RotateConfig, SshPlan } from "../config";
import { LOCAL_SCRIPTS_DIR, sha256Hex, shellQuote, stdoutValue } from "../remote";
import { installPhase, kubeletLanes, LOCAL_BACKUP_SUFFIX, type InstallPhase } from "./plan";
import type { RotationArgs } from "./rotation";
import { nodeReadyGate, scriptsDelivery, stepBuilder } from "./steps";

export interface RollbackArgs {
  /** Master node names in index order: master-0 (the first) goes first. */
  readonly masters: readonly string[];
  readonly agents: readonly string[];
  /**
   * The destination paths the rotation installs on each node (part 1's planFiles and
   * planKubeconfigs): exactly these are restored, in the rotation's phases.
   */
  readonly files: readonly { readonly node: string; readonly path: string }[];
  readonly ssh: SshPlan;
  readonly rollout: Pick<
    RotateConfig["rollout"],
    | "agentParallelism"
    | "etcdHealthTimeoutSeconds"
    | "controlPlaneReadyTimeoutSeconds"
    | "nodeReadyTimeoutSeconds"
  >;
  readonly paths: {
    /** apimodel.json: restored from `<path>.before-rotation` once the rollback is verified. */
    readonly apiModel: string;
    /** The operator's admin kubeconfig: restored from `<path>.before-rotation`. */
    readonly kubeconfig: string;
  };
  /**
   * Labels this rollback: the workloads' restart annotation is derived from it, so it must
   * differ from the rotation's. @default "rollback"
   */
  readonly rollbackId?: string;
}

/**
 * The rollback's input from the rotation's, so `index.ts` builds either from one set of inputs:
 * the same nodes, the same files (the cert table and the admin kubeconfigs), SSH and timeouts.
 */
export function rollbackArgsFrom(args: RotationArgs, rollbackId: string): RollbackArgs {
  return {
    masters: args.cluster.masters.map((m) => m.name),
    agents: args.cluster.agents.map((a) => a.name),
    files: [...args.files, ...args.kubeconfigs].map((f) => ({ node: f.node, path: f.path })),
    ssh: args.ssh,
    rollout: args.rollout,
    paths: args.paths,
    rollbackId,
  };
}

/** Per node, what the rollback restores in which phase. Plain data, tested as a table. */
export function rollbackPhases(
  args: Pick<RollbackArgs, "masters" | "agents" | "files">,
): Map<string, Map<InstallPhase, string[]>> {
  const out = new Map<string, Map<InstallPhase, string[]>>();
  const role = (n: string) => (args.masters.includes(n) ? "master" : "agent");
  for (const n of [...args.masters, ...args.agents]) out.set(n, new Map());
  for (const f of args.files) {
    const phases = out.get(f.node);
    if (phases === undefined)
      throw new Error(`rollback: file ${f.path} for unknown node ${f.node}`);
    const phase = installPhase(role(f.node), f.path);
    phases.set(phase, [...(phases.get(phase) ?? []), f.path]);
  }
  return out;
}

/** The workloads' restart annotation of a rollback: a valid token, never the rotation's. */
export function rollbackToken(rollbackId: string): string {
  return `rollback-${sha256Hex(rollbackId).slice(0, 16)}`;
}

export class Rollback extends pulumi.ComponentResource {
  /** Resolves once every node's files equal its backup and apimodel.json is restored. */
  readonly done: pulumi.Output<string>;

  constructor(name: string, args: RollbackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-rotate-certs:rotation:Rollback", name, {}, opts);
    this.done = buildRollback(this, args).done;
    this.registerOutputs({ done: this.done });
  }
}

type Cmd = pulumi.Resource;

export function buildRollback(parent: pulumi.Resource, args: RollbackArgs) {
  const { ssh, rollout, masters, agents } = args;
  const all = [...masters, ...agents];
  const master0 = masters[0];
  if (master0 === undefined) throw new Error("rollback: the cluster has no master");
  const phases = rollbackPhases(args);
  const pathsIn = (n: string, ...ps: InstallPhase[]): string[] =>
    ps.flatMap((p) => phases.get(n)?.get(p) ?? []);
  const token = rollbackToken(args.rollbackId ?? "rollback");

  const step = stepBuilder(ssh, parent);
  const restore = (name: string, node: string, paths: string[], dependsOn: readonly Cmd[]) => {
    // rollback.sh restores the whole backup when given no path: never what a phase means.
    if (paths.length === 0) throw new Error(`rollback: ${name} has no file to restore`);
    return step(name, node, { script: "rollback.sh", args: ["restore", ...paths], dependsOn });
  };
  const localRestore = (name: string, dest: string, dependsOn: readonly Cmd[]) =>
    new command.local.Command(
      name,
      {
        create: ["bash", `${LOCAL_SCRIPTS_DIR}/restore-file.sh`, dest, dest + LOCAL_BACKUP_SUFFIX]
          .map(shellQuote)
          .join(" "),
      },
      { parent, dependsOn: [...dependsOn] },
    );
  const nodeReady = nodeReadyGate(step, master0, rollout.nodeReadyTimeoutSeconds);

  // ── scripts on every node, then refuse unless every node's backup holds every file ──────────
  const deliver = scriptsDelivery(ssh, parent);
  const checked = all.map((n) => {
    const delivered = deliver(`rollback-${n}-deliver`, n);
    return step(`rollback-${n}-check`, n, {
      script: "rollback.sh",
      args: ["check", ...pathsIn(n, "etcd", "controlplane", "kubelet", "kubeconfig")],
      dependsOn: [delivered],
    });
  });

  // ── etcd: old trust and certs on all masters, restart together, health gate ─────────────────
  const etcdRestored = masters.map((m) =>
    restore(`rollback-${m}-etcdrestore`, m, pathsIn(m, "etcd"), checked),
  );
  const etcdRestarted = masters.map((m) =>
    step(`rollback-${m}-etcdrestart`, m, { script: "restart-etcd.sh", dependsOn: etcdRestored }),
  );
  const etcdHealthy = masters.map((m) =>
    step(`rollback-${m}-etcdhealth`, m, {
      script: "wait-etcd-healthy.sh",
      args: [String(rollout.etcdHealthTimeoutSeconds)],
      dependsOn: etcdRestarted,
    }),
  );

  // ── control plane, master-0 first; its restored front-proxy pair goes back into etcd ─────────
  const controlPlaneReady: Cmd[] = [];
  let previous: Cmd[] = etcdHealthy;
  for (const m of masters) {
    const restored = restore(`rollback-${m}-cprestore`, m, pathsIn(m, "controlplane"), previous);
    let beforeRestart: Cmd = restored;
    if (m === master0) {
      beforeRestart = step(`rollback-${m}-frontproxy`, m, {
        script: "frontproxy.sh",
        args: ["--installed"],
        dependsOn: [restored],
      });
    }
    const restart = step(`rollback-${m}-cprestart`, m, {
      script: "restart-control-plane.sh",
      args: [String(rollout.controlPlaneReadyTimeoutSeconds)],
      dependsOn: [beforeRestart],
    });
    const ready = step(`rollback-${m}-cpready`, m, {
      script: "wait-apiserver.sh",
      args: [String(rollout.controlPlaneReadyTimeoutSeconds)],
      dependsOn: [restart],
      timeoutSeconds: rollout.controlPlaneReadyTimeoutSeconds + 60,
    });
    controlPlaneReady.push(ready);
    if (m === master0) previous = [ready];
  }

  // ── kubelets: masters together, agents in lanes, each gated on its node being Ready ─────────
  const kubeletReady: Cmd[] = [];
  const lanes = [...masters.map((m) => [m]), ...kubeletLanes(agents, rollout.agentParallelism)];
  for (const lane of lanes) {
    let gate: Cmd[] = controlPlaneReady;
    for (const n of lane) {
      const isAgent = agents.includes(n);
      const before = isAgent
        ? [restore(`rollback-${n}-kubeletrestore`, n, pathsIn(n, "kubelet"), gate)]
        : gate;
      const restart = step(`rollback-${n}-kubeletrestart`, n, {
        script: "restart-kubelet.sh",
        dependsOn: before,
      });
      const ready = nodeReady(
        `rollback-${n}-kubeletready`,
        n,
        stdoutValue(restart, "restarted-at"),
        [restart],
      );
      kubeletReady.push(ready);
      gate = [ready];
    }
  }

  // ── kube-proxy, then the admin kubeconfigs from their backups ───────────────────────────────
  const kubeProxy = step(`rollback-${master0}-kubeproxy`, master0, {
    script: "rollout-restart.sh",
    args: [token, "kube-system/daemonset/kube-proxy", String(rollout.nodeReadyTimeoutSeconds)],
    dependsOn: kubeletReady,
  });
  const kubeconfigs: Cmd[] = masters
    .filter((m) => pathsIn(m, "kubeconfig").length > 0)
    .map((m) => restore(`rollback-${m}-kubeconfig`, m, pathsIn(m, "kubeconfig"), [kubeProxy]));
  kubeconfigs.push(localRestore("rollback-local-kubeconfig", args.paths.kubeconfig, [kubeProxy]));

  // ── service accounts: tokens the restored key does not verify, then every workload ──────────
  const tokens = step(`rollback-${master0}-tokens`, master0, {
    script: "reissue-sa-tokens.sh",
    dependsOn: kubeconfigs,
  });
  const workloads = step(`rollback-${master0}-workloads`, master0, {
    script: "rollout-restart.sh",
    args: [token, "all", String(rollout.nodeReadyTimeoutSeconds)],
    dependsOn: [tokens],
  });

  // ── verify every node's files against its backup, then restore apimodel.json ───────────────
  const verified = all.map((n) =>
    step(`rollback-${n}-verify`, n, {
      script: "rollback.sh",
      args: ["verify", ...pathsIn(n, "etcd", "controlplane", "kubelet", "kubeconfig")],
      dependsOn: [workloads],
    }),
  );
  const apiModel = localRestore("rollback-local-apimodel", args.paths.apiModel, verified);

  return {
    // From the step's output, not its URN: it is unknown until it ran, so a preview does not
    // claim it done.
    done: apiModel.stdout.apply(() => "rolled back to the pre-rotation certificates"),
    resources: { checked, etcdRestarted, controlPlaneReady, kubeletReady, verified, apiModel },
  };
}
