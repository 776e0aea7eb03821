// The admin kubeconfig as AKS Engine writes it (pkg/engine GenerateKubeConfig): JSON, cluster,
// context and user named after the dnsPrefix, PEMs embedded as base64 data. Pure.

export interface AdminKubeconfigInput {
  readonly dnsPrefix: string;
  /** The admin kubeconfig's server URL (the FQDN; the internal address for private clusters). */
  readonly server: string;
  readonly caCertPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

export function adminKubeconfig(input: AdminKubeconfigInput): string {
  const name = input.dnsPrefix;
  const user = `${name}-admin`;
  const config = {
    apiVersion: "v1",
    clusters: [
      {
        cluster: { "certificate-authority-data": b64(input.caCertPem), server: input.server },
        name,
      },
    ],
    contexts: [{ context: { cluster: name, user }, name }],
    "current-context": name,
    kind: "Config",
    users: [
      {
        name: user,
        user: {
          "client-certificate-data": b64(input.clientCertPem),
          "client-key-data": b64(input.clientKeyPem),
        },
      },
    ],
  };
  return JSON.stringify(config, null, 4) + "\n";
}
