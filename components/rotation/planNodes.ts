// The plan's view of the cluster: every node with the files the rotation installs on it and the
// phase of each (from the PKI's identity table), and the lookups the phase lists share. Pure.
import type { ClusterModel } from "../cluster/model";
import type { InstallPhase } from "./phases";
import type { PlanInput, PlanNode } from "./planTypes";

/** Nodes (masters first, in index order) with their files, from the PKI's file placements. */
export function planNodes(
  cluster: Pick<ClusterModel, "masters" | "agents">,
  files: readonly { readonly node: string; readonly path: string; readonly phase?: InstallPhase }[],
): { masters: PlanNode[]; agents: PlanNode[] } {
  const node = (n: { name: string; role: PlanNode["role"] }): PlanNode => ({
    name: n.name,
    role: n.role,
    files: files
      .filter((f) => f.node === n.name)
      // The admin kubeconfig (no phase of its own in the PKI's table) comes last.
      .map((f) => ({ path: f.path, phase: f.phase ?? "kubeconfig" })),
  });
  const known = new Set([...cluster.masters, ...cluster.agents].map((n) => n.name));
  const stray = files.find((f) => !known.has(f.node));
  if (stray !== undefined)
    throw new Error(`plan: file ${stray.path} for unknown node ${stray.node}`);
  return { masters: cluster.masters.map(node), agents: cluster.agents.map(node) };
}

/** Lookups over a plan's nodes. */
export interface NodeIndex {
  readonly master0: string;
  readonly masters: readonly string[];
  readonly agents: readonly string[];
  /** Masters, then agents. */
  readonly all: readonly string[];
  node(name: string): PlanNode;
  /** The node's files of these phases, in the order the PKI placed them. */
  paths(name: string, phases?: readonly InstallPhase[]): string[];
  /** The node's files phase by phase, in the order the phases are given. */
  pathsByPhase(name: string, phases: readonly InstallPhase[]): string[];
}

export function nodeIndex(input: Pick<PlanInput, "masters" | "agents">): NodeIndex {
  const nodes = new Map([...input.masters, ...input.agents].map((n) => [n.name, n]));
  const master0 = input.masters[0]?.name;
  if (master0 === undefined) throw new Error("the cluster model has no master");
  const node = (name: string) => {
    const n = nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name} in the plan`);
    return n;
  };
  const paths = (name: string, phases?: readonly InstallPhase[]) =>
    node(name)
      .files.filter((f) => phases === undefined || phases.includes(f.phase))
      .map((f) => f.path);
  return {
    master0,
    masters: input.masters.map((m) => m.name),
    agents: input.agents.map((a) => a.name),
    all: [...nodes.keys()],
    node,
    paths,
    pathsByPhase: (name, phases) => phases.flatMap((p) => paths(name, [p])),
  };
}
