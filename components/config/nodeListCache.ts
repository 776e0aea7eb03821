// The last node list read, kept in the cluster's _output folder. A rerun after an interruption
// between the control-plane restart and the kubeconfig write cannot read the list (the API
// server has the new CA, the kubeconfig in _output/ the old one); it goes on with the nodes the
// interrupted run rotated, not with apimodel.json's guess at a scale-set pool. Names, addresses
// and Ready states only: nothing secret.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LiveNode, NodeListRead } from "../cluster/inventory";

export const NODE_LIST_CACHE = ".aks-rotate-certs-nodes.json";

interface Cached {
  readonly server: string;
  readonly readAt: string;
  readonly nodes: readonly LiveNode[];
}

function readCache(file: string): Cached | undefined {
  try {
    const c = JSON.parse(fs.readFileSync(file, "utf8")) as Cached;
    return typeof c.server === "string" && Array.isArray(c.nodes) ? c : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, cached: Cached): void {
  try {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(cached, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // A read-only _output/ loses the fallback, nothing else.
  }
}

/** Keeps a fresh list in `outputDir`; answers a failed read with the kept one, marked stale. */
export function withNodeListCache(
  read: NodeListRead,
  outputDir: string,
  now: Date = new Date(),
): NodeListRead {
  const file = path.join(outputDir, NODE_LIST_CACHE);
  if (read.ok) {
    writeCache(file, { server: read.server, readAt: now.toISOString(), nodes: read.nodes });
    return read;
  }
  const cached = readCache(file);
  if (cached === undefined) return read;
  return {
    ok: true,
    server: cached.server,
    nodes: cached.nodes,
    stale: { readAt: cached.readAt, reason: read.reason },
  };
}
