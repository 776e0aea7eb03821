// apimodel.json with the new certificateProfile, so a later `aks-engine upgrade` or `scale`
// signs with the new CA. Pure: text in, text out; every other field is kept as it was.

/** The certificateProfile fields AKS Engine reads (PEM strings; keys PKCS#1). */
export interface CertificateProfile {
  readonly caCertificate: string;
  readonly caPrivateKey: string;
  readonly apiServerCertificate: string;
  readonly apiServerPrivateKey: string;
  readonly clientCertificate: string;
  readonly clientPrivateKey: string;
  readonly kubeConfigCertificate: string;
  readonly kubeConfigPrivateKey: string;
  readonly etcdServerCertificate: string;
  readonly etcdServerPrivateKey: string;
  readonly etcdClientCertificate: string;
  readonly etcdClientPrivateKey: string;
  readonly etcdPeerCertificates: readonly string[];
  readonly etcdPeerPrivateKeys: readonly string[];
}

const PKCS1 = /^-----BEGIN RSA PRIVATE KEY-----/;

export function withCertificateProfile(apiModelText: string, profile: CertificateProfile): string {
  const keys = [
    profile.caPrivateKey,
    profile.apiServerPrivateKey,
    profile.clientPrivateKey,
    profile.kubeConfigPrivateKey,
    profile.etcdServerPrivateKey,
    profile.etcdClientPrivateKey,
    ...profile.etcdPeerPrivateKeys,
  ];
  // AKS Engine parses only PKCS#1 when it signs later (docs/aks-engine.md §1).
  if (!keys.every((k) => PKCS1.test(k))) {
    throw new Error("certificateProfile: every private key must be PKCS#1 (BEGIN RSA PRIVATE KEY)");
  }
  const model = JSON.parse(apiModelText) as { properties?: Record<string, unknown> };
  if (model.properties === undefined) throw new Error("apimodel.json: no properties");
  const current = (model.properties.certificateProfile ?? {}) as Record<string, unknown>;
  model.properties.certificateProfile = { ...current, ...profile };
  // Keep the file's own indentation, so the diff against the backup is the profile alone.
  const indent = /\n( +|\t+)"/.exec(apiModelText)?.[1] ?? "  ";
  return JSON.stringify(model, null, indent) + "\n";
}
