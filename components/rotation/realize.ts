// The one creation loop: a plan's phases become @pulumi/command resources, step by step, each
// depending on the steps it waits for. Rotate, finalize and rollback all go through it.
import * as pulumi from "@pulumi/pulumi";
import type { SshPlan } from "../config";
import {
  bootWait,
  localRemove,
  localRemoveBackup,
  localRestore,
  localWrite,
  scriptsDelivery,
  stepBuilder,
  type Cmd,
  type NodeBundle,
} from "../remote";
import { localPath, type LocalFile, type LocalPaths, type Phase, type PlanStep } from "./planTypes";
import { resolveText, resolveWord, type WordSources } from "./words";

export interface RealizeEnv {
  readonly parent: pulumi.Resource;
  readonly ssh: SshPlan;
  readonly paths: LocalPaths;
  /** The node's new files (stage.sh's stdin) and their digests. */
  bundle(node: string): NodeBundle;
  /** The new content of an operator's file (writeLocal). */
  localContent(file: LocalFile): pulumi.Output<string>;
  /** The SHA-256 of the new CA's DER (the gate's CA check). */
  newCaSha256(): pulumi.Output<string>;
}

/** Registers every step of `phases` in order; returns them by id. */
export function realize(phases: readonly Phase[], env: RealizeEnv): Map<string, Cmd> {
  const made = new Map<string, Cmd>();
  const src: WordSources = {
    bundle: env.bundle,
    localContent: env.localContent,
    newCaSha256: env.newCaSha256,
    step: (id) => {
      const cmd = made.get(id);
      if (cmd === undefined)
        throw new Error(`plan: a step refers to ${id}, not registered before it`);
      return cmd;
    },
  };
  const create = creator(env, src);
  withoutPromiseTraces(() => {
    for (const step of phases.flatMap((p) => p.steps)) {
      if (made.has(step.id)) throw new Error(`plan: two steps named ${step.id}`);
      made.set(step.id, create(step, step.waitsFor.map(src.step)));
    }
  });
  return made;
}

function creator(env: RealizeEnv, src: WordSources) {
  const remote = stepBuilder(env.ssh, env.parent);
  const deliver = scriptsDelivery(env.ssh, env.parent);
  const waitBoot = bootWait(env.ssh, env.parent);
  const triggersOf = (s: PlanStep) => s.triggers.map((w) => resolveWord(w, src));
  return (s: PlanStep, dependsOn: Cmd[]): Cmd => {
    const opts = { parent: env.parent, dependsOn };
    const run = s.run;
    switch (run.kind) {
      case "script":
        return remote(s.id, s.node, {
          script: run.script,
          args: run.args.map((w) => resolveText(w, src)),
          secretStdin: run.stdin === "bundle" ? env.bundle(s.node).text : undefined,
          triggers: triggersOf(s),
          dependsOn,
          timeoutSeconds: s.timeoutSeconds,
          dialErrorLimit: s.dialErrorLimit,
        });
      case "deliver":
        return deliver(s.id, s.node);
      case "bootWait":
        return waitBoot(s.id, s.node, {
          token: resolveText(run.token, src),
          timeoutSeconds: run.timeoutSeconds,
          triggers: triggersOf(s),
          dependsOn,
        });
      case "writeLocal":
        return localWrite(s.id, localPath(env.paths, run.file), env.localContent(run.file), {
          ...opts,
          rotationId: run.rotationId,
        });
      case "restoreLocal":
        return localRestore(s.id, localPath(env.paths, run.file), {
          ...opts,
          rotationId: run.rotationId,
        });
      case "removeLocalBackup":
        return localRemoveBackup(s.id, localPath(env.paths, run.file), triggersOf(s), opts);
      case "removeLocal":
        return localRemove(s.id, localPath(env.paths, run.file), triggersOf(s), opts);
    }
  };
}

/**
 * Runs `build` with stack traces off. The SDK records a stack trace for every promise it makes
 * (for its leak report), each one mapped through source maps: with a thousand commands that was
 * most of a preview's time (measured: npm run bench:preview). The SDK turns traces back on
 * itself where it reads a resource's source position.
 */
function withoutPromiseTraces(build: () => void): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
