// The fleet's one Pulumi workspace: this project's folder, the backend and passphrase of the
// environment (tools/fleet.sh sourced tools/pulumi/env.sh), the engine's CLI on PATH.
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";

/** The project: FLEET_PROJECT_DIR (the engine tests' copy), else this checkout. */
export function projectDir(): string {
  return path.resolve(process.env.FLEET_PROJECT_DIR ?? path.join(__dirname, "..", ".."));
}

export async function workspace(secretsProvider?: string): Promise<LocalWorkspace> {
  return LocalWorkspace.create({ workDir: projectDir(), secretsProvider });
}

/** Every stack of the project on the backend, by name. */
export async function stackNames(ws: LocalWorkspace): Promise<string[]> {
  return (await ws.listStacks()).map((s) => s.name).sort();
}

/** The named stacks (all when none is named); an unknown name is an error line. */
export async function selectStacks(
  ws: LocalWorkspace,
  names: readonly string[],
): Promise<Stack[] | string> {
  const all = await stackNames(ws);
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0)
    return `fleet: no such stack: ${unknown.join(", ")} (have: ${all.join(", ")})`;
  const chosen = names.length > 0 ? [...names] : all;
  return Promise.all(chosen.map((n) => Stack.select(n, ws)));
}

/** The project's own config keys of a stack (others, e.g. a provider's, left out), unprefixed. */
export async function stackConfig(stack: Stack): Promise<Record<string, string>> {
  const project = (await stack.workspace.projectSettings()).name;
  const all = await stack.getAllConfig();
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(`${project}:`))
      .map(([k, v]) => [k.slice(project.length + 1), v.value]),
  );
}
