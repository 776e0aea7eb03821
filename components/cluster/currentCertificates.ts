// Reads the public facts (subject, serial, fingerprint, validity) of the certificates already in
// apimodel.json's certificateProfile, to report what a rotation replaces. Private keys in the
// profile are never read.
import { X509Certificate } from "node:crypto";
import type { CertificateFacts } from "./model";
import { IDENTITIES } from "../pki/identities";
import { JsonFields, type Json } from "./jsonFields";

/** certificateProfile field → identity, for the identities with one certificate per cluster. */
const SINGLE_CERTS: readonly (readonly [string, string])[] = IDENTITIES.filter(
  (row) => row.profile !== undefined && !row.perMaster,
).map((row) => [row.profile!.cert, row.id]);

export function certificateFacts(pem: string): CertificateFacts {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject.split("\n").join(", "),
    serialNumber: cert.serialNumber,
    fingerprintSha256: cert.fingerprint256,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

/**
 * The CA of an apimodel.json kept as a backup (`….before-rotation`), or undefined when the text is
 * absent or holds no readable CA: a hint for the pre-flight, never a problem of the input.
 */
export function backupCaFacts(text: string | undefined): CertificateFacts | undefined {
  const pem = caPemOf(text);
  if (pem === undefined) return undefined;
  try {
    return certificateFacts(pem);
  } catch {
    return undefined;
  }
}

/**
 * certificateProfile.caCertificate of an apimodel.json text, or undefined when the text is absent,
 * not JSON or has none. Public (a certificate); the profile's keys are never read.
 */
export function caPemOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const model = JSON.parse(text) as {
      properties?: { certificateProfile?: { caCertificate?: unknown } };
    };
    const pem = model.properties?.certificateProfile?.caCertificate;
    return typeof pem === "string" && pem !== "" ? pem : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Facts for every certificate present in `properties.certificateProfile`. A missing profile or
 * field is fine (nothing to report); a present field that is not a PEM certificate, or an etcd
 * peer list whose length is not the master count, is a problem.
 */
export function readCurrentCertificates(
  fields: JsonFields,
  apimodel: Json,
  masterCount: number | undefined,
): Record<string, CertificateFacts> {
  const base = "properties.certificateProfile";
  const result: Record<string, CertificateFacts> = {};
  if (fields.at(apimodel, base) === undefined) return result;

  const parse = (path: string, identity: string, value: Json | undefined): void => {
    if (value === undefined || value === null || value === "") return;
    if (typeof value !== "string") {
      fields.fail(path, "expected a PEM certificate string.");
      return;
    }
    try {
      result[identity] = certificateFacts(value);
    } catch (err) {
      fields.fail(
        path,
        `not a PEM certificate (${(err as Error).message}). Restore it from the backup apimodel.json of the deployment.`,
      );
    }
  };

  for (const [field, identity] of SINGLE_CERTS) {
    parse(`${base}.${field}`, identity, fields.at(apimodel, `${base}.${field}`));
  }

  const peerPath = `${base}.etcdPeerCertificates`;
  const peers = fields.at(apimodel, peerPath);
  if (peers === undefined || peers === null) return result;
  if (!Array.isArray(peers)) {
    fields.fail(peerPath, "expected a list of PEM certificates, one per master.");
    return result;
  }
  const list = peers as readonly Json[];
  if (masterCount !== undefined && list.length !== masterCount) {
    fields.fail(
      peerPath,
      `has ${list.length} certificates for ${masterCount} masters (properties.masterProfile.count). ` +
        "The file is inconsistent; restore it from the deployment's _output folder.",
    );
  }
  list.forEach((pem, i) => parse(`${peerPath}[${i}]`, `etcdpeer${i}`, pem));
  return result;
}
