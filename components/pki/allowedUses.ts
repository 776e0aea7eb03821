// Spec usages → the @pulumi/tls `allowedUses` vocabulary.
import type { CertSpec, ExtKeyUsage, KeyUsage } from "./specs";

const TLS_NAMES: Readonly<Record<KeyUsage | ExtKeyUsage, string>> = {
  digitalSignature: "digital_signature",
  keyEncipherment: "key_encipherment",
  certSign: "cert_signing",
  serverAuth: "server_auth",
  clientAuth: "client_auth",
};

export function allowedUses(spec: CertSpec): string[] {
  return [...spec.keyUsages, ...spec.extKeyUsages].map((u) => TLS_NAMES[u]);
}
