// Node lists as the API server would return them, for the inventory tests.
import type { LiveNode } from "../../../components/cluster";

/** Ready nodes with the role label AKS Engine sets, named by the row. */
export function liveNodes(names: readonly string[]): LiveNode[] {
  return names.map((name) => ({
    name,
    ready: true,
    roleLabel: name.includes("-master-") ? "master" : "agent",
  }));
}

/** A scale-set instance name of the five-masters fixture's pool "scaleset". */
export const vmss = (id: number): string =>
  `k8s-scaleset-55555555-vmss${id.toString(36).padStart(6, "0")}`;
