// The rotation graph (design.md): preflight gate → stage + backup on every node → etcd on all
// masters together → etcd health gate → front-proxy in etcd → control plane, master-0 first →
// kubelets in lanes, each gated on Ready → kube-proxy → admin kubeconfig → reboots → service
// accounts and workloads → verification → staging removed, apimodel.json. With `finalize`, the
// removal of the backups follows (finalize.ts). Every arrow is `dependsOn` on the
// commands of the phase before; every command's triggers are the digests of what it guards.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import type { ClusterModel } from "../cluster/model";
import type { RotateConfig, SshPlan } from "../config";
import type { FileKind, KubeconfigPlacement, NodeFile } from "../pki/specs";
import {
  digestsOf,
  LOCAL_SCRIPTS_DIR,
  nodeBundle,
  scriptHash,
  sha256Hex,
  shellQuote,
  stdoutValue,
  type NodeBundle,
  type StagedFile,
} from "../remote";
import { withCertificateProfile, type CertificateProfile } from "./apimodel";
import { adminKubeconfig } from "./kubeconfig";
import {
  installPhase,
  KUBELET_FILES,
  LOCAL_BACKUP_SUFFIX,
  kubeletLanes,
  rebootWaves,
  tokenOf,
  type InstallPhase,
} from "./plan";
import { buildFinalize, finalizeArgsFrom } from "./finalize";
import { bootWait, nodeReadyGate, scriptsDelivery, stepBuilder } from "./steps";

/** The PKI as the rotation reads it: the content of a file (certificate PEM or secret key PEM). */
export interface RotationPki {
  content(file: { readonly identity: string; readonly kind: FileKind }): pulumi.Output<string>;
}

export interface RotationArgs {
  readonly cluster: ClusterModel;
  /** Part 1's per-node file table (planFiles). */
  readonly files: readonly NodeFile[];
  /** Part 1's admin kubeconfig placements on masters (planKubeconfigs). */
  readonly kubeconfigs: readonly KubeconfigPlacement[];
  readonly pki: RotationPki;
  readonly ssh: SshPlan;
  readonly rollout: RotateConfig["rollout"];
  /** The rotation's label: the nodes' backups record it (backup.sh), finalize names it. */
  readonly rotationId: string;
  /**
   * Finalize after the rotation verified (action "finalize"): remove every node's backup and
   * the operator's .before-rotation files (finalize.ts). @default false
   */
  readonly finalize?: boolean;
  readonly paths: {
    /** apimodel.json, rewritten with the new certificateProfile at the end (backup kept). */
    readonly apiModel: string;
    /** `_output/<dnsPrefix>/kubeconfig/kubeconfig.<location>.json`, rewritten (backup kept). */
    readonly kubeconfig: string;
  };
}

/** Per node, what the rotation plans: files, restarts, reboot. Plain data for `pulumi preview`. */
export interface NodeRotationPlan {
  readonly role: "master" | "agent";
  readonly files: readonly string[];
  readonly restarts: readonly string[];
  readonly reboot: boolean;
}

type Cmd = pulumi.Resource;

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

  constructor(name: string, args: RotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-rotate-certs:rotation:Rotation", name, {}, opts);
    const out = buildRotation(this, args);
    this.kubeconfig = out.kubeconfig;
    this.barePods = out.barePods;
    this.plan = out.plan;
    this.done = out.done;
    if (args.finalize === true) {
      const fin = buildFinalize(this, finalizeArgsFrom(args, out));
      this.finalizePlan = fin.plan;
      this.finalized = fin.done;
    }
    this.registerOutputs({ barePods: this.barePods, plan: this.plan, done: this.done });
  }
}

interface NodeInfo {
  readonly name: string;
  readonly role: "master" | "agent";
  readonly files: readonly (StagedFile & { readonly phase: InstallPhase })[];
  readonly bundle: NodeBundle;
}

