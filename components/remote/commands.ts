// Every kind of command a plan's step becomes (realize.ts): a script on a node, the copy of the
// scripts, the boot wait and the operator's local files, so every phase list reaches a node and
// the operator's machine in exactly the same way.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { SshPlan } from "../config";
import { LOCAL_BACKUP_SUFFIX } from "../types";
import { sha256Hex } from "./bundle";
import { connectionFor, sshRoute } from "./connection";
import {
  LOCAL_SCRIPTS_DIR,
  remoteBaseDir,
  scriptCommand,
  scriptsBundleHash,
  SCRIPTS_DIR,
  shellQuote,
} from "./scripts";
import { remoteStep, type RemoteStepArgs } from "./step";

/** Any command a plan's step becomes. */
export type Cmd = command.remote.Command | command.local.Command | command.remote.CopyToRemote;

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

export { LOCAL_BACKUP_SUFFIX };

const localCommand = (words: string[]) => words.map(shellQuote).join(" ");

interface LocalOptions {
  readonly parent: pulumi.Resource;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The rotation a local write or restore belongs to (the copy it keeps is tagged with it). */
interface RotationOptions extends LocalOptions {
  readonly rotationId: string;
}

/** The file beside an operator's `.before-rotation` copy naming the rotation that kept it. */
export const LOCAL_BACKUP_ID_SUFFIX = `${LOCAL_BACKUP_SUFFIX}.rotation-id`;

/**
 * Rewrites an operator's file with `content` (secret: it may hold keys), keeping its first
 * original as `<dest>.before-rotation`; again whenever the content changes.
 */
export function localWrite(
  name: string,
  dest: string,
  content: pulumi.Output<string>,
  opts: RotationOptions,
): command.local.Command {
  return new command.local.Command(
    name,
    {
      create: localCommand([
        "bash",
        `${LOCAL_SCRIPTS_DIR}/write-file.sh`,
        dest,
        dest + LOCAL_BACKUP_SUFFIX,
        opts.rotationId,
      ]),
      stdin: content,
      logging: "none",
      triggers: [content.apply(sha256Hex)],
    },
    {
      parent: opts.parent,
      dependsOn: [...opts.dependsOn],
      additionalSecretOutputs: ["stdout", "stderr"],
    },
  );
}

/** Puts an operator's file back from the copy localWrite kept. */
export function localRestore(
  name: string,
  dest: string,
  opts: RotationOptions,
): command.local.Command {
  const words = [
    "bash",
    `${LOCAL_SCRIPTS_DIR}/restore-file.sh`,
    dest,
    dest + LOCAL_BACKUP_SUFFIX,
    opts.rotationId,
  ];
  return localRun(name, words, undefined, opts);
}

/** The copies localWrite keeps of `dest`: the file it replaced, and that copy's rotation id. */
const backupCopies = (dest: string): string[] => [
  dest + LOCAL_BACKUP_SUFFIX,
  dest + LOCAL_BACKUP_ID_SUFFIX,
];

/** Removes the copy localWrite kept (finalize), again whenever `triggers` change. */
export function localRemoveBackup(
  name: string,
  dest: string,
  triggers: pulumi.Input<unknown>[],
  opts: LocalOptions,
): command.local.Command {
  return localRun(name, ["rm", "-f", "--", ...backupCopies(dest)], triggers, opts);
}

/**
 * Removes an operator's file and any copy localWrite kept of it (both may hold a key), again
 * whenever `triggers` change. A file already gone is fine.
 */
export function localRemove(
  name: string,
  dest: string,
  triggers: pulumi.Input<unknown>[],
  opts: LocalOptions,
): command.local.Command {
  return localRun(name, ["rm", "-f", "--", dest, ...backupCopies(dest)], triggers, opts);
}

/** A command on the operator's machine that reads no secret. */
function localRun(
  name: string,
  words: string[],
  triggers: pulumi.Input<unknown>[] | undefined,
  opts: LocalOptions,
): command.local.Command {
  const create = localCommand(words);
  return new command.local.Command(
    name,
    triggers === undefined ? { create } : { create, triggers },
    {
      parent: opts.parent,
      dependsOn: [...opts.dependsOn],
    },
  );
}
