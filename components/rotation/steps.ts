// The step builders the rotation and the rollback share, so both graphs reach a node, deliver
// the scripts and wait for a node to be Ready in exactly the same way.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { SshPlan } from "../config";
import {
  connectionFor,
  LOCAL_SCRIPTS_DIR,
  remoteBaseDir,
  remoteStep,
  scriptCommand,
  scriptsBundleHash,
  SCRIPTS_DIR,
  shellQuote,
  sshRoute,
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

/**
 * The wait for a rebooting node, as a command on the operator's machine (scripts/local/
 * wait-boot.sh): it retries wait-reboot.sh over OpenSSH, through the jump host, until the node
 * answers from a new boot or the timeout passes. Its own loop does the waiting, so the wait does
 * not depend on how a command provider retries dials or a login refused during boot
 * (pam_nologin). The SSH key goes on stdin; host keys are pinned as for every other step.
 */
export function bootWait(ssh: SshPlan, parent: pulumi.Resource) {
  return (
    name: string,
    node: string,
    args: {
      readonly token: pulumi.Input<string>;
      readonly timeoutSeconds: number;
      readonly triggers: pulumi.Input<unknown>[];
      readonly dependsOn: readonly pulumi.Resource[];
    },
  ): command.local.Command => {
    const route = sshRoute(ssh, node);
    const timeout = String(args.timeoutSeconds);
    // wait-boot.sh's "-": no jump host, or no pin (host keys not verified).
    const create = pulumi
      .output(args.token)
      .apply((token) =>
        [
          "bash",
          `${LOCAL_SCRIPTS_DIR}/wait-boot.sh`,
          ssh.user,
          route.host,
          route.hostKey ?? "-",
          route.jump?.host ?? "-",
          route.jump?.hostKey ?? "-",
          scriptCommand(ssh.user, "wait-reboot.sh", [token, timeout]),
          timeout,
        ]
          .map(shellQuote)
          .join(" "),
      );
    return new command.local.Command(
      name,
      {
        create,
        stdin: pulumi.secret(ssh.privateKey.reveal()),
        // As every step that reads a key: nothing of it reaches the console, its outputs are
        // secret (the script prints no key; its booted-at line is unsecreted where it is read).
        logging: "none",
        triggers: args.triggers,
      },
      {
        parent,
        additionalSecretOutputs: ["stdout", "stderr"],
        dependsOn: [...args.dependsOn],
        customTimeouts: {
          create: `${args.timeoutSeconds + 60}s`,
          update: `${args.timeoutSeconds + 60}s`,
        },
      },
    );
  };
}
