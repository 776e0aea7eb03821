// What the rotation writes, from the new PKI: each node's bundle of files, the admin kubeconfig,
// and apimodel.json's certificateProfile. Output plumbing only; the formats are pure elsewhere.
import * as pulumi from "@pulumi/pulumi";
import type { ClusterModel } from "../cluster/model";
import type { FileKind, KubeconfigPlacement, NodeFile } from "../pki/specs";
import { nodeBundle, type NodeBundle, type StagedFile } from "../remote";
import { withCertificateProfile, type CertificateProfile } from "./apimodel";
import { adminKubeconfig } from "./kubeconfig";

/** The PKI as the rotation reads it: the content of a file (certificate PEM or secret key PEM). */
export interface RotationPki {
  content(file: { readonly identity: string; readonly kind: FileKind }): pulumi.Output<string>;
}

/** The new admin kubeconfig (secret). */
export function kubeconfigContent(pki: RotationPki, cluster: ClusterModel): pulumi.Output<string> {
  const parts = ["cert", "cert", "key"] as const;
  const ids = ["ca", "kubeconfig", "kubeconfig"];
  return pulumi.secret(
    pulumi
      .all(ids.map((identity, i) => pki.content({ identity, kind: parts[i] })))
      .apply(([ca, crt, key]) =>
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

/** apimodel.json with the certificateProfile of the new PKI (secret); etcd peers in index order. */
export function apiModelContent(pki: RotationPki, cluster: ClusterModel): pulumi.Output<string> {
  const c = (identity: string) => pki.content({ identity, kind: "cert" });
  const k = (identity: string) => pki.content({ identity, kind: "key" });
  const peers = cluster.masters.map((m) => `etcdpeer${m.index}`);
  const profile: pulumi.Output<CertificateProfile> = pulumi.output({
    caCertificate: c("ca"),
    caPrivateKey: k("ca"),
    apiServerCertificate: c("apiserver"),
    apiServerPrivateKey: k("apiserver"),
    clientCertificate: c("client"),
    clientPrivateKey: k("client"),
    kubeConfigCertificate: c("kubeconfig"),
    kubeConfigPrivateKey: k("kubeconfig"),
    etcdServerCertificate: c("etcdserver"),
    etcdServerPrivateKey: k("etcdserver"),
    etcdClientCertificate: c("etcdclient"),
    etcdClientPrivateKey: k("etcdclient"),
    etcdPeerCertificates: pulumi.all(peers.map(c)),
    etcdPeerPrivateKeys: pulumi.all(peers.map(k)),
  });
  const text = cluster.sources.apiModelText;
  return pulumi.secret(profile.apply((p) => withCertificateProfile(text, p)));
}
