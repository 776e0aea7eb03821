// `fleet plan --format github-actions|azure-pipelines [--concurrency K]`: prints a CI matrix job
// over every stack of the project on the backend (redirect it into the CI's pipeline file).
import type { FleetArgs } from "./args";
import { planYaml } from "./planYaml";
import { stackNames, workspace } from "./workspace";

export async function runPlan(args: FleetArgs): Promise<number> {
  const stacks = await stackNames(await workspace());
  if (stacks.length === 0) {
    console.error(
      "fleet plan: no stacks on the backend (npm run fleet -- init <output-dir>... first)",
    );
    return 1;
  }
  process.stdout.write(planYaml(args.format ?? "github-actions", stacks, args.concurrency));
  return 0;
}
