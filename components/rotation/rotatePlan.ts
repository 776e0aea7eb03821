// The cut-over rotation as a phase list: preflight gate → stage + backup on every node → etcd on
// all masters together → etcd health gate → front-proxy in etcd → control plane, master-0 first →
// kubelets in lanes, each gated on Ready → kube-proxy → admin kubeconfigs → reboots in waves →
// service accounts and workloads → verification → staging removed, apimodel.json persisted.
// Each phase waits for the one before it; each step's triggers are the digests of what it guards.
import { PROXY_PATHS } from "../pki/specs";
import { KUBELET_FILES } from "./phases";
import { nodeIndex, type NodeIndex } from "./planNodes";
import {
  deliverStep,
  ids,
  inBatches,
  kubeletChains,
  kubeletRestart,
  scriptStep,
} from "./planSteps";
import type { Phase, PlanInput, PlanStep, Word } from "./planTypes";
import { rebootPhase } from "./rebootPlan";

/** Every file of the node (what its preflight, stage, verify and reboot guard). */
export const allDigests = (ix: NodeIndex, n: string): Word => ({
  digests: { node: n, paths: ix.paths(n) },
});
const digests = (n: string, paths: readonly string[]): Word => ({ digests: { node: n, paths } });
/** Changes with anything the rotation installs anywhere: the workloads' restart annotation. */
export const rotationToken = (ix: NodeIndex): Word => ({
  token: ix.all.map((n) => allDigests(ix, n)),
});

export function rotatePhases(input: PlanInput): Phase[] {
  const ix = nodeIndex(input);
  const gate = gatePhase(ix, input);
  const stage = stagePhase(ix, input, ids(gate.steps.filter((s) => s.id.startsWith("preflight-"))));
  const etcd = etcdPhase(ix, input, ids(stage.steps));
  const controlPlane = controlPlanePhase(
    ix,
    input,
    etcd.steps.filter((s) => s.id.endsWith("-health")),
  );
  const kubelet = kubeletPhase(
    ix,
    input,
    controlPlane.steps.filter((s) => s.id.endsWith("-ready")),
  );
  const kubeconfig = kubeconfigPhase(
    ix,
    input,
    ids(kubelet.steps.filter((s) => s.id.endsWith("-ready"))),
  );
  const reboot = rebootPhase(
    ix,
    input,
    ids(kubeconfig.steps.filter((s) => s.id !== kubeProxyId(ix))),
  );
  const verify = verifyPhase(ix, input, reboot.done);
  return [gate, stage, etcd, controlPlane, kubelet, kubeconfig, reboot.phase, ...verify];
}

/** Scripts on every node, then a preflight that refuses a node that could not take the rotation. */
export function gatePhase(ix: NodeIndex, input: PlanInput): Phase {
  // A node that will reboot must prove at the gate that it would come back (preflight.sh).
  const rebooting = input.rollout.rebootStrategy !== "none";
  // A node whose CA is neither apimodel.json's nor the new one was rotated by hand: refused.
  const cas = input.operatorCas;
  const caCheck: Word[] = cas === undefined ? [] : ["--ca-sha256", { acceptedCas: cas }];
  const steps: PlanStep[] = ix.all.map((n) => deliverStep(`deliver-${n}-scripts`, n));
  for (const n of ix.all) {
    steps.push(
      scriptStep(`preflight-${n}-check`, n, "preflight.sh", {
        args: [
          ...(rebooting ? ["--reboot"] : []),
          ...caCheck,
          n,
          ix.node(n).role,
          ...ix.paths(n, ["etcd", "controlplane", "kubelet"]),
        ],
        triggers: [allDigests(ix, n)],
        waitsFor: [`deliver-${n}-scripts`],
      }),
    );
  }
  return { name: "gate", steps };
}

/**
 * The new files to every node's staging area, then a backup of what they replace. The staging is
 * removed once the rotation verified: a later run of a script that reads it stages again first.
 */
export function stagePhase(
  ix: NodeIndex,
  input: PlanInput,
  after: string[],
  alsoReadStaging: readonly Word[] = [],
): Phase {
  const readsStaging: Word[] = [
    { scriptHash: "install.sh" },
    { scriptHash: "frontproxy.sh" },
    ...alsoReadStaging,
  ];
  const steps = ix.all.flatMap((n) => [
    scriptStep(`stage-${n}-certs`, n, "stage.sh", {
      stdin: "bundle",
      triggers: [allDigests(ix, n), ...readsStaging],
      waitsFor: after,
    }),
    // After stage.sh: backup.sh reads the staged manifest to never back up this rotation's files.
    scriptStep(`stage-${n}-backup`, n, "backup.sh", {
      args: [input.user, input.rotationId],
      triggers: [allDigests(ix, n)],
      waitsFor: [`stage-${n}-certs`],
    }),
  ]);
  return { name: "stage", steps };
}

