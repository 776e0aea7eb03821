// `fleet status [--json] [--warn-days N]`: one row per stack, the facts read (previews included)
// at most --concurrency stacks at once; exit 1 when a cluster is inside --warn-days or unreadable.
import type { FleetArgs } from "./args";
import { mapBounded } from "./pool";
import { stackFacts } from "./stackFacts";
import { statusReport, statusTable } from "./statusFormat";
import { statusRow } from "./statusRow";
import { selectStacks, workspace } from "./workspace";

export async function runStatus(args: FleetArgs): Promise<number> {
  const stacks = await selectStacks(await workspace(), []);
  if (typeof stacks === "string") {
    console.error(stacks);
    return 1;
  }
  const facts = await mapBounded(stacks, args.concurrency, (s) => stackFacts(s, true));
  const now = new Date();
  const rows = facts.map((f) => statusRow(f, now, args.warnDays));
  const report = statusReport(rows, now, args.warnDays);
  console.log(args.json ? JSON.stringify(report, null, 2) : statusTable(rows));
  return report.alert ? 1 : 0;
}
