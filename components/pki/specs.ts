// The project's `ca.conf`: every certificate identity of an AKS Engine cluster and every file it
// becomes on a node, computed from the cluster model. Pure data, tested as a table against AKS
// Engine's generator (pkg/helpers/pki.go CreatePki, pkg/api/defaults.go SetDefaultCerts), its node
// scripts (parts/k8s/cloud-init/artifacts/cse_config.sh configureSecrets,
// generateproxycerts.sh) and rotate-certs (cmd/rotate_certs.go getFilesToDistribute).
import type { ClusterModel, ClusterNode } from "../cluster/model";
import type { NodeRole } from "../types";

/** Where every certificate and key lives on a node. */
export const CERTS_DIR = "/etc/kubernetes/certs";

/** AKS Engine's cluster domain; SetDefaultCerts always uses the default, whatever the apimodel says. */
export const CLUSTER_DOMAIN = "cluster.local";

/** The front-proxy pair's key size: generateproxycerts.sh runs `openssl genrsa 2048`. */
export const PROXY_RSA_BITS = 2048;

/** X.509 key usages, named as in Go's crypto/x509. */
export type KeyUsage = "digitalSignature" | "keyEncipherment" | "certSign";
/** X.509 extended key usages. */
export type ExtKeyUsage = "serverAuth" | "clientAuth";
/** Who signs a certificate: itself (a CA), the cluster CA, or the front-proxy CA. */
export type Signer = "self" | "ca" | "proxy-ca";

export interface Subject {
  readonly commonName: string;
  readonly organization?: string;
}

/** One certificate identity and the key pair behind it. */
export interface CertSpec {
  /** "ca", "apiserver", "client", "kubeconfig", "etcdserver", "etcdclient", "etcdpeer<i>", "proxy-ca", "proxy". */
  readonly identity: string;
  /**
   * Stem of the Pulumi logical names: the PKI component named "pki" registers
   * `pki-<nameStem>-key`, `-csr`, `-cert`. Per-master identities carry the node name
   * (`etcdpeer-k8s-master-12345678-1`), so a name reads as identity and node; renaming one replaces it.
   */
  readonly nameStem: string;
  /** One line for people: what the certificate is for. */
  readonly purpose: string;
  readonly subject: Subject;
  /** DNS SANs in AKS Engine's order. */
  readonly dnsNames: readonly string[];
  /** IP SANs in AKS Engine's order. */
  readonly ipAddresses: readonly string[];
  readonly keyUsages: readonly KeyUsage[];
  readonly extKeyUsages: readonly ExtKeyUsage[];
  readonly isCa: boolean;
  readonly signer: Signer;
  readonly rsaBits: number;
  readonly validityHours: number;
  readonly earlyRenewalHours: number;
}

export type FileKind = "cert" | "key";

/** One file a node must hold after the rotation: the unit the distribution step installs. */
export interface NodeFile {
  /** Node (= VM) name. */
  readonly node: string;
  readonly role: NodeRole;
  /** Absolute path on the node. */
  readonly path: string;
  /** Octal permission bits as `install -m` takes them. */
  readonly mode: "0600" | "0644";
  readonly owner: string;
  readonly group: string;
  /** The CertSpec identity whose certificate or private key this file holds. */
  readonly identity: string;
  readonly kind: FileKind;
}

/** The admin kubeconfig on each master (`/home/<adminUsername>/.kube/config`), written by the rotation. */
export interface KubeconfigPlacement {
  readonly node: string;
  readonly path: string;
  readonly mode: "0600";
  readonly owner: string;
  readonly group: string;
  /** The identities it embeds: CA certificate, then the admin client pair. */
  readonly caIdentity: "ca";
  readonly clientIdentity: "kubeconfig";
}

/**
 * etcd keys through which AKS Engine shares the front-proxy pair between masters
 * (generateproxycerts.sh). A rotation rewrites them too, or a master that later re-runs the
 * script would bring the old pair back.
 */
export const PROXY_ETCD_KEYS: Readonly<Record<string, { identity: string; kind: FileKind }>> = {
  "/proxycerts/requestheader-client-ca-file": { identity: "proxy-ca", kind: "cert" },
  "/proxycerts/proxy-client-cert-file": { identity: "proxy", kind: "cert" },
  "/proxycerts/proxy-client-key-file": { identity: "proxy", kind: "key" },
};

