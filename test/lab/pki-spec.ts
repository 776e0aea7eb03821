// The identities `aks-engine deploy` generates (docs/aks-engine.md §3, pkg/helpers/pki.go),
// as data the lab's PKI is checked against.
import { KUBERNETES_SERVICE_NAMES } from "../support/aksEngineNames";

export const serverAuth = "1.3.6.1.5.5.7.3.1";
export const clientAuth = "1.3.6.1.5.5.7.3.2";

export interface IdentitySpec {
  /** certificateProfile field of apimodel.json */
  readonly field: string;
  /** subject as node's X509Certificate prints it (RDNs in DER order) */
  readonly subject: string;
  readonly eku: readonly string[];
  /** subjectAltName as node's X509Certificate prints it, "" for none */
  readonly san: string;
}

export interface ClusterFacts {
  readonly fqdn: string;
  readonly masterIPs: readonly string[];
  readonly internalLbIP: string;
  readonly serviceFirstIP: string;
}

/** SANs in AKS Engine's order: FQDN, localhost, service names; then the IP list. */
export function apiServerSan(c: ClusterFacts): string {
  const dns = [c.fqdn, ...KUBERNETES_SERVICE_NAMES].map((d) => `DNS:${d}`);
  return [...dns, ...ipSans(c)].join(", ");
}

export function ipSans(c: ClusterFacts): string[] {
  const [first, ...others] = c.masterIPs;
  return [first, "127.0.0.1", c.internalLbIP, ...others, c.serviceFirstIP].map(
    (ip) => `IP Address:${ip}`,
  );
}

export function identities(c: ClusterFacts): IdentitySpec[] {
  const etcdSan = ipSans(c).join(", ");
  const both = [serverAuth, clientAuth];
  return [
    {
      field: "apiServerCertificate",
      subject: "CN=apiserver",
      eku: [serverAuth],
      san: apiServerSan(c),
    },
    {
      field: "clientCertificate",
      subject: "O=system:masters\nCN=client",
      eku: [clientAuth],
      san: "",
    },
    {
      field: "kubeConfigCertificate",
      subject: "O=system:masters\nCN=client",
      eku: [clientAuth],
      san: "",
    },
    { field: "etcdServerCertificate", subject: "CN=etcdserver", eku: both, san: etcdSan },
    { field: "etcdClientCertificate", subject: "CN=etcdclient", eku: both, san: etcdSan },
  ];
}
