// Which implementation of the command and tls plugins runs this stack: this project's own Go
// plugins (built offline by `npm run setup`) answer an identity function that upstream's do not
// have. Recorded as a stack output so a stack's history shows which set made each update; the
// program itself behaves the same with either (tools/pulumi/README.md lists the differences).
import * as pulumi from "@pulumi/pulumi";
import { getVersion as commandVersion } from "@pulumi/command/utilities";
import { getVersion as tlsVersion } from "@pulumi/tls/utilities";

export type PluginSet = "aks-rotate-certs-own" | "upstream" | "unknown";

/** The plugin set of each package, as recorded in the stack output `pluginSets`. */
export interface PluginSets {
  readonly command: string;
  readonly tls: string;
}

async function pluginSet(pkg: string, version: string): Promise<PluginSet> {
  try {
    const r = (await pulumi.runtime.invoke(
      `${pkg}:index/aksPluginSet:aksPluginSet`,
      {},
      { version },
    )) as { pluginSet?: string };
    return r.pluginSet === "aks-rotate-certs-own" ? r.pluginSet : "unknown";
  } catch {
    // Upstream's plugins reject a function they do not know.
    return "upstream";
  }
}

/** The plugin set of each package, as a stack output. */
export function pluginSets(): { command: Promise<PluginSet>; tls: Promise<PluginSet> } {
  return { command: pluginSet("command", commandVersion()), tls: pluginSet("tls", tlsVersion()) };
}

const describe = (s: PluginSets): string => `command ${s.command}, tls ${s.tls}`;

/**
 * The warning for a run whose plugin sets differ from those the stack's previous update
 * recorded; undefined when they match or nothing was recorded (a new stack, or an update made
 * before the output existed).
 */
export function pluginSetChange(previous: unknown, current: PluginSets): string | undefined {
  const prev = previous as Partial<PluginSets> | undefined;
  if (typeof prev?.command !== "string" || typeof prev.tls !== "string") return undefined;
  if (prev.command === current.command && prev.tls === current.tls) return undefined;
  return (
    `plugin sets changed: this stack's previous update ran with ${describe(prev as PluginSets)}; ` +
    `this run uses ${describe(current)}. The two implementations store some inputs differently, ` +
    "so a stack moved between them may re-run commands on the nodes (tools/pulumi/README.md, " +
    '"Which plugin set made a stack"): read pulumi preview before pulumi up, or run with the ' +
    "previous set."
  );
}

/**
 * Warns once when this run's plugin sets differ from those the stack's previous update recorded.
 * The record is read through a StackReference to this very stack, which yields the outputs of
 * its last completed update. Only in a preview (`pulumi preview`, and the one `pulumi up` runs
 * first unless --skip-preview): during an update the backend rewrites this stack's checkpoint
 * as steps finish, and a read racing that write fails the update ("failed to load checkpoint:
 * EOF", seen in the engine tests).
 */
export function warnOnPluginSetChange(current: {
  command: Promise<string>;
  tls: Promise<string>;
}): void {
  if (!pulumi.runtime.isDryRun()) return;
  const self = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const previous = new pulumi.StackReference("previous-update", { name: self }).getOutput(
    "pluginSets",
  );
  pulumi.all([previous, current.command, current.tls]).apply(([prev, command, tls]) => {
    const warning = pluginSetChange(prev, { command, tls });
    if (warning !== undefined) void pulumi.log.warn(warning);
  });
}