export interface PkiOptions {
  /** RSA key size of the cluster PKI. @default 4096 (AKS Engine's DefaultPkiKeySize) */
  readonly rsaBits: number;
  /** @default 262800 (30 years of 365 days, AKS Engine's ValidityDuration) */
  readonly validityHours: number;
  /** Hours before expiry at which a preview plans a renewal. @default 0 (never) */
  readonly earlyRenewalHours: number;
}

export interface PkiPlan {
  readonly specs: readonly CertSpec[];
  readonly files: readonly NodeFile[];
  readonly kubeconfigs: readonly KubeconfigPlacement[];
}

const LEAF_USAGES: readonly KeyUsage[] = ["digitalSignature", "keyEncipherment"];
const CA_USAGES: readonly KeyUsage[] = ["certSign", "digitalSignature", "keyEncipherment"];
/** etcd certs get both because AKS Engine compares "etcdserver" with "etcdServer" and falls through. */
const ETCD_EKUS: readonly ExtKeyUsage[] = ["serverAuth", "clientAuth"];

/**
 * The API server's DNS SANs, in SetDefaultCerts + CreatePki order: the FQDN, the operator's
 * subjectAltNames, localhost, then the in-cluster names of the `kubernetes` service.
 */
export function apiServerDnsNames(cluster: ClusterModel): string[] {
  return [
    cluster.apiServerFqdn,
    ...cluster.subjectAltNames,
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    `kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    "kubernetes.kube-system",
    "kubernetes.kube-system.svc",
    `kubernetes.kube-system.svc.${CLUSTER_DOMAIN}`,
  ];
}

/**
 * The IP SANs shared by the API server and every etcd certificate, in SetDefaultCerts order:
 * master-0, 127.0.0.1, the internal load balancer, the other masters, the first service IP.
 */
export function clusterIpSans(cluster: ClusterModel): string[] {
  const [first, ...others] = cluster.masters.map((m) => m.ip!);
  return [first, "127.0.0.1", cluster.internalLbIp, ...others, cluster.firstServiceIp];
}

export function planSpecs(cluster: ClusterModel, options: PkiOptions): CertSpec[] {
  const ips = clusterIpSans(cluster);
  const common = {
    rsaBits: options.rsaBits,
    validityHours: options.validityHours,
    earlyRenewalHours: options.earlyRenewalHours,
  };
  const leaf = { ...common, isCa: false, signer: "ca" as const, keyUsages: LEAF_USAGES };
  const noSans = { dnsNames: [], ipAddresses: [] };
  const specs: CertSpec[] = [
    {
      ...common,
      ...noSans,
      identity: "ca",
      nameStem: "ca",
      purpose: "cluster CA: signs every certificate below except the front-proxy pair",
      subject: { commonName: "ca" },
      keyUsages: CA_USAGES,
      extKeyUsages: [],
      isCa: true,
      signer: "self",
    },
    {
      ...leaf,
      identity: "apiserver",
      nameStem: "apiserver",
      purpose: "kube-apiserver serving certificate; its key also signs service-account tokens",
      subject: { commonName: "apiserver" },
      dnsNames: apiServerDnsNames(cluster),
      ipAddresses: ips,
      extKeyUsages: ["serverAuth"],
    },
    {
      ...leaf,
      ...noSans,
      identity: "client",
      nameStem: "client",
      purpose:
        "kubelet, kube-proxy, controller-manager, scheduler client (/var/lib/kubelet/kubeconfig)",
      subject: { commonName: "client", organization: "system:masters" },
      extKeyUsages: ["clientAuth"],
    },
    {
      ...leaf,
      ...noSans,
      identity: "kubeconfig",
      nameStem: "kubeconfig",
      purpose: "admin kubeconfig client (only inside kubeconfigs)",
      subject: { commonName: "client", organization: "system:masters" },
      extKeyUsages: ["clientAuth"],
    },
    {
      ...leaf,
      identity: "etcdserver",
      nameStem: "etcdserver",
      purpose: "etcd client-port serving certificate",
      subject: { commonName: "etcdserver" },
      dnsNames: [],
      ipAddresses: ips,
      extKeyUsages: ETCD_EKUS,
    },
    {
      ...leaf,
      identity: "etcdclient",
      nameStem: "etcdclient",
      purpose: "kube-apiserver's (and etcdctl's) client certificate for etcd",
      subject: { commonName: "etcdclient" },
      dnsNames: [],
      ipAddresses: ips,
      extKeyUsages: ETCD_EKUS,
    },
    ...cluster.masters.map((m): CertSpec => ({
      ...leaf,
      identity: `etcdpeer${m.index}`,
      nameStem: `etcdpeer-${m.name}`,
      purpose: `etcd peer certificate of ${m.name} (server and client on port 2380)`,
      subject: { commonName: "etcdpeer" },
      dnsNames: [],
      ipAddresses: ips,
      extKeyUsages: ETCD_EKUS,
    })),
    {
      ...common,
      ...noSans,
      identity: "proxy-ca",
      nameStem: "proxy-ca",
      purpose: "front-proxy CA (--requestheader-client-ca-file)",
      subject: { commonName: "proxyClientCA" },
      keyUsages: CA_USAGES,
      extKeyUsages: [],
      isCa: true,
      signer: "self",
      rsaBits: PROXY_RSA_BITS,
    },
    {
      ...leaf,
      ...noSans,
      identity: "proxy",
      nameStem: "proxy",
      purpose:
        "front-proxy client: kube-apiserver to aggregated API servers (--proxy-client-cert-file)",
      subject: { commonName: "aggregator", organization: "system:masters" },
      extKeyUsages: ["clientAuth"],
      signer: "proxy-ca",
      rsaBits: PROXY_RSA_BITS,
    },
  ];
  return specs;
}

interface Placement {
  readonly identity: string;
  readonly kind: FileKind;
  readonly fileName: string;
  readonly owner: "root" | "etcd";
}

function place(identity: string, kind: FileKind, owner: "root" | "etcd" = "root"): Placement {
  return { identity, kind, fileName: `${identity}.${kind === "cert" ? "crt" : "key"}`, owner };
}

/** What a master holds (cse_config.sh configureSecrets/configureK8s, generateproxycerts.sh). */
function masterPlacements(master: ClusterNode): Placement[] {
  const peer = `etcdpeer${master.index}`;
  return [
    place("ca", "cert"),
    place("ca", "key"),
    place("apiserver", "cert"),
    place("apiserver", "key"),
    place("client", "cert"),
    place("client", "key"),
    place("etcdserver", "cert"),
    // etcd runs as user etcd and stops on "permission denied" for its own keys.
    place("etcdserver", "key", "etcd"),
    place("etcdclient", "cert"),
    place("etcdclient", "key"),
    // Only its own peer pair. rotate-certs installs both peer files as etcd:etcd (the first
    // provisioning leaves the .crt root-owned); we follow rotate-certs, so a rerun finds the owner it set.
    place(peer, "cert", "etcd"),
    place(peer, "key", "etcd"),
    place("proxy-ca", "cert"),
    place("proxy", "cert"),
    place("proxy", "key"),
  ];
}

/** What an agent holds: the CA certificate and the kubelet client pair, nothing secret beyond it. */
const AGENT_PLACEMENTS: readonly Placement[] = [
  place("ca", "cert"),
  place("client", "cert"),
  place("client", "key"),
];

export function planFiles(cluster: ClusterModel): NodeFile[] {
  const toFile =
    (node: ClusterNode) =>
    (p: Placement): NodeFile => ({
      node: node.name,
      role: node.role,
      path: `${CERTS_DIR}/${p.fileName}`,
      // Keys 0600, certificates 0644, as configureSecrets and rotate-certs set them.
      mode: p.kind === "key" ? "0600" : "0644",
      owner: p.owner,
      group: p.owner,
      identity: p.identity,
      kind: p.kind,
    });
  return [
    ...cluster.masters.flatMap((m) => masterPlacements(m).map(toFile(m))),
    ...cluster.agents.flatMap((a) => AGENT_PLACEMENTS.map(toFile(a))),
  ];
}

export function planKubeconfigs(cluster: ClusterModel): KubeconfigPlacement[] {
  const user = cluster.adminUsername;
  return cluster.masters.map((m) => ({
    node: m.name,
    path: `/home/${user}/.kube/config`,
    mode: "0600",
    owner: user,
    group: user,
    caIdentity: "ca",
    clientIdentity: "kubeconfig",
  }));
}

export function planPki(cluster: ClusterModel, options: PkiOptions): PkiPlan {
  return {
    specs: planSpecs(cluster, options),
    files: planFiles(cluster),
    kubeconfigs: planKubeconfigs(cluster),
  };
}

/** The files one node must hold, in table order. */
export function filesForNode(plan: PkiPlan, node: string): NodeFile[] {
  return plan.files.filter((f) => f.node === node);
}
