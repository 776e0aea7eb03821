// Runs the project's `pulumi` exactly as a user does (node_modules/.bin/pulumi, the wrapper
// that sources tools/pulumi/env.sh), with extra environment for an isolated test stack.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const PROJECT_ROOT = path.resolve(__dirname, "../../..");
export const PULUMI_BIN = path.join(PROJECT_ROOT, "node_modules", ".bin", "pulumi");
export const ENGINE_CHOICE = path.join(PROJECT_ROOT, ".work", "pulumi-engine.env");

/**
 * The plugin set under test. By default the engine's own (`npm run setup`); with
 * AKS_PLUGIN_HOME=<a PULUMI_HOME whose plugins/ holds other builds, e.g. upstream's
 * resource-command-v1.2.1 and resource-tls-v5.6.1> the same suite runs against those.
 * AKS_PLUGIN_SET names the set the smoke test expects to find: "own" (default without
 * AKS_PLUGIN_HOME) or "upstream" (default with it).
 */
export const PLUGIN_HOME = process.env.AKS_PLUGIN_HOME || undefined;
export const PLUGIN_SET = process.env.AKS_PLUGIN_SET || (PLUGIN_HOME ? "upstream" : "own");

/** The environment that points the engine at the plugin set under test. */
function pluginEnv(): NodeJS.ProcessEnv {
  return PLUGIN_HOME ? { PULUMI_HOME: PLUGIN_HOME } : {};
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `pulumi args…` in cwd; input, if given, goes to stdin. */
export function pulumi(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Result {
  const r = spawnSync(PULUMI_BIN, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...pluginEnv(), ...opts.env },
    input: opts.input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Like pulumi(), but throws with the whole output when the command fails. */
export function pulumiOk(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Result {
  const r = pulumi(args, opts);
  if (r.status !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** Plugin directories in a PULUMI_HOME, to prove that nothing was downloaded. */
export function pluginDirs(home: string): string[] {
  const dir = path.join(home, "plugins");
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** The engine's environment as env.sh exports it, read through a shell. */
export function engineEnv(extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  const r = spawnSync("bash", ["-c", "source tools/pulumi/env.sh >/dev/null && env -0"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...pluginEnv(), ...extra },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`sourcing tools/pulumi/env.sh failed:\n${r.stderr}`);
  return Object.fromEntries(
    r.stdout
      .split("\0")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/**
 * Copies a fixture program into dir/project, so that the stack files `pulumi config set` writes
 * (Pulumi.<stack>.yaml) land in the temp dir and never in the source tree, and links the
 * project's node_modules there for its SDKs.
 */
export function copyFixture(fixture: string, dir: string): string {
  const project = path.join(dir, "project");
  fs.cpSync(fixture, project, {
    recursive: true,
    filter: (src) => !/Pulumi\.[^/]+\.yaml$/.test(src) || path.basename(src) === "Pulumi.yaml",
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(project, "node_modules"));
  return project;
}

/**
 * Like copyFixture, for a fixture that imports the project's components/ by its relative path
 * (../../../../components): the copy sits at the same depth beside a link to components/.
 */
export function copyFixtureBesideComponents(fixture: string, dir: string): string {
  const fixtures = path.join(dir, "test", "engine", "fixtures");
  fs.mkdirSync(fixtures, { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, "components"), path.join(dir, "components"));
  const dest = path.join(fixtures, path.basename(fixture));
  fs.renameSync(copyFixture(fixture, fixtures), dest);
  return dest;
}
