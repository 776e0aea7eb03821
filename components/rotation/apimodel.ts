// apimodel.json with the new certificateProfile, so a later `aks-engine upgrade` or `scale`
// signs with the new CA. Pure: text in, text out; every other field is kept as it was.
import { IDENTITIES } from "../pki/identities";

/**
 * The certificateProfile fields AKS Engine reads, named by the identity table's `profile` column:
 * PEM strings, lists of them (one per master) for per-master identities; keys PKCS#1.
 */
export type CertificateProfile = Readonly<Record<string, string | readonly string[]>>;

/** Every key field of the profile (the identity table's `profile.key`), as a list of PEMs. */
function profileKeys(profile: CertificateProfile): string[] {
  return IDENTITIES.flatMap((row) => {
    if (row.profile === undefined) return [];
    const keys = profile[row.profile.key];
    if (keys === undefined) throw new Error(`certificateProfile: no ${row.profile.key}`);
    return typeof keys === "string" ? [keys] : [...keys];
  });
}

const PKCS1 = /^-----BEGIN RSA PRIVATE KEY-----/;

export function withCertificateProfile(apiModelText: string, profile: CertificateProfile): string {
  const keys = profileKeys(profile);
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
