// The step builders the rotation and the rollback share, so both graphs reach a node, deliver
// the scripts and wait for a node to be Ready in exactly the same way.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { SshPlan } from "../config";
import {
  connectionFor,
  remoteBaseDir,
  remoteStep,
  scriptsBundleHash,
  SCRIPTS_DIR,
  type RemoteStepArgs,
} from "../remote";

export type StepArgs = Omit<RemoteStepArgs, "connection" | "user" | "parent"> & {
  /** Dial attempts before the step fails; more for a node that may still be rebooting. */
  readonly dialErrorLimit?: number;
};

/** A remote script on a node, over the SSH plan, as a child of `parent`. */
export type Step = (name: string, node: string, args: StepArgs) => command.remote.Command;

export function stepBuilder(ssh: SshPlan, parent: pulumi.Resource): Step {
  return (name, node, { dialErrorLimit, ...rest }) =>
    remoteStep(name, {
      ...rest,
      connection: connectionFor(ssh, node, { dialErrorLimit }),
      user: ssh.user,
      parent,
    });
}

/**
 * Copies scripts/remote to a node's base directory, again whenever a script changes; the
 * scripts' digest is read once for every node.
 */
export function scriptsDelivery(ssh: SshPlan, parent: pulumi.Resource) {
  const scriptsHash = scriptsBundleHash();
  return (name: string, node: string): command.remote.CopyToRemote =>
    new command.remote.CopyToRemote(
      name,
      {
        connection: connectionFor(ssh, node),
        source: new pulumi.asset.FileArchive(SCRIPTS_DIR),
        remotePath: remoteBaseDir(ssh.user),
        triggers: [scriptsHash],
      },
      { parent },
    );
}

/**
 * The gate after a kubelet restart: from master-0, waits until `node` reports Ready with a
 * status newer than `since` (the restart's own timestamp), so an old Ready never passes.
 */
export function nodeReadyGate(step: Step, master0: string, timeoutSeconds: number) {
  return (name: string, node: string, since: pulumi.Input<string>, dependsOn: pulumi.Resource[]) =>
    step(name, master0, {
      script: "wait-node-ready.sh",
      args: [node, since, String(timeoutSeconds)],
      dependsOn,
      timeoutSeconds: timeoutSeconds + 60,
    });
}
