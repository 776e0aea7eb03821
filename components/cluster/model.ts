// The cluster as the rotation meets it: everything later steps need, derived once from
// apimodel.json and azuredeploy.json. Plain data; no Pulumi types.
import type { NodeRole } from "../types";

/** One VM of the cluster. VM name = node name = the host name reached through the jump host. */
export interface ClusterNode {
  readonly name: string;
  readonly role: NodeRole;
  /** Master index (0-based), or the instance index within the agent's pool. */
  readonly index: number;
  /** Static IP for masters; undefined for agents (AKS Engine gives agents dynamic addresses). */
  readonly ip?: string;
  /** Agent pool name; undefined for masters. */
  readonly pool?: string;
}

export type AvailabilityProfile = "AvailabilitySet" | "VirtualMachineScaleSets";

export interface AgentPool {
  readonly name: string;
  readonly count: number;
  readonly availabilityProfile: AvailabilityProfile;
  /**
   * True for scale-set pools: instance names are `<prefix><base-36 instance id, 6 digits>` and
   * apimodel.json does not record which instance ids exist; the model assumes 0..count-1, which
   * holds for a pool never scaled in. False once the cluster's node list replaced them
   * (components/cluster/inventory.ts).
   */
  readonly instanceNamesAssumed: boolean;
  /** Scale-set pools: the instance names' prefix (`k8s-<pool>-<nameSuffix>-vmss` or vmssName). */
  readonly scaleSetPrefix?: string;
  readonly nodes: readonly ClusterNode[];
}

/** Facts about a certificate already in apimodel.json's certificateProfile (public parts only). */
export interface CertificateFacts {
  readonly subject: string;
  readonly serialNumber: string;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex (as openssl prints it). */
  readonly fingerprintSha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface ClusterModel {
  /** The files the model was read from (absolute paths). */
  readonly sources: {
    readonly apiModel: string;
    /** apimodel.json as read (once): the rotation rewrites its certificateProfile from it. */
    readonly apiModelText: string;
    readonly azureDeploy?: string;
  };
  readonly location: string;
  readonly dnsPrefix: string;
  /** The 8-digit cluster id in every VM name (azuredeploy.json parameters.nameSuffix). */
  readonly nameSuffix: string;
  readonly adminUsername: string;
  /** `<dnsPrefix>.<location>.<resourceManagerVMDNSSuffix>`. */
  readonly apiServerFqdn: string;
  readonly customCloudName: string;
  /** masterProfile.subjectAltNames, in order. */
  readonly subjectAltNames: readonly string[];
  readonly masters: readonly ClusterNode[];
  readonly agentPools: readonly AgentPool[];
  /** Every agent of every pool, pool order then index order. */
  readonly agents: readonly ClusterNode[];
  /** firstConsecutiveStaticIP + 10 on the last octet: the internal load balancer. */
  readonly internalLbIp: string;
  /** Where agents and in-cluster clients reach the API: the internal LB (multi-master) or master-0. */
  readonly internalApiServerAddress: string;
  readonly privateCluster: boolean;
  /** The admin kubeconfig's server URL: FQDN, or the internal address for private clusters. */
  readonly kubeconfigServer: string;
  readonly serviceCidr: string;
  /** First address of serviceCidr: the `kubernetes` service's cluster IP (10.0.0.1). */
  readonly firstServiceIp: string;
  /** The certificates in apimodel.json today, by identity (`ca`, `apiserver`, `etcdpeer1`, …). */
  readonly currentCertificates: Readonly<Record<string, CertificateFacts>>;
  /**
   * The CA in `apimodel.json.before-rotation`, the copy of apimodel.json the last rotation
   * replaced when it persisted its own (write-file.sh); undefined when there is no such file or
   * no readable CA in it. Only the pre-flight CA check reads it (docs/rotation.md).
   */
  readonly replacedCa?: CertificateFacts;
  /**
   * The CA certificates (PEM) of apimodel.json and of its `….before-rotation` copy: the old CA
   * of the staged mode's bundle kubeconfig (components/rotation/bundleKubeconfig.ts).
   * @default - none known (a model built without its files)
   */
  readonly caPems?: { readonly apiModel?: string; readonly replaced?: string };
}
