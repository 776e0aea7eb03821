// Runs `npm run fleet` (tools/fleet.sh) as an operator does, over a copy of the project on a
// temporary file backend, so that its stack files and state stay in the test's folder.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT, type Result } from "./engine";
import { copyProject } from "./project";

export interface FleetProject {
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The project copied into work/project, a backend in work/state, the operator's passphrase. */
export function fleetProject(work: string): FleetProject {
  const project = copyProject(work);
  const env = {
    FLEET_PROJECT_DIR: project,
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "fleet-engine-test-passphrase",
    PULUMI_CONFIG_PASSPHRASE_FILE: "",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  return { project, env };
}

/** `npm run fleet -- args…` with the project's environment (and `env` on top). */
export function fleet(p: FleetProject, args: string[], env: NodeJS.ProcessEnv = {}): Result {
  const r = spawnSync("bash", [path.join(PROJECT_ROOT, "tools", "fleet.sh"), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...p.env, ...env },
    encoding: "utf8",
    timeout: 10 * 60 * 1000,
  });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
