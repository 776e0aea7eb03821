// Bounded parallelism as operators already think of it: `maxUnavailable`, a count or a
// percentage of the agents, for kubelet restarts and reboots alike. Masters always go one at a
// time for reboots (etcd keeps quorum). Pure.
import type { MaxUnavailable } from "../config";

/** How many agents at once: a percentage of `agents` rounded down, never less than one. */
export function batchSize(agents: number, max: MaxUnavailable): number {
  const n = "count" in max ? max.count : Math.floor((agents * max.percent) / 100);
  return Math.max(1, Math.min(n, Math.max(agents, 1)));
}

/** Agents in consecutive batches of batchSize, in the order given. */
export function agentBatches(agents: readonly string[], max: MaxUnavailable): string[][] {
  const size = batchSize(agents.length, max);
  const out: string[][] = [];
  for (let i = 0; i < agents.length; i += size) out.push(agents.slice(i, i + size));
  return out;
}

/** Text for people: "2 agents (25% of 9)". */
export function describeBatch(agents: number, max: MaxUnavailable): string {
  const n = batchSize(agents, max);
  const of = "percent" in max ? ` (${max.percent}% of ${agents})` : "";
  return `${n} agent${n === 1 ? "" : "s"}${of}`;
}
