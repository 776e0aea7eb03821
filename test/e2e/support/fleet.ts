// `npm run fleet` over the lab's clusters, as an operator runs it: on a copy of the project with a
// backend of its own (so `fleet status` lists these clusters' stacks and no other), the lab's
// _output/<dnsPrefix>/ folders as the clusters.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { copyProject } from "../../engine/support/project";
import { repoRoot, run, type RunResult } from "../../support/proc";
import type { CertificateSummary } from "./pulumi";

export interface FleetProject {
  readonly work: string;
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The project copied into a temporary folder, a file backend beside it, a passphrase of its own. */
export function fleetProject(): FleetProject {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "aks-e2e-fleet-"));
  fs.chmodSync(work, 0o700);
  const project = copyProject(work);
  const env = {
    FLEET_PROJECT_DIR: project,
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "fleet-e2e-passphrase",
    PULUMI_CONFIG_PASSPHRASE_FILE: "",
  };
  return { work, project, env };
}

/** `npm run fleet -- args…` on the copy. */
export function fleet(p: FleetProject, args: readonly string[]): Promise<RunResult> {
  return run("bash", [path.join(repoRoot, "tools", "fleet.sh"), ...args], {
    env: p.env,
    timeoutMs: 1_800_000,
  });
}

/** The Pulumi CLI of the project's engine in the copy's folder, on its backend. */
export function fleetPulumi(p: FleetProject, args: readonly string[]): Promise<RunResult> {
  return run(
    "bash",
    [
      "-c",
      'cd "$1" && source "$2" && shift 2 && exec pulumi "$@"',
      "pulumi",
      p.project,
      path.join(repoRoot, "tools", "pulumi", "env.sh"),
      ...args,
    ],
    { env: p.env, timeoutMs: 600_000 },
  );
}

/** The stack's `certificates` output: identity → summary. */
export async function stackCertificates(
  p: FleetProject,
  stack: string,
): Promise<Record<string, CertificateSummary>> {
  const r = await fleetPulumi(p, ["stack", "output", "certificates", "--json", "--stack", stack]);
  if (r.code !== 0) throw new Error(`pulumi stack output (${stack}) exited ${r.code}\n${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, CertificateSummary>;
}

/** Sets stack config in the copy (keys of the project's namespace). */
export async function setStackConfig(
  p: FleetProject,
  stack: string,
  config: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [k, v] of Object.entries(config)) {
    const r = await fleetPulumi(p, ["config", "set", "--stack", stack, k, v]);
    if (r.code !== 0)
      throw new Error(`pulumi config set ${k} (${stack}) exited ${r.code}\n${r.stderr}`);
  }
}

export function removeFleetProject(p: FleetProject): void {
  fs.rmSync(p.work, { recursive: true, force: true });
}
