// One remote step: a delivered script run on a node, re-run exactly when its triggers change.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { scriptLinesFirst } from "./failure";
import { scriptCommand, scriptHash, type ScriptName } from "./scripts";

export interface RemoteStepArgs {
  readonly connection: command.types.input.remote.ConnectionArgs;
  readonly user: string;
  readonly script: ScriptName;
  /** Plain words only (names, paths, digests): the command line is in state and in error messages. */
  readonly args?: pulumi.Input<pulumi.Input<string>[]>;
  /** Secret input (key material): sent on stdin, with logging off and stdout/stderr secret. */
  readonly secretStdin?: pulumi.Input<string>;
  /**
   * What the step guards (file digests, tokens). The script's own hash is always added, so an
   * edited script re-runs its steps.
   */
  readonly triggers?: pulumi.Input<unknown>[];
  /** The "done" of every step this one must wait for. */
  readonly dependsOn: readonly pulumi.Resource[];
  readonly parent: pulumi.Resource;
  /** @default - the provider's (no limit on create) */
  readonly timeoutSeconds?: number;
}

export function remoteStep(name: string, args: RemoteStepArgs): command.remote.Command {
  const words = pulumi.output(args.args ?? []);
  const secret = args.secretStdin !== undefined;
  return new command.remote.Command(
    name,
    {
      connection: args.connection,
      create: words.apply((w) => scriptCommand(args.user, args.script, w)),
      stdin: args.secretStdin,
      // pulumi #15912: output is streamed even when it is a secret; nothing of a step that reads
      // keys reaches the console or the log.
      logging: secret ? "none" : "stdoutAndStderr",
      triggers: [scriptHash(args.script), ...(args.triggers ?? [])],
    },
    {
      parent: args.parent,
      dependsOn: [...args.dependsOn],
      additionalSecretOutputs: secret ? ["stdout", "stderr"] : [],
      // A failure's own lines (a preflight's problems) before the command line it ran.
      hooks: { onError: [scriptLinesFirst()] },
      customTimeouts:
        args.timeoutSeconds === undefined
          ? undefined
          : { create: `${args.timeoutSeconds}s`, update: `${args.timeoutSeconds}s` },
    },
  );
}

/** A `key=value` line printed by a step (e.g. restarted-at=…), read from its stdout. */
export function stdoutValue(
  cmd: { readonly stdout: pulumi.Output<string> },
  key: string,
): pulumi.Output<string> {
  return cmd.stdout.apply((out) => {
    const m = new RegExp(`^${key}=(\\S+)$`, "m").exec(out ?? "");
    // Under preview (and in mocks) the step has not run: 0 means "any status".
    return m ? m[1] : "0";
  });
}
