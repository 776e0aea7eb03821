// The project's `ca.conf`: every certificate identity of an AKS Engine cluster and every file it
// becomes on a node, computed from the cluster model. Pure data, tested as a table against AKS
// Engine's generator (pkg/helpers/pki.go CreatePki, pkg/api/defaults.go SetDefaultCerts), its node
// scripts (parts/k8s/cloud-init/artifacts/cse_config.sh configureSecrets,
// generateproxycerts.sh) and rotate-certs (cmd/rotate_certs.go getFilesToDistribute).
import type { ClusterModel, ClusterNode } from "../cluster/model";
import type { NodeRole } from "../types";
import {
  fileName,
  IDENTITIES,
  type ExtKeyUsage,
  type FileKind,
  type Identity,
  type InstallPhase,
  type KeyUsage,
  type Signer,
  type Subject,
} from "./identities";

/** Where every certificate and key lives on a node. */
export const CERTS_DIR = "/etc/kubernetes/certs";

/** AKS Engine's cluster domain; SetDefaultCerts always uses the default, whatever the apimodel says. */
export const CLUSTER_DOMAIN = "cluster.local";

/** The front-proxy pair's key size: generateproxycerts.sh runs `openssl genrsa 2048`. */
export const PROXY_RSA_BITS = 2048;

export type { ExtKeyUsage, FileKind, InstallPhase, KeyUsage, Signer, Subject };

/** One certificate identity and the key pair behind it: a row of the table, made concrete. */
export interface CertSpec extends Pick<
  Identity,
  "purpose" | "subject" | "isCa" | "extKeyUsages" | "signer"
> {
  /** "ca", "apiserver", "client", "kubeconfig", "etcdserver", "etcdclient", "etcdpeer<i>", "proxy-ca", "proxy". */
  readonly identity: string;
  /**
   * Stem of the Pulumi logical names: the PKI component named "pki" registers
   * `pki-<nameStem>-key`, `-csr`, `-cert`. Per-master identities carry the node name
   * (`etcdpeer-k8s-master-12345678-1`), so a name reads as identity and node; renaming one replaces it.
   */
  readonly nameStem: string;
  /** DNS SANs in AKS Engine's order. */
  readonly dnsNames: readonly string[];
  /** IP SANs in AKS Engine's order. */
  readonly ipAddresses: readonly string[];
  readonly keyUsages: readonly KeyUsage[];
  readonly rsaBits: number;
  readonly validityHours: number;
  readonly earlyRenewalHours: number;
}

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
  /** The rotation phase that installs it. */
  readonly phase: InstallPhase;
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

/** The SANs of an identity, by its table row's rule. */
function sansOf(identity: Identity, cluster: ClusterModel) {
  switch (identity.sans) {
    case "none":
      return { dnsNames: [], ipAddresses: [] };
    case "apiserver":
      return { dnsNames: apiServerDnsNames(cluster), ipAddresses: clusterIpSans(cluster) };
    case "clusterIps":
      return { dnsNames: [], ipAddresses: clusterIpSans(cluster) };
  }
}

/** Every identity of the table as a CertSpec; per-master ones once per master, in index order. */
export function planSpecs(cluster: ClusterModel, options: PkiOptions): CertSpec[] {
  const spec = (row: Identity, master?: ClusterNode): CertSpec => ({
    identity: master === undefined ? row.id : `${row.id}${master.index}`,
    // A per-master identity's names carry the node name, so a name reads as identity and node.
    nameStem: master === undefined ? row.id : `${row.id}-${master.name}`,
    purpose: row.purpose.replace("<master>", master?.name ?? ""),
    subject: row.subject,
    ...sansOf(row, cluster),
    keyUsages: row.isCa ? CA_USAGES : LEAF_USAGES,
    extKeyUsages: row.extKeyUsages,
    isCa: row.isCa,
    signer: row.signer,
    rsaBits: row.keySize === "proxy" ? PROXY_RSA_BITS : options.rsaBits,
    validityHours: options.validityHours,
    earlyRenewalHours: options.earlyRenewalHours,
  });
  return IDENTITIES.flatMap((row) =>
    row.perMaster ? cluster.masters.map((m) => spec(row, m)) : [spec(row)],
  );
}

/** The identity a per-master row stands for on one master. */
const identityOn = (row: Identity, node: ClusterNode) =>
  row.perMaster ? `${row.id}${node.index}` : row.id;

/** The certificate and key files every node holds, from the table's placements, in table order. */
export function planFiles(cluster: ClusterModel): NodeFile[] {
  const filesOf = (node: ClusterNode): NodeFile[] =>
    IDENTITIES.flatMap((row) =>
      row.placements
        .filter((p) => p.role === node.role)
        .map((p) => ({
          node: node.name,
          role: node.role,
          path: `${CERTS_DIR}/${fileName(identityOn(row, node), p.kind)}`,
          // Keys 0600, certificates 0644, as AKS Engine's node setup and rotate-certs set them.
          mode: p.kind === "key" ? ("0600" as const) : ("0644" as const),
          owner: p.owner,
          group: p.owner,
          identity: identityOn(row, node),
          kind: p.kind,
          phase: p.phase,
        })),
    );
  return [...cluster.masters.flatMap(filesOf), ...cluster.agents.flatMap(filesOf)];
}

/** The paths of a node's files that `reader` reads (e.g. what a kubelet restart depends on). */
export function pathsReadBy(role: NodeRole, reader: string): string[] {
  return IDENTITIES.filter((row) => !row.perMaster).flatMap((row) =>
    row.placements
      .filter((p) => p.role === role && row.readers[p.kind].includes(reader))
      .map((p) => `${CERTS_DIR}/${fileName(row.id, p.kind)}`),
  );
}

/** The front-proxy files master-0 publishes in etcd (PROXY_ETCD_KEYS), as paths. */
export const PROXY_PATHS: readonly string[] = Object.values(PROXY_ETCD_KEYS).map(
  (k) => `${CERTS_DIR}/${fileName(k.identity, k.kind)}`,
);

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
