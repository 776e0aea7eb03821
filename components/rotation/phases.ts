// Pure planning of the rotation graph: how kubelets are split into lanes, which nodes reboot in
// which wave. No Pulumi resources; tested as tables.
import type { RebootStrategy } from "../config";
import { pathsReadBy } from "../pki/specs";

export type { InstallPhase } from "../pki/identities";

/** The files a master's kubelet restart depends on (through /var/lib/kubelet/kubeconfig). */
export const KUBELET_FILES: readonly string[] = pathsReadBy("master", "kubelet");

/**
 * Bounded parallelism without a semaphore: nodes dealt round-robin into `lanes` chains; inside a
 * chain each kubelet waits for the previous node to be Ready. Masters come first.
 */
export function kubeletLanes(nodes: readonly string[], lanes: number): string[][] {
  if (!Number.isInteger(lanes) || lanes < 1)
    throw new Error(`agentParallelism must be >= 1, got ${lanes}`);
  const out: string[][] = Array.from({ length: Math.min(lanes, nodes.length) }, () => []);
  nodes.forEach((n, i) => out[i % lanes].push(n));
  return out;
}

/**
 * Reboot waves: every node of a wave reboots together, a wave starts when the previous one is
 * back and Ready. rolling = one node per wave (masters first, so etcd keeps quorum and the control
 * plane is proven before workloads move); all = one wave; none = no reboot.
 */
export function rebootWaves(
  masters: readonly string[],
  agents: readonly string[],
  strategy: RebootStrategy,
): string[][] {
  switch (strategy) {
    case "none":
      return [];
    case "all":
      return masters.length + agents.length === 0 ? [] : [[...masters, ...agents]];
    case "rolling":
      return [...masters, ...agents].map((n) => [n]);
  }
}

/** A short, stable label of a set of digests (annotation values, reboot tokens). */
export function tokenOf(digests: readonly string[], sha256: (s: string) => string): string {
  return sha256([...digests].sort().join("\n")).slice(0, 16);
}
