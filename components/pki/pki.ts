// The cluster's new PKI as @pulumi/tls resources, one key + certificate per CertSpec.
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { certificateFacts } from "../cluster/currentCertificates";
import { allowedUses } from "./allowedUses";
import type { CertSpec, FileKind, NodeFile } from "./specs";

export interface PkiArgs {
  /** The identities to issue (from `planSpecs`); the CAs must come before what they sign. */
  readonly specs: readonly CertSpec[];
  /**
   * Any label; changing it replaces every key (and so every certificate) of the set.
   * Fed to each resource's `replacementTrigger`, since a key has no input that could carry it.
   */
  readonly rotationId: pulumi.Input<string>;
}

/** Public facts of an issued certificate, safe for plain outputs. */
export interface CertificateSummary {
  readonly subject: string;
  readonly serialNumber: string;
  readonly fingerprintSha256: string;
  readonly notAfter: string;
}

/** One issued identity. `privateKeyPem` is a secret Output (PKCS#1, `BEGIN RSA PRIVATE KEY`). */
export interface IssuedCertificate {
  readonly identity: string;
  readonly certPem: pulumi.Output<string>;
  readonly privateKeyPem: pulumi.Output<string>;
  /** SHA-256 of the public key, as OpenSSH prints it; changes exactly when the key does. */
  readonly publicKeyFingerprintSha256: pulumi.Output<string>;
  readonly summary: pulumi.Output<CertificateSummary>;
}

export type IssuedCertificates = Readonly<Record<string, IssuedCertificate>>;

function summarize(certPem: pulumi.Output<string>): pulumi.Output<CertificateSummary> {
  return certPem.apply((pem) => {
    const facts = certificateFacts(pem);
    return {
      subject: facts.subject,
      serialNumber: facts.serialNumber,
      fingerprintSha256: facts.fingerprintSha256,
      notAfter: facts.notAfter,
    };
  });
}

/**
 * Registers the key and certificate resources for every spec under `parent` and returns them by
 * identity. Logical names are `<name>-<nameStem>-key|-csr|-cert`.
 */
export function issueCertificates(
  name: string,
  args: PkiArgs,
  parent: pulumi.Resource,
): IssuedCertificates {
  const issued: Record<string, IssuedCertificate> = {};
  const signers: Record<string, { key: tls.PrivateKey; cert: pulumi.Output<string> }> = {};
  const opts: pulumi.CustomResourceOptions = { parent, replacementTrigger: args.rotationId };

  for (const spec of args.specs) {
    const stem = `${name}-${spec.nameStem}`;
    const key = new tls.PrivateKey(
      `${stem}-key`,
      { algorithm: "RSA", rsaBits: spec.rsaBits },
      opts,
    );
    const subject = {
      commonName: spec.subject.commonName,
      organization: spec.subject.organization,
    };
    const common = {
      allowedUses: allowedUses(spec),
      validityPeriodHours: spec.validityHours,
      earlyRenewalHours: spec.earlyRenewalHours,
    };

    let certPem: pulumi.Output<string>;
    if (spec.signer === "self") {
      const cert = new tls.SelfSignedCert(
        `${stem}-cert`,
        {
          ...common,
          privateKeyPem: key.privateKeyPem,
          subject,
          isCaCertificate: spec.isCa,
          // Go's x509 adds a subject key id to every CA it creates; so do we.
          setSubjectKeyId: spec.isCa,
        },
        opts,
      );
      certPem = cert.certPem;
    } else {
      const signer = signers[spec.signer];
      if (signer === undefined) {
        throw new Error(`spec ${spec.identity}: signer ${spec.signer} must be issued before it`);
      }
      const csr = new tls.CertRequest(
        `${stem}-csr`,
        {
          privateKeyPem: key.privateKeyPem,
          subject,
          dnsNames: [...spec.dnsNames],
          ipAddresses: [...spec.ipAddresses],
        },
        opts,
      );
      const cert = new tls.LocallySignedCert(
        `${stem}-cert`,
        {
          ...common,
          certRequestPem: csr.certRequestPem,
          caPrivateKeyPem: signer.key.privateKeyPem,
          caCertPem: signer.cert,
          isCaCertificate: spec.isCa,
        },
        opts,
      );
      certPem = cert.certPem;
    }

    if (spec.isCa) signers[spec.identity] = { key, cert: certPem };
    issued[spec.identity] = {
      identity: spec.identity,
      certPem,
      // Already secret (the SDK lists privateKeyPem in additionalSecretOutputs); wrapping again
      // keeps it secret even if a future SDK drops that.
      privateKeyPem: pulumi.secret(key.privateKeyPem),
      publicKeyFingerprintSha256: key.publicKeyFingerprintSha256,
      summary: summarize(certPem),
    };
  }
  return issued;
}

/** The cluster's PKI: every key and certificate a rotation installs, as one component. */
export class Pki extends pulumi.ComponentResource {
  readonly certificates: IssuedCertificates;
  /** identity → serial, SHA-256 fingerprint, notAfter, subject. No key material. */
  readonly summary: pulumi.Output<Record<string, CertificateSummary>>;

  constructor(name: string, args: PkiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aks-rotate-certs:pki:Pki", name, {}, opts);
    this.certificates = issueCertificates(name, args, this);
    this.summary = pulumi
      .all(Object.values(this.certificates).map((c) => c.summary))
      .apply((rows) =>
        Object.fromEntries(Object.keys(this.certificates).map((id, i) => [id, rows[i]])),
      );
    this.registerOutputs({ summary: this.summary });
  }

  /** The content of one node file: the certificate PEM, or the (secret) private key PEM. */
  content(file: Pick<NodeFile, "identity" | "kind">): pulumi.Output<string> {
    return contentOf(this.certificates, file.identity, file.kind);
  }
}

export function contentOf(
  certificates: IssuedCertificates,
  identity: string,
  kind: FileKind,
): pulumi.Output<string> {
  const issued = certificates[identity];
  if (issued === undefined) throw new Error(`no certificate issued for identity ${identity}`);
  return kind === "key" ? issued.privateKeyPem : issued.certPem;
}
