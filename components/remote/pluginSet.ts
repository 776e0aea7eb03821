// Which implementation of the command and tls plugins runs this stack: this project's own Go
// plugins (built offline by `npm run setup`) answer an identity function that upstream's do not
// have. Recorded as a stack output so a stack's history shows which set made each update; the
// program itself behaves the same with either (tools/pulumi/README.md lists the differences).
import * as pulumi from "@pulumi/pulumi";
import { getVersion as commandVersion } from "@pulumi/command/utilities";
import { getVersion as tlsVersion } from "@pulumi/tls/utilities";

export type PluginSet = "aks-rotate-certs-own" | "upstream" | "unknown";

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
