// What AKS Engine puts on its nodes (docs/aks-engine.md §4), written down independently of the
// program's own tables so the tests check the program against the specification, not itself.
import type { LabNode } from "./lab";

export interface ExpectedFile {
  readonly path: string;
  /** The certificate identity (its `certificates` output key) the file holds. */
  readonly identity: string;
  readonly kind: "cert" | "key";
  readonly mode: string;
  readonly owner: string;
}

const CERTS = "/etc/kubernetes/certs";

function file(name: string, kind: "cert" | "key", owner = "root:root"): ExpectedFile {
  const identity = name;
  return {
    path: `${CERTS}/${name}.${kind === "cert" ? "crt" : "key"}`,
    identity,
    kind,
    mode: kind === "key" ? "600" : "644",
    owner,
  };
}

export function expectedFiles(node: LabNode): ExpectedFile[] {
  const common = [file("ca", "cert"), file("client", "cert"), file("client", "key")];
  if (node.role === "agent") return common;
  const peer = `etcdpeer${node.index}`;
  return [
    ...common,
    file("ca", "key"),
    file("apiserver", "cert"),
    file("apiserver", "key"),
    file("etcdserver", "cert"),
    file("etcdserver", "key", "etcd:etcd"),
    file("etcdclient", "cert"),
    file("etcdclient", "key"),
    file(peer, "cert", "etcd:etcd"),
    file(peer, "key", "etcd:etcd"),
    file("proxy-ca", "cert"),
    file("proxy", "cert"),
    file("proxy", "key"),
  ];
}
