// Which nodes the rotation covers: the cluster's node list against apimodel.json, and the
// operator's choice (config nodes). Pure: returns the model to rotate, what preview shows, and
// why `pulumi up` must stop, if it must. index.ts acts on it.
import type { NodeInventorySource } from "../types";
import {
  compareInventory,
  hasDifference,
  recognizeNodes,
  type InventoryDiff,
  type LiveNode,
  type NodeListRead,
  type RecognizedNodes,
} from "./inventory";
import { nodesFromCluster, scaleSetsFromCluster } from "./mergeNodes";
import type { ClusterModel } from "./model";

export interface InventoryChoice {
  readonly source: NodeInventorySource;
  /** The operator set config nodes; unset, a difference stops `pulumi up`. */
  readonly explicit: boolean;
}

/** The stack output nodeInventory: what preview shows about the node lists. */
export interface InventoryReport {
  /** Where the rotated list came from: "cluster", or "apimodel" (chosen, or the API unreadable). */
  readonly source: NodeInventorySource;
  /** The API server the list was read from, and how it went. */
  readonly readFrom: string;
  /** The nodes the rotation covers: `<name> <role> <internal IP|-> <Ready|NotReady|absent|unknown>`. */
  readonly nodes: readonly string[];
  readonly inClusterOnly: readonly string[];
  readonly inApimodelOnly: readonly string[];
  readonly unrecognized: readonly string[];
}

export interface Inventory {
  readonly model: ClusterModel;
  readonly report: InventoryReport;
  /** One line each, for preview and up alike. */
  readonly warnings: readonly string[];
  /** Why `pulumi up` must not touch any node; undefined when it may go ahead. */
  readonly refusal?: string;
}

const NO_DIFF: InventoryDiff = { extra: [], missing: [], unrecognized: [] };

function nodeLine(live: readonly LiveNode[] | undefined) {
  return (n: ClusterModel["masters"][number]): string => {
    const seen = live?.find((l) => l.name === n.name);
    const state =
      live === undefined
        ? "unknown"
        : seen === undefined
          ? "absent"
          : seen.ready
            ? "Ready"
            : "NotReady";
    const ip = seen?.internalIp ?? (n.role === "master" ? n.ip : undefined) ?? "-";
    return `${n.name} ${n.role} ${ip} ${state}`;
  };
}

function report(
  model: ClusterModel,
  read: NodeListRead,
  diff: InventoryDiff,
  source: NodeInventorySource,
): InventoryReport {
  const live = read.ok ? read.nodes : undefined;
  return {
    source,
    readFrom: !read.ok
      ? `${read.server ?? "the API server"}: not read (${read.reason})`
      : read.stale
        ? `${read.server}: ${read.nodes.length} nodes, read at ${read.stale.readAt} (now: ${read.stale.reason})`
        : `${read.server}: ${read.nodes.length} nodes`,
    nodes: [...model.masters, ...model.agents].map(nodeLine(live)),
    inClusterOnly: diff.extra,
    inApimodelOnly: diff.missing,
    unrecognized: diff.unrecognized,
  };
}

const list = (names: readonly string[]): string => names.join(", ");

/** The one message `pulumi up` stops with when the lists differ and the operator did not choose. */
export function differenceRefusal(diff: InventoryDiff): string {
  const parts = [
    diff.extra.length > 0 ? `in the cluster only: ${list(diff.extra)}` : "",
    diff.missing.length > 0 ? `in apimodel.json only: ${list(diff.missing)}` : "",
    diff.unrecognized.length > 0
      ? `not this cluster's Linux nodes: ${list(diff.unrecognized)}`
      : "",
  ].filter((p) => p !== "");
  return (
    `node inventory: the cluster's node list and apimodel.json differ (${parts.join("; ")}). ` +
    "Nothing was touched. Choose the nodes to rotate: pulumi config set nodes cluster (the nodes " +
    "that exist) or pulumi config set nodes apimodel (the nodes apimodel.json lists), then run again."
  );
}

