// Pure planning of the rotation graph: which files a master's kubelet reads, which nodes reboot
// in which wave. No Pulumi resources; tested as tables.
import type { RebootStrategy } from "../config";
import { pathsReadBy } from "../pki/specs";
import type { MaxUnavailable } from "../config";
import { agentBatches } from "./batches";

export type { InstallPhase } from "../pki/identities";

/** The files a master's kubelet restart depends on (through /var/lib/kubelet/kubeconfig). */
export const KUBELET_FILES: readonly string[] = pathsReadBy("master", "kubelet");

/**
 * Reboot waves: every node of a wave reboots together, a wave starts when the previous one is
 * back and Ready. rolling = masters one per wave (etcd keeps quorum, and the control plane is
 * proven before workloads move), then the agents in maxUnavailable batches; all = one wave;
 * none = no reboot.
 */
export function rebootWaves(
  masters: readonly string[],
  agents: readonly string[],
  strategy: RebootStrategy,
  max: MaxUnavailable = { count: 1 },
): string[][] {
  switch (strategy) {
    case "none":
      return [];
    case "all":
      return masters.length + agents.length === 0 ? [] : [[...masters, ...agents]];
    case "rolling":
      return [...masters.map((m) => [m]), ...agentBatches(agents, max)];
  }
}

/** A short, stable label of a set of digests (annotation values, reboot tokens). */
export function tokenOf(digests: readonly string[], sha256: (s: string) => string): string {
  return sha256([...digests].sort().join("\n")).slice(0, 16);
}
