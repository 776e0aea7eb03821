// Entry point: reads the stack config and apimodel.json, then the cluster's node list, builds the
// components, exports outputs. The node list is read from the API server, so the program is an
// async function; everything that needs no network is checked before, while the module loads:
// the engine ends a program that fails there at once, and one that fails later only when its
// connections time out (~15 s).
import * as pulumi from "@pulumi/pulumi";
import {
  checkSshAccess,
  checkStackSecrets,
  readClusterInputs,
  readProgramInputsLive,
  type ClusterInputs,
  type ProgramInputs,
} from "./components/config";
import { Pki, planPki } from "./components/pki";
import { ClusterRecord } from "./components/record";
import { afterProbe, sshProbe } from "./components/remote";
import { pluginSets, warnOnPluginSetChange } from "./components/remote/pluginSet";
import { Rollback, Rotation, type RotationArgs } from "./components/rotation";
import { InputError } from "./components/types";

/** Bad input: the problems alone, no stack trace; the first on the line the CLI shows after "error: ". */
function inputError(err: unknown): unknown {
  return err instanceof InputError ? new pulumi.RunError(`invalid input: ${err.message}`) : err;
}

function clusterInputs(): ClusterInputs {
  // First of all: a real cluster's keys never go into state under the lab's public passphrase.
  const refusal = checkStackSecrets();
  if (refusal !== undefined) throw new pulumi.RunError(refusal);
  try {
    const base = readClusterInputs();
    checkSshAccess(base);
    return base;
  } catch (err) {
    throw inputError(err);
  }
}

async function inputs(base: ClusterInputs): Promise<ProgramInputs> {
  try {
    return await readProgramInputsLive(base);
  } catch (err) {
    throw inputError(err);
  }
}

/**
 * Node lists that differ stop `pulumi up` here, before any resource (so any node) is touched; a
 * preview goes on, to show the difference (output nodeInventory) and the plan for the cluster's nodes.
 */
function gate(inventory: ProgramInputs["inventory"]): void {
  for (const warning of inventory.warnings) void pulumi.log.warn(warning);
  if (inventory.refusal === undefined) return;
  if (!pulumi.runtime.isDryRun()) throw new pulumi.RunError(inventory.refusal);
  void pulumi.log.warn(`pulumi up will stop here: ${inventory.refusal}`);
}

/** The components and stack outputs for validated inputs. */
function program({ config, cluster, ssh, paths }: ProgramInputs) {
  // Which plugins run this update; a stack moved from one set to the other warns (pluginSet.ts).
  const plugins = pluginSets();
  warnOnPluginSetChange(plugins);

  const plan = planPki(cluster, {
    rsaBits: config.pki.keySize,
    validityHours: config.pki.validityHours,
    earlyRenewalHours: config.pki.earlyRenewalHours,
  });
  const pki = new Pki("pki", { specs: plan.specs, rotationId: config.pki.rotationId });

  // Before any step reaches a node: one login to the jump host and every node, which stops a wrong
  // key, user or pin once, naming the config key (components/remote/probe.ts). Again for every
  // new rotation id or action; every connection waits for it.
  const probe = sshProbe("ssh-probe", ssh, [config.pki.rotationId, config.action]);

  // The rotation: ordered distribution over SSH, triggered restarts, reboots, pod restarts,
  // verification and persistence (components/rotation). Its graph is the rotation order.
  const rotationArgs: RotationArgs = {
    cluster,
    files: plan.files,
    kubeconfigs: plan.kubeconfigs,
    pki,
    ssh: afterProbe(ssh, probe),
    rollout: config.rollout,
    rotationId: config.pki.rotationId,
    paths: { apiModel: paths.apiModel, kubeconfig: paths.kubeconfig },
  };
  // action "finalize": the rotation's graph stays as it is (nothing of it runs again) and the
  // removal of its backups follows its verification.
  const rotating = config.action !== "rollback";
  const rotation = rotating
    ? new Rotation("rotation", { ...rotationArgs, finalize: config.action === "finalize" })
    : undefined;
  // action "rollback": the same order, reinstalling each node's pre-rotation backup (certs.bak).
  // The new PKI stays in state, so switching back to "rotate" reinstalls the same new certificates.
  const rollback = rotating ? undefined : new Rollback("rollback", rotationArgs);

  // The operator's side of the check, through @pulumi/kubernetes with the new admin kubeconfig:
  // a ConfigMap kube-system/aks-rotate-certs naming this rotation, written after verification.
  const record = rotation
    ? new ClusterRecord("record", {
        kubeconfig: rotation.kubeconfig,
        server: config.operatorApiServerUrl,
        clusterIdentifier: cluster.dnsPrefix,
        rotationId: config.pki.rotationId,
        certificates: pki.summary,
        verified: rotation.done,
      })
    : undefined;

  // The stack outputs: only those this action produces. An export left undefined would make every
  // preview and up warn "Undefined value (…) will not show as a stack output", so the rotation's
  // and the rollback's outputs are left out, not exported as undefined, when the other one runs.
  const rotationOutputs = rotation && {
    /** The new admin kubeconfig (secret); also written to `_output/<dnsPrefix>/kubeconfig/`. */
    kubeconfig: rotation.kubeconfig,
    /** Pods without an owner: listed, not deleted; restart them yourself if they use a token. */
    barePods: rotation.barePods,
    /** Per node: the files installed, the services restarted, whether it reboots. */
    rotationPlan: rotation.plan,
    /** Resolves when verification passed and apimodel.json holds the new certificateProfile. */
    rotationDone: rotation.done,
  };
  const recordOutputs = record && {
    /** The cluster-side record written with the new admin kubeconfig (`<namespace>/<name>`). */
    clusterRecord: record.recorded,
  };
  const finalizeOutputs = rotation?.finalized !== undefined && {
    /** action finalize: per node (and "local"), the backups finalize removes; shown by preview. */
    finalizePlan: rotation.finalizePlan,
    /** action finalize: resolves once every backup of the rotation is gone (no rollback from here). */
    finalizeDone: rotation.finalized,
  };
  const rollbackOutputs = rollback && {
    /** Resolves when every node holds its backup again and apimodel.json is restored. */
    rollbackDone: rollback.done,
  };

  return {
    ...rotationOutputs,
    ...recordOutputs,
    ...finalizeOutputs,
    ...rollbackOutputs,
    /** identity → serial, SHA-256 fingerprint, notAfter, subject of the new certificates. */
    certificates: pki.summary,
    /** The same facts for the certificates in apimodel.json today (what the rotation replaces). */
    previousCertificates: cluster.currentCertificates,
    rotationId: config.pki.rotationId,
    /** Which command and tls plugins ran this update: this project's own, or upstream's. */
    pluginSets: plugins,
    clusterSummary: {
      apiServerFqdn: cluster.apiServerFqdn,
      kubeconfigServer: cluster.kubeconfigServer,
      masters: cluster.masters.map((m) => `${m.name} ${m.ip}`),
      agents: cluster.agents.map((a) => a.name),
      outputDir: paths.outputDir,
      operatorApiServerUrl: config.operatorApiServerUrl,
    },
  };
}

const base = clusterInputs();

export = async () => {
  const read = await inputs(base);
  gate(read.inventory);
  return {
    ...program(read),
    /** The nodes rotated and where the list came from; nodes in one list only (config nodes). */
    nodeInventory: read.inventory.report,
  };
};
