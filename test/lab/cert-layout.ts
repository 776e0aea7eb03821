// What /etc/kubernetes/certs holds on an AKS Engine node (docs/aks-engine.md §4), as data:
// keys 0600, certs 0644, root:root except etcdserver.key and etcdpeer<i>.* (etcd:etcd).

export interface CertFile {
  readonly file: string;
  readonly mode: string;
  readonly owner: string;
  readonly group: string;
}

const root = (file: string, mode: string): CertFile => ({
  file,
  mode,
  owner: "root",
  group: "root",
});
const etcd = (file: string, mode: string): CertFile => ({
  file,
  mode,
  owner: "etcd",
  group: "etcd",
});

/** Every file in /etc/kubernetes/certs of a node, sorted by name. */
export function expectedCertFiles(role: "master" | "agent", index: number): CertFile[] {
  const files =
    role === "master"
      ? [
          root("apiserver.crt", "644"),
          root("apiserver.key", "600"),
          root("ca.crt", "644"),
          root("ca.key", "600"),
          root("client.crt", "644"),
          root("client.key", "600"),
          root("etcdclient.crt", "644"),
          root("etcdclient.key", "600"),
          etcd(`etcdpeer${index}.crt`, "644"),
          etcd(`etcdpeer${index}.key`, "600"),
          root("etcdserver.crt", "644"),
          etcd("etcdserver.key", "600"),
          root("kubeletserver.crt", "644"),
          root("kubeletserver.key", "600"),
          root("proxy-ca.crt", "644"),
          root("proxy.crt", "644"),
          root("proxy.key", "600"),
        ]
      : [
          root("ca.crt", "644"),
          root("client.crt", "644"),
          root("client.key", "600"),
          root("kubeletserver.crt", "644"),
          root("kubeletserver.key", "600"),
        ];
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

/** Parses `stat -c '%n %a %U %G'` lines of files in the certs dir. */
export function parseStat(out: string): CertFile[] {
  return out
    .trim()
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const [p, mode, owner, group] = l.split(" ");
      return { file: p.slice(p.lastIndexOf("/") + 1), mode, owner, group };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}
