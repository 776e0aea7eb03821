// The cluster model with its node lists taken from the cluster's node list (all of them, or the
// scale-set pools only). Pure. Everything else in the model (names, addresses, SANs) stays
// apimodel.json's, so the rotation built from it needs no change.
import type { RecognizedNode } from "./inventory";
import type { AgentPool, AvailabilityProfile, ClusterModel, ClusterNode } from "./model";

const byIndex = (a: ClusterNode, b: ClusterNode): number =>
  a.index - b.index || a.name.localeCompare(b.name);

function agentOf(n: RecognizedNode, pool: string): ClusterNode {
  return { name: n.live.name, role: "agent", index: n.identity.index, pool };
}

function poolMembers(known: readonly RecognizedNode[], pool: string, scaleSetOnly: boolean) {
  return known
    .filter((n) => n.identity.role === "agent" && n.identity.pool === pool)
    .filter((n) => !scaleSetOnly || (n.identity.role === "agent" && n.identity.scaleSet))
    .map((n) => agentOf(n, pool))
    .sort(byIndex);
}

function withMembers(pool: AgentPool, nodes: readonly ClusterNode[]): AgentPool {
  return { ...pool, count: nodes.length, instanceNamesAssumed: false, nodes };
}

/** A pool the cluster has and apimodel.json does not: its kind read from the instance names. */
function newPool(name: string, known: readonly RecognizedNode[]): AgentPool {
  const nodes = poolMembers(known, name, false);
  const scaleSet = known.some(
    (n) => n.identity.role === "agent" && n.identity.pool === name && n.identity.scaleSet,
  );
  const profile: AvailabilityProfile = scaleSet ? "VirtualMachineScaleSets" : "AvailabilitySet";
  return {
    name,
    count: nodes.length,
    availabilityProfile: profile,
    instanceNamesAssumed: false,
    nodes,
  };
}

function withAgentPools(model: ClusterModel, masters: readonly ClusterNode[], pools: AgentPool[]) {
  return { ...model, masters, agentPools: pools, agents: pools.flatMap((p) => p.nodes) };
}

/** Every node as the cluster lists it; a master keeps apimodel.json's static IP for its index. */
export function nodesFromCluster(
  model: ClusterModel,
  known: readonly RecognizedNode[],
): ClusterModel {
  const masters = known
    .filter((n) => n.identity.role === "master")
    .map((n): ClusterNode => {
      const index = n.identity.index;
      const ip = model.masters.find((m) => m.index === index)?.ip ?? n.live.internalIp;
      return { name: n.live.name, role: "master", index, ...(ip === undefined ? {} : { ip }) };
    })
    .sort(byIndex);
  const apimodelPools = model.agentPools.map((p) =>
    withMembers(p, poolMembers(known, p.name, false)),
  );
  const otherPools = [
    ...new Set(known.flatMap((n) => (n.identity.role === "agent" ? [n.identity.pool] : []))),
  ]
    .filter((name) => !model.agentPools.some((p) => p.name === name))
    .sort()
    .map((name) => newPool(name, known));
  return withAgentPools(model, masters, [...apimodelPools, ...otherPools]);
}

/** apimodel.json's masters and availability-set pools; its scale-set pools as the cluster lists them. */
export function scaleSetsFromCluster(
  model: ClusterModel,
  known: readonly RecognizedNode[],
): ClusterModel {
  const pools = model.agentPools.map((p) =>
    p.availabilityProfile === "VirtualMachineScaleSets"
      ? withMembers(p, poolMembers(known, p.name, true))
      : p,
  );
  return withAgentPools(model, model.masters, pools);
}