/** etcd's files on all masters, every member restarted together (they reload trust only then). */
function etcdPhase(ix: NodeIndex, input: PlanInput, after: string[]): Phase {
  const etcdFiles = (m: string) => digests(m, ix.paths(m, ["etcd"]));
  const install = ix.masters.map((m) =>
    scriptStep(`etcd-${m}-install`, m, "install.sh", {
      args: ix.paths(m, ["etcd"]),
      triggers: [etcdFiles(m)],
      waitsFor: after,
    }),
  );
  const restart = ix.masters.map((m) =>
    scriptStep(`etcd-${m}-restart`, m, "restart-etcd.sh", {
      triggers: [etcdFiles(m)],
      waitsFor: ids(install),
    }),
  );
  const health = ix.masters.map((m) =>
    scriptStep(`etcd-${m}-health`, m, "wait-etcd-healthy.sh", {
      args: [String(input.rollout.etcdHealthTimeoutSeconds)],
      triggers: [{ all: ix.masters.map(etcdFiles) }],
      waitsFor: ids(restart),
    }),
  );
  return { name: "etcd", steps: [...install, ...restart, ...health] };
}

/** The front-proxy pair into etcd (master-0), then each control plane, master-0 alone first. */
function controlPlanePhase(ix: NodeIndex, input: PlanInput, etcdHealthy: PlanStep[]): Phase {
  const timeout = input.rollout.controlPlaneReadyTimeoutSeconds;
  const m0 = ix.master0;
  const frontProxy = scriptStep(`frontproxy-${m0}-etcd`, m0, "frontproxy.sh", {
    triggers: [digests(m0, PROXY_PATHS)],
    waitsFor: ids(etcdHealthy),
  });
  const steps: PlanStep[] = [frontProxy];
  let previous = [...ids(etcdHealthy), frontProxy.id];
  for (const m of ix.masters) {
    const guarded = digests(m, ix.paths(m, ["etcd", "controlplane"]));
    steps.push(
      scriptStep(`controlplane-${m}-install`, m, "install.sh", {
        args: ix.paths(m, ["controlplane"]),
        triggers: [digests(m, ix.paths(m, ["controlplane"]))],
        waitsFor: previous,
      }),
      scriptStep(`controlplane-${m}-restart`, m, "restart-control-plane.sh", {
        args: [String(timeout)],
        triggers: [guarded],
        waitsFor: [`controlplane-${m}-install`],
      }),
      scriptStep(`controlplane-${m}-ready`, m, "wait-apiserver.sh", {
        args: [String(timeout)],
        triggers: [guarded],
        waitsFor: [`controlplane-${m}-restart`],
        timeoutSeconds: timeout + 60,
      }),
    );
    // The other masters together, once master-0 serves the new certificates.
    if (m === m0) previous = [`controlplane-${m}-ready`];
  }
  return { name: "controlplane", steps };
}

/**
 * Kubelets: masters' together (static pods keep running through a kubelet restart), agents in
 * agentParallelism lanes; each node gated on Ready before the next of its lane.
 */
function kubeletPhase(ix: NodeIndex, input: PlanInput, controlPlaneReady: PlanStep[]): Phase {
  const gateOf = { master0: ix.master0, timeoutSeconds: input.rollout.nodeReadyTimeoutSeconds };
  const nodeSteps = (n: string, gate: readonly string[]): PlanStep[] => {
    const isAgent = ix.node(n).role === "agent";
    const files = isAgent ? ix.paths(n, ["kubelet"]) : KUBELET_FILES;
    const triggers = [digests(n, files)];
    const install = isAgent
      ? [
          scriptStep(`kubelet-${n}-install`, n, "install.sh", {
            args: files,
            triggers,
            waitsFor: gate,
          }),
        ]
      : [];
    const ids = { restart: `kubelet-${n}-restart`, ready: `kubelet-${n}-ready` };
    const waitsFor = isAgent ? [`kubelet-${n}-install`] : gate;
    return [...install, ...kubeletRestart(ids, gateOf, n, { triggers, waitsFor })];
  };
  const steps = inBatches(
    kubeletChains(ix, input.rollout.maxUnavailable),
    ids(controlPlaneReady),
    nodeSteps,
  );
  return { name: "kubelet", steps };
}