export function buildRotation(parent: pulumi.Resource, args: RotationArgs) {
  const { cluster, ssh, rollout } = args;
  const user = ssh.user;
  const masters = cluster.masters.map((m) => m.name);
  const agents = cluster.agents.map((a) => a.name);
  const all = [...masters, ...agents];
  const master0 = masters[0];
  if (master0 === undefined) throw new Error("the cluster model has no master");

  // ── content ──────────────────────────────────────────────────────────────────────────────
  const kubeconfigText = pulumi.secret(
    pulumi
      .all([
        args.pki.content({ identity: "ca", kind: "cert" }),
        args.pki.content({ identity: "kubeconfig", kind: "cert" }),
        args.pki.content({ identity: "kubeconfig", kind: "key" }),
      ])
      .apply(([ca, crt, key]) =>
        adminKubeconfig({
          dnsPrefix: cluster.dnsPrefix,
          server: cluster.kubeconfigServer,
          caCertPem: ca,
          clientCertPem: crt,
          clientKeyPem: key,
        }),
      ),
  );

  const nodes = new Map<string, NodeInfo>();
  for (const node of [...cluster.masters, ...cluster.agents]) {
    const certFiles = args.files.filter((f) => f.node === node.name);
    const kube = args.kubeconfigs.filter((k) => k.node === node.name);
    const files = [...certFiles, ...kube].map((f) => ({
      ...f,
      phase: installPhase(node.role, f.path),
    }));
    const content = (f: StagedFile): pulumi.Output<string> => {
      const nf = certFiles.find((c) => c.path === f.path);
      return nf === undefined ? kubeconfigText : args.pki.content(nf);
    };
    nodes.set(node.name, {
      name: node.name,
      role: node.role,
      files,
      bundle: nodeBundle(files, content),
    });
  }
  const info = (n: string): NodeInfo => nodes.get(n)!;
  const pathsIn = (n: string, phases: readonly InstallPhase[]): string[] =>
    info(n)
      .files.filter((f) => phases.includes(f.phase))
      .map((f) => f.path);
  const digests = (n: string, paths: readonly string[]) => digestsOf(info(n).bundle.sha256, paths);
  const allDigests = (n: string) =>
    digests(
      n,
      info(n).files.map((f) => f.path),
    );
  const token = (outs: pulumi.Output<string[]>[]): pulumi.Output<string> =>
    pulumi.all(outs).apply((ds) => tokenOf(ds.flat(), sha256Hex));
  const rotationToken = token(all.map(allDigests));

  // ── step helpers ───────────────────────────────────────────────────────────────────────────
  const step = stepBuilder(ssh, parent);
  const localWrite = (
    name: string,
    dest: string,
    backup: string,
    content: pulumi.Output<string>,
    dependsOn: readonly Cmd[],
  ) =>
    new command.local.Command(
      name,
      {
        create: ["bash", `${LOCAL_SCRIPTS_DIR}/write-file.sh`, dest, backup]
          .map(shellQuote)
          .join(" "),
        stdin: content,
        logging: "none",
        triggers: [content.apply(sha256Hex)],
      },
      { parent, dependsOn: [...dependsOn], additionalSecretOutputs: ["stdout", "stderr"] },
    );

  // ── delivery and preflight gate ────────────────────────────────────────────────────────────
  const deliver = scriptsDelivery(ssh, parent);
  const delivered = new Map<string, Cmd>(all.map((n) => [n, deliver(`deliver-${n}-scripts`, n)]));
  // A node that will reboot must prove at the gate that it would come back (preflight.sh).
  const waves = rebootWaves(masters, agents, rollout.rebootStrategy);
  const rebooting = new Set(waves.flat());
  const preflight = all.map((n) =>
    step(`preflight-${n}-check`, n, {
      script: "preflight.sh",
      args: [
        ...(rebooting.has(n) ? ["--reboot"] : []),
        n,
        info(n).role,
        ...info(n)
          .files.filter((f) => f.phase !== "kubeconfig")
          .map((f) => f.path),
      ],
      triggers: [allDigests(n)],
      dependsOn: [delivered.get(n)!],
    }),
  );

  // ── stage + backup on every node ───────────────────────────────────────────────────────────
  // The staging is removed once the rotation verified (cleanup below): a later run of a script
  // that reads it (install.sh, frontproxy.sh edited) stages again first, and cleans up again.
  const readsStaging = [scriptHash("install.sh"), scriptHash("frontproxy.sh")];
  const staged: Cmd[] = [];
  const stagedOn = new Map<string, command.remote.Command>();
  for (const n of all) {
    const stage = step(`stage-${n}-certs`, n, {
      script: "stage.sh",
      secretStdin: info(n).bundle.text,
      triggers: [allDigests(n), ...readsStaging],
      dependsOn: preflight,
    });
    stagedOn.set(n, stage);
    // After stage.sh: backup.sh reads the staged manifest to never back up this rotation's files.
    staged.push(
      stage,
      step(`stage-${n}-backup`, n, {
        script: "backup.sh",
        args: [user, args.rotationId],
        triggers: [allDigests(n)],
        dependsOn: [stage],
      }),
    );
  }

  // ── etcd: swap on all masters, restart together, then the health gate ─────────────────────
  const etcdInstall = masters.map((m) =>
    step(`etcd-${m}-install`, m, {
      script: "install.sh",
      args: pathsIn(m, ["etcd"]),
      triggers: [digests(m, pathsIn(m, ["etcd"]))],
      dependsOn: staged,
    }),
  );
  const etcdRestart = masters.map((m) =>
    step(`etcd-${m}-restart`, m, {
      script: "restart-etcd.sh",
      triggers: [digests(m, pathsIn(m, ["etcd"]))],
      dependsOn: etcdInstall,
    }),
  );
  const etcdAll = pulumi.all(masters.map((m) => digests(m, pathsIn(m, ["etcd"]))));
  const etcdHealthy = masters.map((m) =>
    step(`etcd-${m}-health`, m, {
      script: "wait-etcd-healthy.sh",
      args: [String(rollout.etcdHealthTimeoutSeconds)],
      triggers: [etcdAll],
      dependsOn: etcdRestart,
    }),
  );

  // ── front-proxy pair into etcd (master-0), then the control plane, master-0 first ───────────
  const proxyPaths = ["proxy-ca.crt", "proxy.crt", "proxy.key"].map(
    (f) => `/etc/kubernetes/certs/${f}`,
  );
  const frontProxy = step(`frontproxy-${master0}-etcd`, master0, {
    script: "frontproxy.sh",
    triggers: [digests(master0, proxyPaths)],
    dependsOn: etcdHealthy,
  });
  const controlPlaneReady: Cmd[] = [];
  let previous: Cmd[] = [...etcdHealthy, frontProxy];
  for (const m of masters) {
    const guarded = digests(m, pathsIn(m, ["etcd", "controlplane"]));
    const install = step(`controlplane-${m}-install`, m, {
      script: "install.sh",
      args: pathsIn(m, ["controlplane"]),
      triggers: [digests(m, pathsIn(m, ["controlplane"]))],
      dependsOn: previous,
    });
    const restart = step(`controlplane-${m}-restart`, m, {
      script: "restart-control-plane.sh",
      args: [String(rollout.controlPlaneReadyTimeoutSeconds)],
      triggers: [guarded],
      dependsOn: [install],
    });
    const ready = step(`controlplane-${m}-ready`, m, {
      script: "wait-apiserver.sh",
      args: [String(rollout.controlPlaneReadyTimeoutSeconds)],
      triggers: [guarded],
      dependsOn: [restart],
      timeoutSeconds: rollout.controlPlaneReadyTimeoutSeconds + 60,
    });
    controlPlaneReady.push(ready);
    // master-0 alone first; the other masters together once it serves the new certificates.
    if (m === master0) previous = [ready];
  }

  // ── kubelets in lanes, each gated on its node being Ready (checked from master-0) ──────────
  const nodeReady = nodeReadyGate(step, master0, rollout.nodeReadyTimeoutSeconds);
  const kubeletReady: Cmd[] = [];
  // Masters' kubelets together (static pods keep running through a kubelet restart); agents in
  // agentParallelism lanes.
  const lanes = [...masters.map((m) => [m]), ...kubeletLanes(agents, rollout.agentParallelism)];
  for (const lane of lanes) {
    let gate: Cmd[] = controlPlaneReady;
    for (const n of lane) {
      const kubeletPaths = info(n).role === "agent" ? pathsIn(n, ["kubelet"]) : KUBELET_FILES;
      let before = gate;
      if (info(n).role === "agent") {
        before = [
          step(`kubelet-${n}-install`, n, {
            script: "install.sh",
            args: kubeletPaths,
            triggers: [digests(n, kubeletPaths)],
            dependsOn: gate,
          }),
        ];
      }
      const restart = step(`kubelet-${n}-restart`, n, {
        script: "restart-kubelet.sh",
        triggers: [digests(n, kubeletPaths)],
        dependsOn: before,
      });
      const ready = nodeReady(`kubelet-${n}-ready`, n, stdoutValue(restart, "restarted-at"), [
        restart,
      ]);
      kubeletReady.push(ready);
      gate = [ready];
    }
  }

  // ── kube-proxy (authenticates with client.crt), then the admin kubeconfig ───────────────────
  const kubeProxy = step(`kubeproxy-${master0}-restart`, master0, {
    script: "rollout-restart.sh",
    args: [
      rotationToken,
      "kube-system/daemonset/kube-proxy",
      String(rollout.nodeReadyTimeoutSeconds),
    ],
    dependsOn: kubeletReady,
  });
  const kubeconfigDone: Cmd[] = masters.map((m) =>
    step(`kubeconfig-${m}-install`, m, {
      script: "install.sh",
      args: pathsIn(m, ["kubeconfig"]),
      triggers: [digests(m, pathsIn(m, ["kubeconfig"]))],
      dependsOn: [kubeProxy],
    }),
  );
  kubeconfigDone.push(
    localWrite(
      "kubeconfig-local-write",
      args.paths.kubeconfig,
      `${args.paths.kubeconfig}${LOCAL_BACKUP_SUFFIX}`,
      kubeconfigText,
      [kubeProxy],
    ),
  );

  // ── reboots: cluster nodes only, in waves ──────────────────────────────────────────────────
  // A rerun after an interruption may find a node still rebooting from the run before (its
  // reboot step ran, but its completion was never recorded): its reboot step then waits for the
  // node through the provider's dial retries; reboot.sh sees the new boot and does nothing.
  const rebootDials = Math.max(10, rollout.rebootTimeoutSeconds);
  const waitBoot = bootWait(ssh, parent);
  let rebootGate: Cmd[] = kubeconfigDone;
  const rebooted: string[] = [];
  for (const wave of waves) {
    const waveDone: Cmd[] = [];
    const scheduled = wave.map((n) => {
      const nodeToken = token([allDigests(n)]);
      const reboot = step(`reboot-${n}-reboot`, n, {
        script: "reboot.sh",
        args: [nodeToken],
        triggers: [allDigests(n)],
        dependsOn: rebootGate,
        dialErrorLimit: rebootDials,
      });
      return { n, nodeToken, reboot };
    });
    for (const { n, nodeToken, reboot } of scheduled) {
      rebooted.push(n);
      // No fixed pause: the wait polls until the node answers from a new boot.
      const back = waitBoot(`reboot-${n}-wait`, n, {
        token: nodeToken,
        timeoutSeconds: rollout.rebootTimeoutSeconds,
        triggers: [reboot.id],
        dependsOn: [reboot],
      });
      let last: Cmd = back;
      if (info(n).role === "master") {
        last = step(`reboot-${n}-etcd`, n, {
          script: "wait-etcd-healthy.sh",
          args: [String(rollout.etcdHealthTimeoutSeconds)],
          triggers: [reboot.id],
          dependsOn: [back],
        });
      }
      // An epoch second, not a secret: the wait's outputs are secret only because it reads a key.
      const bootedAt = pulumi.unsecret(stdoutValue(back, "booted-at"));
      waveDone.push(nodeReady(`reboot-${n}-ready`, n, bootedAt, [last]));
    }
    rebootGate = waveDone;
  }

  // ── service accounts: re-issue token Secrets the new key did not sign, then every workload ─
  const saKeyDigest = digests(master0, ["/etc/kubernetes/certs/apiserver.key"]);
  const tokens = step(`serviceaccounts-${master0}-tokens`, master0, {
    script: "reissue-sa-tokens.sh",
    triggers: [saKeyDigest],
    dependsOn: rebootGate,
  });
  const workloads = step(`serviceaccounts-${master0}-workloads`, master0, {
    script: "rollout-restart.sh",
    args: [rotationToken, "all", String(rollout.nodeReadyTimeoutSeconds)],
    dependsOn: [tokens],
  });
  const barePodsCmd = step(`serviceaccounts-${master0}-barepods`, master0, {
    script: "list-bare-pods.sh",
    triggers: [rotationToken],
    dependsOn: [workloads],
  });
  const barePods = barePodsCmd.stdout.apply((s) =>
    (s ?? "")
      .split("\n")
      .filter((l) => l.startsWith("bare-pod "))
      .map((l) => l.slice("bare-pod ".length)),
  );

  // ── verification: files on every node, then the cluster as a whole ─────────────────────────
  const filesVerified = all.map((n) =>
    step(`verify-${n}-files`, n, {
      script: "verify.sh",
      triggers: [allDigests(n)],
      dependsOn: [workloads],
    }),
  );
  const verified = step(`verify-${master0}-cluster`, master0, {
    script: "verify-cluster.sh",
    args: [user, ...all],
    triggers: [rotationToken],
    dependsOn: filesVerified,
  });

  // ── the staged copies of the new keys are not needed once verified: removed on every node ──
  // Again whenever the node was staged again (a new stage step has a new id).
  const cleanedUp = all.map((n) =>
    step(`cleanup-${n}-staging`, n, {
      script: "cleanup.sh",
      args: ["staging"],
      triggers: [stagedOn.get(n)!.id],
      dependsOn: [verified],
    }),
  );

  // ── persist apimodel.json ──────────────────────────────────────────────────────────────────
  const apiModelText = fs.readFileSync(args.paths.apiModel, "utf8");
  const profile = certificateProfile(args.pki, cluster);
  const persisted = localWrite(
    "persist-local-apimodel",
    args.paths.apiModel,
    `${args.paths.apiModel}${LOCAL_BACKUP_SUFFIX}`,
    pulumi.secret(profile.apply((p) => withCertificateProfile(apiModelText, p))),
    [verified],
  );

  const plan: Record<string, NodeRotationPlan> = {};
  for (const n of all) {
    const role = info(n).role;
    plan[n] = {
      role,
      files: info(n).files.map((f) => `${f.path} (${f.phase})`),
      restarts: [
        ...(role === "master"
          ? ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]
          : []),
        "kubelet",
      ],
      reboot: rebooted.includes(n),
    };
  }

  return {
    kubeconfig: kubeconfigText,
    barePods,
    plan,
    // From the steps' output, not their URNs: it is unknown until they ran, so a preview does not
    // claim it done.
    // A fixed text: secret only because the persist step's output is (it read apimodel.json).
    done: pulumi.unsecret(
      pulumi.all([verified.stdout, persisted.stdout]).apply(() => "verified and persisted"),
    ),
    token: rotationToken,
    resources: {
      preflight,
      staged,
      etcdRestart,
      controlPlaneReady,
      kubeletReady,
      verified,
      cleanedUp,
      persisted,
    },
  };
}

/** apimodel.json's certificateProfile from the new PKI; etcd peers in master index order. */
function certificateProfile(
  pki: RotationPki,
  cluster: ClusterModel,
): pulumi.Output<CertificateProfile> {
  const c = (identity: string) => pki.content({ identity, kind: "cert" });
  const k = (identity: string) => pki.content({ identity, kind: "key" });
  const peers = cluster.masters.map((m) => `etcdpeer${m.index}`);
  const profile: pulumi.Output<CertificateProfile> = pulumi.output({
    caCertificate: c("ca"),
    caPrivateKey: k("ca"),
    apiServerCertificate: c("apiserver"),
    apiServerPrivateKey: k("apiserver"),
    clientCertificate: c("client"),
    clientPrivateKey: k("client"),
    kubeConfigCertificate: c("kubeconfig"),
    kubeConfigPrivateKey: k("kubeconfig"),
    etcdServerCertificate: c("etcdserver"),
    etcdServerPrivateKey: k("etcdserver"),
    etcdClientCertificate: c("etcdclient"),
    etcdClientPrivateKey: k("etcdclient"),
    etcdPeerCertificates: pulumi.all(peers.map(c)),
    etcdPeerPrivateKeys: pulumi.all(peers.map(k)),
  });
  return profile;
}
