// The project itself as a test stack: a copy of what `pulumi` needs to run the program, on a
// temporary file backend, with the stack's config written directly (no `pulumi config set` per key).
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT, pulumiOk } from "./engine";

/** What `pulumi` needs of the project to run the program. */
const PROJECT_FILES = [
  "index.ts",
  "components",
  "scripts",
  "Pulumi.yaml",
  "package.json",
  "tsconfig.json",
];

export interface ProjectStack {
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  /** Writes the stack's config file: its salt, then `config` in the project's namespace. */
  setConfig(config: Record<string, string>): void;
}

/**
 * Copies what `pulumi` needs of the project into work/project (node_modules linked, read only)
 * and makes work/state for a file backend; returns the project folder.
 */
export function copyProject(work: string): string {
  const project = path.join(work, "project");
  fs.mkdirSync(project);
  for (const f of PROJECT_FILES) {
    fs.cpSync(path.join(PROJECT_ROOT, f), path.join(project, f), { recursive: true });
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(project, "node_modules"));
  fs.mkdirSync(path.join(work, "state"));
  return project;
}

/** Copies the project into work/project and inits `stack` on a file backend in work/state. */
export function projectStack(work: string, stack: string, env: NodeJS.ProcessEnv): ProjectStack {
  const project = copyProject(work);
  const fullEnv = {
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    ...env,
  };
  pulumiOk(["stack", "init", stack, "--non-interactive"], { cwd: project, env: fullEnv });
  const file = path.join(project, `Pulumi.${stack}.yaml`);
  const salt = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("encryptionsalt:"));
  if (salt === undefined) throw new Error(`stack init wrote no encryptionsalt in ${file}`);
  return {
    project,
    env: fullEnv,
    setConfig: (config) => {
      const lines = Object.entries(config).map(
        ([k, v]) => `  aks-rotate-certs:${k}: ${JSON.stringify(v)}`,
      );
      fs.writeFileSync(file, `${salt}\nconfig:\n${lines.join("\n")}\n`);
    },
  };
}
