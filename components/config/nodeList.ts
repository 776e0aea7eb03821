// The program's one read from the cluster: its node list, from the machine running `pulumi`, with
// the admin kubeconfig of _output/ (the same access the cluster record uses), through the pinned
// @kubernetes/client-node. Never throws: an unreadable list is a reason, and the caller falls
// back to apimodel.json with a warning (components/cluster/takeInventory.ts).
import * as fs from "node:fs";
// Types only here: the library itself loads when the list is read, so a program that stops at
// bad input does not pay for loading it.
import type * as K8s from "@kubernetes/client-node";
import type { LiveNode, NodeListRead } from "../cluster/inventory";

/** A private cluster's API server does not answer at all: don't hold the program up for long. */
export const NODE_LIST_TIMEOUT_MS = 10_000;

/** The admin kubeconfig, pointed at `server` when the operator reaches the API elsewhere. */
type K8sModule = typeof K8s;

function loadKubeconfig(k8s: K8sModule, text: string, server: string | undefined): K8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(text);
  if (server === undefined) return kc;
  const pointed = new k8s.KubeConfig();
  pointed.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, server })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return pointed;
}

/** Aborts the request itself, so no socket outlives the timeout and keeps the program alive. */
function abortAfter(k8s: K8sModule, signal: AbortSignal): K8s.ObservableMiddleware {
  return {
    pre: (ctx) => {
      ctx.setSignal(signal);
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new k8s.Observable(Promise.resolve(ctx)),
  };
}

export function toLiveNode(node: K8s.V1Node): LiveNode {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  const internalIp = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const roleLabel = node.metadata?.labels?.["kubernetes.io/role"];
  return {
    name: node.metadata?.name ?? "",
    ready,
    ...(internalIp === undefined ? {} : { internalIp }),
    ...(roleLabel === undefined ? {} : { roleLabel }),
  };
}

/** The first line of what went wrong, without a stack or a response body. */
function reasonOf(err: unknown, timeoutMs = NODE_LIST_TIMEOUT_MS): string {
  const e = err as { code?: number; name?: string; message?: string };
  if (e?.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  if (typeof e?.code === "number") return `HTTP ${e.code}`;
  return String(e?.message ?? err).split("\n")[0];
}

/**
 * The cluster's nodes, read with `kubeconfigFile` (at `server` when given), or why not.
 * @param timeoutMs how long to wait for the API server
 */
export async function readNodeList(
  kubeconfigFile: string,
  server?: string,
  timeoutMs = NODE_LIST_TIMEOUT_MS,
): Promise<NodeListRead> {
  if (!fs.existsSync(kubeconfigFile)) {
    return { ok: false, server, reason: `no admin kubeconfig at ${kubeconfigFile}` };
  }
  const k8s = await import("@kubernetes/client-node");
  let kc: K8s.KubeConfig;
  try {
    kc = loadKubeconfig(k8s, fs.readFileSync(kubeconfigFile, "utf8"), server);
  } catch (err) {
    return { ok: false, server, reason: `${kubeconfigFile}: ${reasonOf(err)}` };
  }
  const at = kc.getCurrentCluster()?.server ?? server;
  try {
    const api = kc.makeApiClient(k8s.CoreV1Api);
    const middleware = [abortAfter(k8s, AbortSignal.timeout(timeoutMs))];
    const list = await api.listNode({}, { middleware, middlewareMergeStrategy: "append" });
    return { ok: true, server: at ?? "", nodes: list.items.map(toLiveNode) };
  } catch (err) {
    return { ok: false, server: at, reason: reasonOf(err, timeoutMs) };
  }
}
