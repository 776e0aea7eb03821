// The cluster's own node list, as the program reads it from the API server (components/config/
// nodeList.ts), and how it differs from the nodes apimodel.json implies. Pure.
import type { ClusterModel } from "./model";
import { identifyNode, type NodeIdentity } from "./nodeIdentity";

/** One Node object of the cluster, reduced to what the rotation needs. */
export interface LiveNode {
  readonly name: string;
  /** status.addresses InternalIP, when the kubelet reported one. */
  readonly internalIp?: string;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** The `kubernetes.io/role` label (AKS Engine sets master or agent), when set. */
  readonly roleLabel?: string;
}

/** The outcome of reading the node list: the nodes, or why there are none. */
export type NodeListRead =
  | {
      readonly ok: true;
      readonly server: string;
      readonly nodes: readonly LiveNode[];
      /** The list is the last one read (at `readAt`), because reading it now failed (`reason`). */
      readonly stale?: { readonly readAt: string; readonly reason: string };
    }
  | { readonly ok: false; readonly server?: string; readonly reason: string };

export interface RecognizedNode {
  readonly live: LiveNode;
  readonly identity: NodeIdentity;
}

/** The cluster's nodes split into this cluster's AKS Engine Linux nodes and the others. */
export interface RecognizedNodes {
  readonly known: readonly RecognizedNode[];
  /** Node names (with the contradicting role label, if that is why) the program cannot rotate. */
  readonly unrecognized: readonly string[];
}

export function recognizeNodes(
  model: Pick<ClusterModel, "nameSuffix" | "agentPools">,
  nodes: readonly LiveNode[],
): RecognizedNodes {
  const known: RecognizedNode[] = [];
  const unrecognized: string[] = [];
  for (const live of nodes) {
    const identity = identifyNode(model, live.name);
    // A role label that contradicts the name means the name is not what AKS Engine made.
    if (identity !== undefined && (live.roleLabel ?? identity.role) === identity.role) {
      known.push({ live, identity });
    } else {
      const label = identity === undefined ? "" : ` (kubernetes.io/role=${live.roleLabel})`;
      unrecognized.push(`${live.name}${label}`);
    }
  }
  return { known, unrecognized: unrecognized.sort() };
}

export interface InventoryDiff {
  /** In the cluster, not in apimodel.json (masters and availability-set agents). */
  readonly extra: readonly string[];
  /** In apimodel.json, not in the cluster (masters and availability-set agents). */
  readonly missing: readonly string[];
  /** In the cluster, but not a Linux node name of this cluster: never rotated. */
  readonly unrecognized: readonly string[];
}

/** An instance of one of apimodel.json's scale-set pools: compared by pool, never by name. */
export function isScaleSetInstance(model: ClusterModel, node: RecognizedNode): boolean {
  const id = node.identity;
  return (
    id.role === "agent" &&
    id.scaleSet &&
    model.agentPools.some(
      (p) => p.name === id.pool && p.availabilityProfile === "VirtualMachineScaleSets",
    )
  );
}

/**
 * Masters and availability-set agents by name. Scale-set instances are left out: apimodel.json
 * holds only a count for them, and their ids are not contiguous after a scale-in.
 */
export function compareInventory(model: ClusterModel, found: RecognizedNodes): InventoryDiff {
  const implied = [
    ...model.masters,
    ...model.agentPools
      .filter((p) => p.availabilityProfile !== "VirtualMachineScaleSets")
      .flatMap((p) => p.nodes),
  ].map((n) => n.name);
  const live = new Set(found.known.map((n) => n.live.name));
  const extra = found.known
    .filter((n) => !isScaleSetInstance(model, n) && !implied.includes(n.live.name))
    .map((n) => n.live.name);
  return {
    extra: extra.sort(),
    missing: implied.filter((n) => !live.has(n)).sort(),
    unrecognized: found.unrecognized,
  };
}

export function hasDifference(diff: InventoryDiff): boolean {
  return diff.extra.length + diff.missing.length + diff.unrecognized.length > 0;
}
