// What the rotation writes, from the new PKI: each node's bundle of files, the admin kubeconfig,
// and apimodel.json's certificateProfile. Output plumbing only; the formats are pure elsewhere.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterModel } from "../cluster/model";
import { IDENTITIES } from "../pki/identities";
import type { FileKind, KubeconfigPlacement, NodeFile } from "../pki/specs";
import { nodeBundle, type NodeBundle, type StagedFile } from "../remote";
import { withCertificateProfile, type CertificateProfile } from "./apimodel";
import { bundleKubeconfig, replacedCaPem } from "./bundleKubeconfig";
import { adminKubeconfig } from "./kubeconfig";

/** The PKI as the rotation reads it: the content of a file (certificate PEM or secret key PEM). */
export interface RotationPki {
  content(file: { readonly identity: string; readonly kind: FileKind }): pulumi.Output<string>;
}

/** The new CA, the new admin client certificate and its key (secret). */
const adminPems = (pki: RotationPki) =>
  pulumi.all([
    pki.content({ identity: "ca", kind: "cert" }),
    pki.content({ identity: "kubeconfig", kind: "cert" }),
    pki.content({ identity: "kubeconfig", kind: "key" }),
  ]);

/** The new admin kubeconfig (secret). */
export function kubeconfigContent(pki: RotationPki, cluster: ClusterModel): pulumi.Output<string> {
  return pulumi.secret(
    adminPems(pki).apply(([ca, crt, key]) =>
      adminKubeconfig({
        dnsPrefix: cluster.dnsPrefix,
        server: cluster.kubeconfigServer,
        caCertPem: ca,
        clientCertPem: crt,
        clientKeyPem: key,
      }),
    ),
  );
}

/**
 * The staged mode's hand-out (secret): the new admin client pair with the old+new CA bundle
 * (bundleKubeconfig.ts). The old CA comes from the operator's files, never from state.
 */
export function bundleKubeconfigContent(
  pki: RotationPki,
  cluster: ClusterModel,
): pulumi.Output<string> {
  return pulumi.secret(
    adminPems(pki).apply(([ca, crt, key]) =>
      bundleKubeconfig({
        dnsPrefix: cluster.dnsPrefix,
        server: cluster.kubeconfigServer,
        oldCaPem: replacedCaPem(cluster.caPems ?? {}, ca),
        newCaPem: ca,
        clientCertPem: crt,
        clientKeyPem: key,
      }),
    ),
  );
}

/** Per node, made on first use: its certificate files and admin kubeconfig, and their digests. */
export function nodeBundles(
  pki: RotationPki,
  files: readonly NodeFile[],
  kubeconfigs: readonly KubeconfigPlacement[],
  kubeconfig: pulumi.Output<string>,
): (node: string) => NodeBundle {
  const made = new Map<string, NodeBundle>();
  return (node) => {
    let bundle = made.get(node);
    if (bundle === undefined) {
      const certFiles = files.filter((f) => f.node === node);
      const all: StagedFile[] = [...certFiles, ...kubeconfigs.filter((k) => k.node === node)];
      const content = (f: StagedFile) => {
        const nf = certFiles.find((c) => c.path === f.path);
        return nf === undefined ? kubeconfig : pki.content(nf);
      };
      bundle = nodeBundle(all, content);
      made.set(node, bundle);
    }
    return bundle;
  };
}

/**
 * apimodel.json with the certificateProfile of the new PKI (secret): every identity of the table
 * with profile fields; a per-master one as lists in master index order.
 */
export function apiModelContent(pki: RotationPki, cluster: ClusterModel): pulumi.Output<string> {
  const fields: Record<string, pulumi.Input<string | string[]>> = {};
  for (const row of IDENTITIES) {
    if (row.profile === undefined) continue;
    for (const kind of ["cert", "key"] as const) {
      const of = (identity: string) => pki.content({ identity, kind });
      fields[row.profile[kind]] = row.perMaster
        ? pulumi.all(cluster.masters.map((m) => of(`${row.id}${m.index}`)))
        : of(row.id);
    }
  }
  const profile = pulumi.output(fields) as unknown as pulumi.Output<CertificateProfile>;
  const text = cluster.sources.apiModelText;
  return pulumi.secret(profile.apply((p) => withCertificateProfile(text, p)));
}