const kubeProxyId = (ix: NodeIndex) => `kubeproxy-${ix.master0}-restart`;

/** kube-proxy (it authenticates with client.crt), then the admin kubeconfigs. */
function kubeconfigPhase(ix: NodeIndex, input: PlanInput, kubeletReady: string[]): Phase {
  const m0 = ix.master0;
  const kubeProxy = scriptStep(kubeProxyId(ix), m0, "rollout-restart.sh", {
    args: [
      rotationToken(ix),
      "kube-system/daemonset/kube-proxy",
      String(input.rollout.nodeReadyTimeoutSeconds),
    ],
    waitsFor: kubeletReady,
  });
  const masters = ix.masters.map((m) =>
    scriptStep(`kubeconfig-${m}-install`, m, "install.sh", {
      args: ix.paths(m, ["kubeconfig"]),
      triggers: [digests(m, ix.paths(m, ["kubeconfig"]))],
      waitsFor: [kubeProxy.id],
    }),
  );
  const local: PlanStep = {
    id: "kubeconfig-local-write",
    node: "local",
    run: { kind: "writeLocal", file: "kubeconfig", rotationId: input.rotationId },
    waitsFor: [kubeProxy.id],
    triggers: [{ contentDigest: "kubeconfig" }],
  };
  return { name: "kubeconfig", steps: [kubeProxy, ...masters, local] };
}

/** Service accounts and workloads, every node's files and the cluster verified, then clean-up. */
export function verifyPhase(ix: NodeIndex, input: PlanInput, rebooted: string[]): Phase[] {
  const m0 = ix.master0;
  const token = rotationToken(ix);
  const timeout = String(input.rollout.nodeReadyTimeoutSeconds);
  const serviceAccounts = [
    // Token Secrets the new key did not sign are re-issued, then every workload restarted.
    scriptStep(`serviceaccounts-${m0}-tokens`, m0, "reissue-sa-tokens.sh", {
      triggers: [digests(m0, ["/etc/kubernetes/certs/apiserver.key"])],
      waitsFor: rebooted,
    }),
    scriptStep(`serviceaccounts-${m0}-workloads`, m0, "rollout-restart.sh", {
      args: [token, "all", timeout],
      waitsFor: [`serviceaccounts-${m0}-tokens`],
    }),
    scriptStep(`serviceaccounts-${m0}-barepods`, m0, "list-bare-pods.sh", {
      triggers: [token],
      waitsFor: [`serviceaccounts-${m0}-workloads`],
    }),
    // Every API server merges its client CAs into extension-apiserver-authentication and never
    // drops one: the old CA would stay trusted by aggregated API servers. Rewritten once every
    // API server runs on the new CA alone (a staged rotation did it at P4; then this finds it clean).
    scriptStep(`serviceaccounts-${m0}-authn`, m0, "staged-gate.sh", {
      args: ["authn", String(input.rollout.controlPlaneReadyTimeoutSeconds)],
      triggers: [token],
      waitsFor: rebooted,
    }),
  ];
  const files = ix.all.map((n) =>
    scriptStep(`verify-${n}-files`, n, "verify.sh", {
      triggers: [allDigests(ix, n)],
      waitsFor: [`serviceaccounts-${m0}-workloads`],
    }),
  );
  const cluster = scriptStep(`verify-${m0}-cluster`, m0, "verify-cluster.sh", {
    args: [input.user, ...ix.all],
    triggers: [token],
    waitsFor: [...ids(files), `serviceaccounts-${m0}-authn`],
  });
  return [
    { name: "serviceaccounts", steps: serviceAccounts },
    { name: "verify", steps: [...files, cluster] },
    { name: "persist", steps: persistSteps(ix, cluster.id, input.rotationId) },
  ];
}

/**
 * The staged copies of the new keys are not needed once verified: removed on every node, again
 * whenever the node was staged again (a new stage step has a new id). apimodel.json rewritten.
 */
function persistSteps(ix: NodeIndex, verified: string, rotationId: string): PlanStep[] {
  return [
    ...ix.all.map((n) =>
      scriptStep(`cleanup-${n}-staging`, n, "cleanup.sh", {
        args: ["staging"],
        triggers: [{ idOf: `stage-${n}-certs` }],
        waitsFor: [verified],
      }),
    ),
    {
      id: "persist-local-apimodel",
      node: "local",
      run: { kind: "writeLocal", file: "apimodel", rotationId },
      waitsFor: [verified],
      triggers: [{ contentDigest: "apimodel" }],
    },
  ];
}
