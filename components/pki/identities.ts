// The identity table: one row per certificate identity of an AKS Engine cluster, with everything
// the program knows about it — subject, usages, signer, key size rule, SANs, where it is placed
// on masters and agents (owner, install phase), the services that read it, and its fields in
// apimodel.json's certificateProfile. The specs, the node files, the plan's phases and the
// apimodel rewrite all derive from it (docs/aks-engine.md §3, §4). The lab's own PKI generator
// (lab/lib/pki.sh) and test/lab/pki-spec.ts stay independent of it: they are the tests' oracle.
import type { NodeRole } from "../types";

/** X.509 key usages, named as in Go's crypto/x509. */
export type KeyUsage = "digitalSignature" | "keyEncipherment" | "certSign";
/** X.509 extended key usages. */
export type ExtKeyUsage = "serverAuth" | "clientAuth";
/** Who signs a certificate: itself (a CA), the cluster CA, or the front-proxy CA. */
export type Signer = "self" | "ca" | "proxy-ca";
export type FileKind = "cert" | "key";
/** The rotation phase that installs a file: the one that restarts what reads it first. */
export type InstallPhase = "etcd" | "controlplane" | "kubelet" | "kubeconfig";

export interface Subject {
  readonly commonName: string;
  readonly organization?: string;
}

/** One file of an identity on nodes of one role. */
export interface Placement {
  readonly role: NodeRole;
  readonly kind: FileKind;
  /** User and group; etcd runs as user etcd and stops on "permission denied" for its own files. */
  readonly owner: "root" | "etcd";
  readonly phase: InstallPhase;
}

export interface Identity {
  /** "ca", "apiserver", …; a per-master identity is `<id><master index>` (etcdpeer0). */
  readonly id: string;
  readonly perMaster: boolean;
  /** One line for people: what the certificate is for (`<master>`: the master's name). */
  readonly purpose: string;
  readonly subject: Subject;
  readonly isCa: boolean;
  readonly extKeyUsages: readonly ExtKeyUsage[];
  readonly signer: Signer;
  /** The cluster's key size (config keySize), or the front-proxy's fixed 2048 bits. */
  readonly keySize: "cluster" | "proxy";
  /** SANs: none, the API server's names and addresses, or the cluster's addresses only. */
  readonly sans: "none" | "apiserver" | "clusterIps";
  /** Files on nodes, in the order they are staged (certificate before key). */
  readonly placements: readonly Placement[];
  /** The services that read its certificate and its key. */
  readonly readers: { readonly cert: readonly string[]; readonly key: readonly string[] };
  /** Its fields in apimodel.json's certificateProfile (lists, one per master, when perMaster). */
  readonly profile?: { readonly cert: string; readonly key: string };
}

/** etcd certs get both because AKS Engine compares "etcdserver" with "etcdServer" and falls through. */
const ETCD_EKUS: readonly ExtKeyUsage[] = ["serverAuth", "clientAuth"];
const CONTROL_PLANE = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
/** Readers of /var/lib/kubelet/kubeconfig, which points at ca.crt and client.*. */
const NODE_KUBECONFIG = ["kubelet", "kube-proxy", "kube-controller-manager", "kube-scheduler"];

/** The columns most identities share: one per cluster, signed by the cluster CA. */
const LEAF = { perMaster: false, isCa: false, signer: "ca", keySize: "cluster" } as const;
/** etcd's own identities: cluster addresses as SANs, both usages. */
const ETCD = { ...LEAF, sans: "clusterIps", extKeyUsages: ETCD_EKUS } as const;

/** Masters only, every file of the identity installed in `phase`. */
const onMasters = (phase: InstallPhase, owner: Placement["owner"] = "root"): Placement[] =>
  (["cert", "key"] as const).map((kind) => ({ role: "master", kind, owner, phase }));

