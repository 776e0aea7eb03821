// Types shared by the pure parts of the program (config, cluster model, certificate specs).

/**
 * A problem with the operator's input (stack config, apimodel.json, azuredeploy.json).
 *
 * Thrown before any resource is registered. `index.ts` turns it into a `pulumi.RunError`, so the
 * operator sees the message alone, without a stack trace. Each line is one problem, worded as
 * "where: what is wrong. What to do." — tests pin these lines.
 */
export class InputError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "InputError";
    this.problems = problems;
  }
}

/**
 * Suffix of the copy write-file.sh keeps of a file on the operator's machine (the kubeconfig,
 * apimodel.json) each time the rotation replaces it; the rollback restores from it.
 */
export const LOCAL_BACKUP_SUFFIX = ".before-rotation";

/** A node's role in the cluster. */
export type NodeRole = "master" | "agent";

/**
 * Where the list of nodes to rotate comes from: the cluster's API server (the nodes that exist)
 * or apimodel.json (the nodes it implies). Scale-set agents come from the cluster either way.
 */
export type NodeInventorySource = "cluster" | "apimodel";
