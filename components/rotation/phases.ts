// Pure planning of the rotation graph: which files a master's kubelet reads, which nodes reboot
// in which wave. No Pulumi resources; tested as tables.
import type { RebootStrategy } from "../config";
import { pathsReadBy } from "../pki/specs";
import type { MaxUnavailable } from "../config";
import { agentBatches } from "./batches";

export type { InstallPhase } from "../pki/identities";

/** The files a master's kubelet restart depends on (through /var/lib/kubelet/kubeconfig). */
export const KUBELET_FILES: readonly string[] = pathsReadBy("master", "kubelet");

/** A reboot wave: its nodes reboot together once every wave listed in `after` is back and Ready. */
export interface RebootWave {
  readonly nodes: string[];
  /** Indexes of earlier waves; empty: the wave starts with the phase. */
  readonly after: number[];
}

/**
 * Reboot waves. rolling = the masters one per wave (etcd keeps quorum), master-0 first: it runs
 * every Ready check, so it is back before any agent reboots. The agents' maxUnavailable batches
 * then reboot beside the other masters, each batch after the one before: at most one master and
 * one batch of agents are down at any time, and the agents cost no time while they fit in the
 * masters' own reboots. all = one wave; none = no reboot.
 */
export function rebootWaves(
  masters: readonly string[],
  agents: readonly string[],
  strategy: RebootStrategy,
  max: MaxUnavailable = { count: 1 },
): RebootWave[] {
  switch (strategy) {
    case "none":
      return [];
    case "all":
      return masters.length + agents.length === 0
        ? []
        : [{ nodes: [...masters, ...agents], after: [] }];
    case "rolling": {
      const chain = (nodes: string[][], first: number[], offset: number): RebootWave[] =>
        nodes.map((n, i) => ({ nodes: n, after: i === 0 ? first : [offset + i - 1] }));
      const ms = chain(
        masters.map((m) => [m]),
        [],
        0,
      );
      return [...ms, ...chain(agentBatches(agents, max), ms.length > 0 ? [0] : [], ms.length)];
    }
  }
}

/** The waves no other wave waits for: when they are Ready, the phase is done. */
export function lastWaves(waves: readonly RebootWave[]): number[] {
  const waited = new Set(waves.flatMap((w) => w.after));
  return waves.map((_, i) => i).filter((i) => !waited.has(i));
}

/** A short, stable label of a set of digests (annotation values, reboot tokens). */
export function tokenOf(digests: readonly string[], sha256: (s: string) => string): string {
  return sha256([...digests].sort().join("\n")).slice(0, 16);
}