function unreadable(model: ClusterModel, read: NodeListRead & { ok: false }): Inventory {
  const scaleSets = model.agentPools.some((p) => p.instanceNamesAssumed);
  return {
    model,
    report: report(model, read, NO_DIFF, "apimodel"),
    warnings: [
      `node inventory: could not read the node list from ${read.server ?? "the API server"} ` +
        `(${read.reason}); rotating the nodes apimodel.json implies` +
        (scaleSets ? ", scale-set pools as instances 0..count-1." : "."),
    ],
  };
}

function chosenModel(model: ClusterModel, found: RecognizedNodes, source: NodeInventorySource) {
  return source === "cluster"
    ? nodesFromCluster(model, found.known)
    : scaleSetsFromCluster(model, found.known);
}

function staleWarning(read: NodeListRead & { ok: true }): string[] {
  if (read.stale === undefined) return [];
  return [
    `node inventory: could not read the node list from ${read.server} (${read.stale.reason}); ` +
      `using the list read at ${read.stale.readAt}.`,
  ];
}

/** A scale-set pool whose instance count differs from apimodel.json's: worth a word, not a stop. */
function scaleSetCounts(model: ClusterModel, rotated: ClusterModel): string[] {
  return model.agentPools
    .filter((p) => p.availabilityProfile === "VirtualMachineScaleSets")
    .flatMap((p) => {
      const now = rotated.agentPools.find((r) => r.name === p.name);
      if (now === undefined || now.count === p.count) return [];
      return [
        `node inventory: scale-set pool ${p.name} has ${now.count} instances in the cluster, ` +
          `apimodel.json counts ${p.count}; rotating the cluster's.`,
      ];
    });
}

function warnings(
  rotated: ClusterModel,
  read: NodeListRead & { ok: true },
  diff: InventoryDiff,
  choice: InventoryChoice,
) {
  const names = new Set([...rotated.masters, ...rotated.agents].map((n) => n.name));
  // A stale list's Ready states are old news.
  const notReady = read.stale
    ? []
    : read.nodes.filter((n) => names.has(n.name) && !n.ready).map((n) => n.name);
  // Unchosen, the refusal lists the difference already.
  const skipped = choice.explicit
    ? [...diff.extra, ...diff.missing].filter((n) => !names.has(n))
    : [];
  return [
    ...staleWarning(read),
    ...(notReady.length > 0
      ? [
          `node inventory: not Ready: ${list(notReady)}; its kubelet gate waits for Ready and fails if it stays NotReady.`,
        ]
      : []),
    ...(skipped.length > 0 ? [`node inventory: not rotated: ${list(skipped)}.`] : []),
  ];
}

function refusal(rotated: ClusterModel, diff: InventoryDiff, choice: InventoryChoice) {
  if (hasDifference(diff) && !choice.explicit) return differenceRefusal(diff);
  if (choice.source === "cluster" && diff.unrecognized.length > 0) {
    return (
      `node inventory: cannot rotate ${list(diff.unrecognized)}: not named as AKS Engine names this ` +
      "cluster's Linux nodes (k8s-master-<nameSuffix>-<i>, k8s-<pool>-<nameSuffix>-<i>, …-vmss<id>). " +
      "Nothing was touched. Remove them from the cluster or set config nodes to apimodel."
    );
  }
  if (rotated.masters.length === 0) {
    return "node inventory: the node list has no master of this cluster. Nothing was touched. Check config nameSuffix, or set config nodes to apimodel.";
  }
  return undefined;
}

export function takeInventory(
  model: ClusterModel,
  read: NodeListRead,
  choice: InventoryChoice,
): Inventory {
  if (!read.ok) return unreadable(model, read);
  const found = recognizeNodes(model, read.nodes);
  const diff = compareInventory(model, found);
  const rotated = chosenModel(model, found, choice.source);
  return {
    model: rotated,
    report: report(rotated, read, diff, choice.source),
    warnings: [...warnings(rotated, read, diff, choice), ...scaleSetCounts(model, rotated)],
    refusal: refusal(rotated, diff, choice),
  };
}
