// What a node name of the cluster's node list says about the VM behind it, read back from the
// names AKS Engine gives (names.ts). Pure. A node list holds only names and labels; the name is
// what the SSH steps dial, so it decides role, pool and index.
import type { ClusterModel } from "./model";

export type NodeIdentity =
  | { readonly role: "master"; readonly index: number }
  | {
      readonly role: "agent";
      readonly pool: string;
      readonly index: number;
      /** A scale-set instance (`…vmss<6 base-36 digits>`): index is its instance id. */
      readonly scaleSet: boolean;
    };

type NameFacts = Pick<ClusterModel, "nameSuffix" | "agentPools">;

const POOL = "[a-z][a-z0-9]{0,11}";
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A scale-set pool of apimodel.json whose instance names start with its prefix (vmssName too). */
function knownScaleSetInstance(facts: NameFacts, name: string): NodeIdentity | undefined {
  for (const pool of facts.agentPools) {
    const prefix = pool.scaleSetPrefix;
    if (prefix === undefined || !name.startsWith(prefix)) continue;
    const id = name.slice(prefix.length);
    if (/^[0-9a-z]{6}$/.test(id)) {
      return { role: "agent", pool: pool.name, index: parseInt(id, 36), scaleSet: true };
    }
  }
  return undefined;
}

/**
 * The identity of `name` in this cluster, or undefined when it is not an AKS Engine Linux node
 * name with the cluster's nameSuffix (another cluster's node, a Windows node, a hand-made VM).
 */
export function identifyNode(facts: NameFacts, name: string): NodeIdentity | undefined {
  const suffix = escape(facts.nameSuffix);
  const master = new RegExp(`^k8s-master-${suffix}-(\\d+)$`).exec(name);
  if (master) return { role: "master", index: Number(master[1]) };
  const known = knownScaleSetInstance(facts, name);
  if (known) return known;
  const vmss = new RegExp(`^k8s-(${POOL})-${suffix}-vmss([0-9a-z]{6})$`).exec(name);
  if (vmss) return { role: "agent", pool: vmss[1], index: parseInt(vmss[2], 36), scaleSet: true };
  const agent = new RegExp(`^k8s-(${POOL})-${suffix}-(\\d+)$`).exec(name);
  if (agent) return { role: "agent", pool: agent[1], index: Number(agent[2]), scaleSet: false };
  return undefined;
}
