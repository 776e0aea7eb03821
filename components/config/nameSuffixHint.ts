// A wrong nameSuffix (config, or another cluster's azuredeploy.json) makes every node name wrong,
// and known_hosts then "pins no host key" for them: say which suffix the pinned nodes really have.
import type { ClusterModel } from "../cluster/model";
import { hostKeysFor, plainHostNames, type KnownHosts } from "./knownHosts";

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The 8-digit suffixes of the node-shaped names (k8s-master-…, k8s-<pool>-…) known_hosts pins,
 * other than the cluster's, when it pins none of the cluster's own node names; else [].
 */
export function otherNameSuffixes(cluster: ClusterModel, known: KnownHosts): string[] {
  const nodes = [...cluster.masters, ...cluster.agents];
  if (nodes.some((n) => hostKeysFor(known, n.name).length > 0)) return [];
  const prefixes = ["master", ...cluster.agentPools.map((p) => p.name)].map(escape).join("|");
  const shape = new RegExp(`^k8s-(?:${prefixes})-([0-9]{8})-`, "i");
  const suffixes = plainHostNames(known)
    .map((name) => shape.exec(name)?.[1])
    .filter((s): s is string => s !== undefined && s !== cluster.nameSuffix);
  return [...new Set(suffixes)].sort();
}

/** The problem line for a nameSuffix that names no node in known_hosts, or undefined. */
export function nameSuffixProblem(
  cluster: ClusterModel,
  known: KnownHosts,
  knownHostsFile: string,
): string | undefined {
  const others = otherNameSuffixes(cluster, known);
  if (others.length === 0) return undefined;
  return (
    `config nameSuffix: ${cluster.nameSuffix} names no node in ${knownHostsFile}; its nodes are named ` +
    `with ${others.join(" or ")}: set nameSuffix (or azureDeploy) to match.`
  );
}