export const IDENTITIES: readonly Identity[] = [
  {
    id: "ca",
    perMaster: false,
    purpose: "cluster CA: signs every certificate below except the front-proxy pair",
    subject: { commonName: "ca" },
    isCa: true,
    extKeyUsages: [],
    signer: "self",
    keySize: "cluster",
    sans: "none",
    // ca.crt goes with the etcd swap: etcd reads its trust only at start, all members together.
    placements: [
      { role: "master", kind: "cert", owner: "root", phase: "etcd" },
      { role: "master", kind: "key", owner: "root", phase: "controlplane" },
      { role: "agent", kind: "cert", owner: "root", phase: "kubelet" },
    ],
    readers: {
      cert: ["etcd", ...CONTROL_PLANE, "kubelet", "kube-proxy"],
      key: ["kube-controller-manager"],
    },
    profile: { cert: "caCertificate", key: "caPrivateKey" },
  },
  {
    ...LEAF,
    id: "apiserver",
    purpose: "kube-apiserver serving certificate; its key also signs service-account tokens",
    subject: { commonName: "apiserver" },
    extKeyUsages: ["serverAuth"],
    sans: "apiserver",
    placements: onMasters("controlplane"),
    readers: { cert: ["kube-apiserver"], key: ["kube-apiserver", "kube-controller-manager"] },
    profile: { cert: "apiServerCertificate", key: "apiServerPrivateKey" },
  },
  {
    ...LEAF,
    id: "client",
    purpose:
      "kubelet, kube-proxy, controller-manager, scheduler client (/var/lib/kubelet/kubeconfig)",
    subject: { commonName: "client", organization: "system:masters" },
    extKeyUsages: ["clientAuth"],
    sans: "none",
    placements: [
      ...onMasters("controlplane"),
      { role: "agent", kind: "cert", owner: "root", phase: "kubelet" },
      { role: "agent", kind: "key", owner: "root", phase: "kubelet" },
    ],
    readers: { cert: NODE_KUBECONFIG, key: NODE_KUBECONFIG },
    profile: { cert: "clientCertificate", key: "clientPrivateKey" },
  },
  {
    ...LEAF,
    id: "kubeconfig",
    purpose: "admin kubeconfig client (only inside kubeconfigs)",
    subject: { commonName: "client", organization: "system:masters" },
    extKeyUsages: ["clientAuth"],
    sans: "none",
    placements: [],
    readers: { cert: ["the admin kubeconfig"], key: ["the admin kubeconfig"] },
    profile: { cert: "kubeConfigCertificate", key: "kubeConfigPrivateKey" },
  },
  {
    ...ETCD,
    id: "etcdserver",
    purpose: "etcd client-port serving certificate",
    subject: { commonName: "etcdserver" },
    placements: [
      { role: "master", kind: "cert", owner: "root", phase: "etcd" },
      { role: "master", kind: "key", owner: "etcd", phase: "etcd" },
    ],
    readers: { cert: ["etcd"], key: ["etcd"] },
    profile: { cert: "etcdServerCertificate", key: "etcdServerPrivateKey" },
  },
  {
    ...ETCD,
    id: "etcdclient",
    purpose: "kube-apiserver's (and etcdctl's) client certificate for etcd",
    subject: { commonName: "etcdclient" },
    placements: onMasters("etcd"),
    readers: { cert: ["kube-apiserver"], key: ["kube-apiserver"] },
    profile: { cert: "etcdClientCertificate", key: "etcdClientPrivateKey" },
  },
  {
    ...ETCD,
    id: "etcdpeer",
    perMaster: true,
    purpose: "etcd peer certificate of <master> (server and client on port 2380)",
    subject: { commonName: "etcdpeer" },
    // Only the master's own pair. AKS Engine's rotate-certs installs both as etcd:etcd (the
    // first provisioning leaves the .crt root-owned); following it, a rerun finds the owner it set.
    placements: onMasters("etcd", "etcd"),
    readers: { cert: ["etcd"], key: ["etcd"] },
    profile: { cert: "etcdPeerCertificates", key: "etcdPeerPrivateKeys" },
  },
  {
    id: "proxy-ca",
    perMaster: false,
    purpose: "front-proxy CA (--requestheader-client-ca-file)",
    subject: { commonName: "proxyClientCA" },
    isCa: true,
    extKeyUsages: [],
    signer: "self",
    keySize: "proxy",
    sans: "none",
    placements: [{ role: "master", kind: "cert", owner: "root", phase: "controlplane" }],
    readers: { cert: ["kube-apiserver"], key: [] },
  },
  {
    ...LEAF,
    id: "proxy",
    purpose:
      "front-proxy client: kube-apiserver to aggregated API servers (--proxy-client-cert-file)",
    subject: { commonName: "aggregator", organization: "system:masters" },
    extKeyUsages: ["clientAuth"],
    signer: "proxy-ca",
    keySize: "proxy",
    sans: "none",
    placements: onMasters("controlplane"),
    readers: { cert: ["kube-apiserver"], key: ["kube-apiserver"] },
  },
];

/** The file name of an identity's certificate or key on a node. */
export const fileName = (identity: string, kind: FileKind): string =>
  `${identity}.${kind === "cert" ? "crt" : "key"}`;
