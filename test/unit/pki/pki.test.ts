import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Pki, planPki } from "../../../components/pki";
import { fixtureCluster } from "../support/fixtures";
import { installMocks, MOCK_CERT_PEM, valueOf, type Registration } from "../support/pulumiMocks";

const SPECS = planPki(fixtureCluster("three-masters"), {
  rsaBits: 4096,
  validityHours: 262800,
  earlyRenewalHours: 720,
}).specs;

async function build(rotationId: string): Promise<{ pki: Pki; registrations: Registration[] }> {
  const registrations = await installMocks();
  const pki = new Pki("pki", { specs: SPECS, rotationId });
  await valueOf(pki.summary); // every certificate registered and resolved
  return { pki, registrations };
}

const TLS = "tls:index/";
const byType = (rs: Registration[], type: string): Registration[] =>
  rs.filter((r) => r.type === `${TLS}${type}`);

describe("PKI component (mocked engine)", () => {
  let pki: Pki;
  let registrations: Registration[];
  before(async () => {
    ({ pki, registrations } = await build("1"));
  });

  it("registers a key and a certificate per identity, named by identity and node", () => {
    const names = registrations
      .filter((r) => r.type.startsWith(TLS))
      .map((r) => r.name)
      .sort();
    const expected = SPECS.flatMap((s) =>
      s.signer === "self"
        ? [`pki-${s.nameStem}-key`, `pki-${s.nameStem}-cert`]
        : [`pki-${s.nameStem}-key`, `pki-${s.nameStem}-csr`, `pki-${s.nameStem}-cert`],
    ).sort();
    assert.deepEqual(names, expected);
    assert.ok(names.includes("pki-etcdpeer-k8s-master-12345678-1-cert"));
    assert.ok(names.includes("pki-ca-key"));
  });

  it("makes RSA keys of the spec's size (4096, 2048 for the front-proxy pair)", () => {
    const bits = Object.fromEntries(
      byType(registrations, "privateKey:PrivateKey").map((r) => [r.name, r.inputs]),
    );
    assert.deepEqual(bits["pki-apiserver-key"], { algorithm: "RSA", rsaBits: 4096 });
    assert.deepEqual(bits["pki-proxy-key"], { algorithm: "RSA", rsaBits: 2048 });
    assert.deepEqual(bits["pki-proxy-ca-key"], { algorithm: "RSA", rsaBits: 2048 });
  });

  it("self-signs the two CAs and signs every leaf with its CA, with the spec's usages and lifetime", () => {
    const selfSigned = byType(registrations, "selfSignedCert:SelfSignedCert");
    assert.deepEqual(selfSigned.map((r) => r.name).sort(), ["pki-ca-cert", "pki-proxy-ca-cert"]);
    for (const r of selfSigned) {
      assert.equal(r.inputs.isCaCertificate, true);
      assert.equal(r.inputs.setSubjectKeyId, true);
      assert.deepEqual(r.inputs.allowedUses, [
        "cert_signing",
        "digital_signature",
        "key_encipherment",
      ]);
    }
    const signed = Object.fromEntries(
      byType(registrations, "locallySignedCert:LocallySignedCert").map((r) => [r.name, r.inputs]),
    );
    assert.deepEqual(signed["pki-etcdserver-cert"].allowedUses, [
      "digital_signature",
      "key_encipherment",
      "server_auth",
      "client_auth",
    ]);
    assert.equal(signed["pki-apiserver-cert"].validityPeriodHours, 262800);
    assert.equal(signed["pki-apiserver-cert"].earlyRenewalHours, 720);
    assert.equal(signed["pki-apiserver-cert"].isCaCertificate, false);
  });

  it("puts the spec's subject and SANs in each certificate request", () => {
    const csrs = Object.fromEntries(
      byType(registrations, "certRequest:CertRequest").map((r) => [r.name, r.inputs]),
    );
    const api = SPECS.find((s) => s.identity === "apiserver")!;
    assert.deepEqual(csrs["pki-apiserver-csr"].subject, { commonName: "apiserver" });
    assert.deepEqual(csrs["pki-apiserver-csr"].dnsNames, api.dnsNames);
    assert.deepEqual(csrs["pki-apiserver-csr"].ipAddresses, api.ipAddresses);
    assert.deepEqual(csrs["pki-proxy-csr"].subject, {
      commonName: "aggregator",
      organization: "system:masters",
    });
  });

  it("ties every key and certificate to the rotation id", () => {
    const tls = registrations.filter((r) => r.type.startsWith(TLS));
    // three-masters: 11 keys and certificates, 9 CSRs (all but the two self-signed CAs).
    assert.equal(tls.length, 11 + 11 + 9);
    for (const r of tls) assert.equal(r.replacementTrigger, "1", r.name);
  });

  it("replaces every key when the rotation id changes, and only the trigger differs", async () => {
    const second = await build("2");
    const keys = (rs: Registration[]) => byType(rs, "privateKey:PrivateKey");
    assert.deepEqual(
      keys(second.registrations).map((r) => [r.name, r.inputs]),
      keys(registrations).map((r) => [r.name, r.inputs]),
    );
    for (const r of keys(second.registrations)) assert.equal(r.replacementTrigger, "2", r.name);
    ({ pki, registrations } = await build("1"));
  });

  it("keeps private keys secret and out of the summary", async () => {
    for (const r of byType(registrations, "privateKey:PrivateKey")) {
      assert.ok(r.additionalSecretOutputs.includes("privateKeyPem"), r.name);
    }
    for (const [id, cert] of Object.entries(pki.certificates)) {
      assert.equal(await pulumi.isSecret(cert.privateKeyPem), true, id);
      assert.equal(await pulumi.isSecret(pki.content({ identity: id, kind: "key" })), true, id);
    }
    const summary = JSON.stringify(await valueOf(pki.summary));
    assert.doesNotMatch(summary, /PRIVATE KEY/);
  });

  it("summarizes each certificate by serial, SHA-256 fingerprint, subject and expiry", async () => {
    const summary = await valueOf(pki.summary);
    assert.deepEqual(
      Object.keys(summary),
      SPECS.map((s) => s.identity),
    );
    assert.equal(summary.apiserver.subject, "CN=apiserver");
    assert.match(summary.apiserver.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(summary.apiserver.serialNumber, /^[0-9A-F]+$/);
    assert.match(summary.apiserver.notAfter, /^\d{4}-\d\d-\d\dT/);
  });

  it("hands out file contents by identity and kind", async () => {
    assert.equal(await valueOf(pki.content({ identity: "ca", kind: "cert" })), MOCK_CERT_PEM);
    assert.match(
      await valueOf(pki.content({ identity: "etcdpeer2", kind: "key" })),
      /BEGIN RSA PRIVATE KEY/,
    );
    assert.throws(
      () => pki.content({ identity: "nope", kind: "cert" }),
      /no certificate issued for identity nope/,
    );
  });
});
