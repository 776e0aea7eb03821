// The cluster-side record of a rotation, written through @pulumi/kubernetes with the NEW admin
// kubeconfig from the machine running `pulumi`: a ConfigMap kube-system/aks-rotate-certs holding
// the rotation id and the new certificates' serials and fingerprints (never key material).
// Creating it proves, independently of the node-side checks, that the new admin credentials and
// the new CA work from the operator's side; an `kubectl get cm -n kube-system aks-rotate-certs`
// tells anyone which rotation a cluster carries.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CertificateSummary } from "../pki/pki";
import { withServer } from "./kubeconfigServer";

export const RECORD_NAMESPACE = "kube-system";
export const RECORD_NAME = "aks-rotate-certs";

export interface ClusterRecordArgs {
  /** The new admin kubeconfig (secret), as AKS Engine writes it. */
  readonly kubeconfig: pulumi.Input<string>;
  /**
   * Where the machine running `pulumi` reaches the API server.
   * @default - the kubeconfig's own server (the API server FQDN)
   */
  readonly server?: string;
  /**
   * Names the cluster to the provider. A CA rotation changes the kubeconfig; with a stable
   * identifier that is an update of the provider, not a replacement of everything under it.
   */
  readonly clusterIdentifier: string;
  readonly rotationId: string;
  /** identity → serial, fingerprint, notAfter of the new certificates. */
  readonly certificates: pulumi.Input<Record<string, CertificateSummary>>;
  /** Resolves once the rotation verified the cluster; the record is written only after it. */
  readonly verified: pulumi.Input<string>;
}

/** A stable text for the same certificates, whatever order the identities were issued in. */
function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export class ClusterRecord extends pulumi.ComponentResource {
  /** `<namespace>/<name>` of the record, once written. */
  readonly recorded: pulumi.Output<string>;

  constructor(name: string, args: ClusterRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-rotate-certs:index:ClusterRecord", name, {}, opts);
    // The provider checks the cluster once, when it is configured, and remembers an unreachable
    // one. Configured with the new credentials before the cluster serves the new CA, it would
    // fail later; so its kubeconfig is known only once the rotation verified the cluster.
    const kubeconfig = pulumi
      .all([args.kubeconfig, args.verified])
      .apply(([k]) => (args.server ? withServer(k, args.server) : k));
    const provider = new k8s.Provider(
      `${name}-admin`,
      {
        kubeconfig: pulumi.secret(kubeconfig),
        clusterIdentifier: args.clusterIdentifier,
        // Nothing else may change on the cluster through this provider by accident.
        deleteUnreachable: false,
      },
      { parent: this },
    );
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-configmap`,
      {
        metadata: {
          namespace: RECORD_NAMESPACE,
          name: RECORD_NAME,
          labels: { "app.kubernetes.io/managed-by": "aks-rotate-certs" },
          // A new rotation id reconfigures the provider, whose kubeconfig is unknown until the
          // rotation verified, so the engine may replace the record: the replacement then
          // applies over the previous field manager's fields instead of conflicting with them
          // (retainOnDelete keeps the old record's delete from removing the new one).
          annotations: { "pulumi.com/patchForce": "true" },
        },
        data: {
          rotationId: args.rotationId,
          certificates: pulumi
            .output(args.certificates)
            .apply((c) => JSON.stringify(sortedByKey(c), null, 2)),
          verification: args.verified,
        },
      },
      // Kept on the cluster when it leaves the program (action "rollback" drops the record's
      // resources): the credentials it was written with may be rejected by then.
      { parent: this, provider, retainOnDelete: true },
    );
    this.recorded = configMap.metadata.apply((m) => `${m.namespace}/${m.name}`);
    this.registerOutputs({ recorded: this.recorded });
  }
}
