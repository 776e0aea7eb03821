// `npm run fleet -- <verb>`: the operator's fleet tool over this project's stacks, one per
// cluster, on the Pulumi Automation API (tools/fleet.sh sets up the engine's environment).
import { parseArgs, USAGE, type FleetArgs } from "./args";
import { runInit } from "./init";
import { runPlan } from "./plan";
import { runPreview } from "./preview";
import { runStatus } from "./status";
import { runUp } from "./up";
import { projectDir } from "./workspace";

const VERBS: Record<FleetArgs["verb"], (a: FleetArgs) => Promise<number>> = {
  init: runInit,
  status: runStatus,
  preview: runPreview,
  up: runUp,
  plan: runPlan,
};

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  // The program resolves relative config paths from the project folder, as `pulumi` runs it.
  process.chdir(projectDir());
  return VERBS[args.verb](args);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(
      `fleet: ${err instanceof Error ? (process.env.FLEET_DEBUG ? err.stack : err.message) : String(err)}`,
    );
    process.exitCode = 1;
  },
);
