// `fleet preview [stacks…] [--concurrency K] [--diff]`: previews at most K stacks at once, one
// summary line per cluster (nodes touched, reboots, action, operations), the full diff on request.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { loadCluster } from "../../components/cluster";
import type { FleetArgs } from "./args";
import { previewLine, type StepSeen } from "./events";
import { phaseSpan } from "./phaseSpan";
import { mapBounded } from "./pool";
import { errorLine } from "./stackFacts";
import { selectStacks, stackConfig, workspace } from "./workspace";

/** The cluster's node names (from apimodel.json) and the configured action. */
async function clusterOf(stack: Stack): Promise<{ nodes: string[]; action: string }> {
  const config = await stackConfig(stack);
  const c = loadCluster({ apiModel: config.apiModel ?? "" });
  return {
    nodes: [...c.masters, ...c.agents].map((n) => n.name),
    action: config.action || "rotate",
  };
}

/** One stack's summary line (and its diff); ok false when the preview failed. */
async function previewOne(stack: Stack, diff: boolean): Promise<{ text: string; ok: boolean }> {
  const steps: StepSeen[] = [];
  const onEvent = (e: EngineEvent): void => {
    const m = e.resourcePreEvent?.metadata;
    if (m !== undefined) steps.push({ urn: m.urn, op: m.op });
  };
  try {
    const { nodes, action } = await clusterOf(stack);
    const r = await stack.preview({ onEvent, diff });
    const line = previewLine(
      stack.name,
      action,
      nodes,
      steps,
      r.changeSummary as Record<string, number>,
      phaseSpan(steps),
    );
    return { text: diff ? `${line}\n${r.stdout}` : line, ok: true };
  } catch (err) {
    return { text: `${stack.name}: preview failed: ${errorLine(err)}`, ok: false };
  }
}

export async function runPreview(args: FleetArgs): Promise<number> {
  const stacks = await selectStacks(await workspace(), args.positional);
  if (typeof stacks === "string") {
    console.error(stacks);
    return 1;
  }
  const results = await mapBounded(stacks, args.concurrency, async (s) => {
    const r = await previewOne(s, args.diff);
    // Each line as soon as its preview ends: the slow clusters do not hold back the others.
    (r.ok ? console.log : console.error)(r.text);
    return r.ok;
  });
  return results.every((ok) => ok) ? 0 : 1;
}
