// A stand-in API server for the node-list read: plain HTTP on 127.0.0.1, answering GET
// /api/v1/nodes with the given nodes (or never, to test the timeout), and the admin kubeconfig
// (JSON, as AKS Engine writes it) that points at it.
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { LiveNode } from "../../../components/cluster";

export interface FakeApiServer {
  readonly url: string;
  /** Requests seen, by path. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** The Node object the kubelet would post for `n`. */
export function nodeObject(n: LiveNode): unknown {
  return {
    metadata: { name: n.name, labels: n.roleLabel ? { "kubernetes.io/role": n.roleLabel } : {} },
    status: {
      addresses: n.internalIp ? [{ type: "InternalIP", address: n.internalIp }] : [],
      conditions: [{ type: "Ready", status: n.ready ? "True" : "False" }],
    },
  };
}

export async function startFakeApiServer(
  nodes: readonly LiveNode[] | "hang",
): Promise<FakeApiServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    if (nodes === "hang") return; // never answers
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "NodeList", apiVersion: "v1", items: nodes.map(nodeObject) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `<outputDir>/kubeconfig/kubeconfig.local.json` pointing at `server`. */
export function writeKubeconfig(outputDir: string, server: string): string {
  const file = path.join(outputDir, "kubeconfig", "kubeconfig.local.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const config = {
    apiVersion: "v1",
    kind: "Config",
    // The client refuses plain HTTP unless told to skip TLS checks; the real read uses https.
    clusters: [{ name: "aks-lab", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "aks-lab-admin", user: { token: "unit-test" } }],
    contexts: [{ name: "aks-lab", context: { cluster: "aks-lab", user: "aks-lab-admin" } }],
    "current-context": "aks-lab",
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 4));
  return file;
}
