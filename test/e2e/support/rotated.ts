// A completed rotation of one lab cluster, checked from outside the program: every certificate
// and key file on every node is the new one with AKS Engine's mode and owner, the API server
// serves the new certificate, the operator's new kubeconfig and apimodel.json hold the new
// credentials and every node is Ready, etcd accepts the new client certificate and refuses the
// lab's original one. The same facts rotation.test.ts checks for the single stack, for any
// cluster of the lab.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  etcdctl,
  fileFacts,
  fingerprintOf,
  kubectl,
  privateDir,
  readNodeFile,
  servedFingerprint,
  type EtcdCredentials,
} from "./cluster";
import { expectedFiles } from "./expected";
import type { Inventory, LabNode } from "./lab";
import type { CertificateSummary } from "./pulumi";

const CERTS = "/etc/kubernetes/certs";

/**
 * Every expected file on every node holds the new certificate (or the key of it, matched to the
 * certificate beside it) with AKS Engine's mode and owner. Also the single-stack e2e's check.
 */
export async function assertNodeFilesNew(
  nodes: readonly LabNode[],
  certs: Record<string, CertificateSummary>,
): Promise<void> {
  for (const n of nodes) {
    const want = expectedFiles(n);
    const facts = await fileFacts(
      n.name,
      want.map((f) => f.path),
    );
    for (const f of want) {
      const got = facts.get(f.path);
      assert.ok(got, `${n.name}: ${f.path} missing`);
      assert.equal(got.mode, f.mode, `${n.name}: ${f.path} mode`);
      assert.equal(got.owner, f.owner, `${n.name}: ${f.path} owner`);
      const cert = certs[f.identity];
      assert.ok(cert, `no certificate ${f.identity} in the stack output`);
      if (f.kind === "cert") {
        assert.equal(
          got.fingerprint,
          cert.fingerprintSha256,
          `${n.name}: ${f.path} is not the new ${f.identity}`,
        );
      } else {
        const crt =
          facts.get(f.path.replace(/\.key$/, ".crt")) ?? facts.get(`${CERTS}/${f.identity}.crt`);
        assert.ok(crt, `${n.name}: no certificate beside ${f.path}`);
        assert.equal(
          got.publicKey,
          crt.publicKey,
          `${n.name}: ${f.path} is not the key of the new ${f.identity}`,
        );
      }
    }
  }
}

/** The operator's kubeconfig and apimodel.json are the new ones; every node is Ready. */
async function assertOperatorFiles(
  inv: Inventory,
  certs: Record<string, CertificateSummary>,
  server: string,
): Promise<void> {
  const kubeconfig = path.join(inv.outputDir, "kubeconfig", "kubeconfig.local.json");
  const kc = JSON.parse(fs.readFileSync(kubeconfig, "utf8")) as {
    users: { user: { "client-certificate-data": string } }[];
  };
  const kcCert = Buffer.from(kc.users[0].user["client-certificate-data"], "base64").toString();
  assert.equal(fingerprintOf(kcCert), certs.kubeconfig.fingerprintSha256, "admin kubeconfig");
  const model = JSON.parse(fs.readFileSync(path.join(inv.outputDir, "apimodel.json"), "utf8")) as {
    properties: { certificateProfile: { caCertificate: string } };
  };
  assert.equal(
    fingerprintOf(model.properties.certificateProfile.caCertificate),
    certs.ca.fingerprintSha256,
    "apimodel.json's CA",
  );
  const nodes = await kubectl(kubeconfig, server, ["get", "nodes", "-o", "json"]);
  assert.equal(nodes.code, 0, `kubectl with the new admin kubeconfig: ${nodes.stderr}`);
  const list = JSON.parse(nodes.stdout) as {
    items: {
      metadata: { name: string };
      status: { conditions: { type: string; status: string }[] };
    }[];
  };
  const ready = list.items
    .filter((i) => i.status.conditions.some((c) => c.type === "Ready" && c.status === "True"))
    .map((i) => i.metadata.name)
    .sort();
  assert.deepEqual(ready, inv.nodes.map((n) => n.name).sort(), "Ready nodes");
}

/** etcd accepts the new client certificate (read from master 0) and refuses the lab's original. */
async function assertEtcd(inv: Inventory): Promise<void> {
  const m0 = inv.nodes.find((n) => n.role === "master" && n.index === 0);
  assert.ok(m0, "no master 0");
  const creds = privateDir("aks-e2e-fleet-etcd-");
  try {
    const fresh: EtcdCredentials = {
      ca: path.join(creds.dir, "ca.crt"),
      cert: path.join(creds.dir, "etcdclient.crt"),
      key: path.join(creds.dir, "etcdclient.key"),
    };
    for (const [file, dest] of Object.entries({
      "ca.crt": fresh.ca,
      "etcdclient.crt": fresh.cert,
      "etcdclient.key": fresh.key,
    }))
      fs.writeFileSync(dest, await readNodeFile(m0.name, `${CERTS}/${file}`), { mode: 0o600 });
    const endpoint = `https://${m0.ip}:2379`;
    const health = await etcdctl(endpoint, fresh, ["endpoint", "health", "--cluster"]);
    assert.equal(health.code, 0, `etcd with the new client certificate: ${health.stderr}`);
    const old: EtcdCredentials = {
      ca: fresh.ca,
      cert: path.join(inv.pkiDir, "etcdclient.crt"),
      key: path.join(inv.pkiDir, "etcdclient.key"),
    };
    const refused = await etcdctl(endpoint, old, ["endpoint", "health"]);
    assert.notEqual(refused.code, 0, "etcd still accepts the lab's original client certificate");
  } finally {
    creds.cleanup();
  }
}

/**
 * The rotation recorded in `certs` (the stack's `certificates` output) is what the cluster runs.
 * `server`: where the operator reaches the API server (the FQDN resolves nowhere in the lab).
 */
export async function assertClusterRotated(
  inv: Inventory,
  certs: Record<string, CertificateSummary>,
  server: string,
): Promise<void> {
  await assertNodeFilesNew(inv.nodes, certs);
  const masterIps = inv.nodes.filter((n) => n.role === "master").map((n) => n.ip);
  for (const ip of new Set([...masterIps, inv.apiServerIP]))
    assert.equal(
      await servedFingerprint(ip),
      certs.apiserver.fingerprintSha256,
      `API server at ${ip}`,
    );
  await assertOperatorFiles(inv, certs, server);
  await assertEtcd(inv);
}
