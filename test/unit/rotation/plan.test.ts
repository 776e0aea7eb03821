// The pure parts of the rotation: install phases, reboot waves, the admin
// kubeconfig and apimodel.json with the new certificateProfile.
import * as assert from "assert";
import {
  adminKubeconfig,
  rebootWaves,
  withCertificateProfile,
  type CertificateProfile,
} from "../../../components/rotation";
import { fixtureCluster, fixtureText } from "../support/fixtures";
import { planInputFor } from "./planFacts";

describe("rotation plan", () => {
  it("installs each file in the phase that restarts its reader", () => {
    const cluster = fixtureCluster("three-masters");
    const input = planInputFor(cluster);
    const phaseOf = (role: string, path: string) => {
      const node = role === "master" ? input.masters[2] : input.agents[0];
      return node.files.find((f) => f.path === path)?.phase;
    };
    const table: [string, string, string][] = [
      ["master", "/etc/kubernetes/certs/ca.crt", "etcd"],
      ["master", "/etc/kubernetes/certs/etcdserver.key", "etcd"],
      ["master", "/etc/kubernetes/certs/etcdclient.crt", "etcd"],
      ["master", "/etc/kubernetes/certs/etcdpeer2.key", "etcd"],
      ["master", "/etc/kubernetes/certs/ca.key", "controlplane"],
      ["master", "/etc/kubernetes/certs/apiserver.key", "controlplane"],
      ["master", "/etc/kubernetes/certs/client.crt", "controlplane"],
      ["master", "/etc/kubernetes/certs/proxy.key", "controlplane"],
      ["master", "/home/azureuser/.kube/config", "kubeconfig"],
      ["agent", "/etc/kubernetes/certs/ca.crt", "kubelet"],
      ["agent", "/etc/kubernetes/certs/client.key", "kubelet"],
    ];
    for (const [role, path, phase] of table) assert.strictEqual(phaseOf(role, path), phase, path);
  });

  it("plans reboot waves per strategy, masters first", () => {
    const nodes = (w: { nodes: string[] }[]) => w.map((x) => x.nodes);
    assert.deepStrictEqual(nodes(rebootWaves(["m0", "m1"], ["a0"], "rolling")), [
      ["m0"],
      ["m1"],
      ["a0"],
    ]);
    assert.deepStrictEqual(nodes(rebootWaves(["m0", "m1"], ["a0"], "all")), [["m0", "m1", "a0"]]);
    assert.deepStrictEqual(rebootWaves(["m0"], ["a0"], "none"), []);
  });

  it("writes the admin kubeconfig as AKS Engine does", () => {
    const kc = JSON.parse(
      adminKubeconfig({
        dnsPrefix: "lab",
        server: "https://lab.local.example",
        caCertPem: "CA",
        clientCertPem: "CRT",
        clientKeyPem: "KEY",
      }),
    );
    assert.strictEqual(kc["current-context"], "lab");
    assert.deepStrictEqual(kc.contexts, [
      { context: { cluster: "lab", user: "lab-admin" }, name: "lab" },
    ]);
    assert.strictEqual(kc.clusters[0].cluster.server, "https://lab.local.example");
    assert.strictEqual(
      Buffer.from(kc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
      "CA",
    );
    assert.strictEqual(
      Buffer.from(kc.users[0].user["client-key-data"], "base64").toString(),
      "KEY",
    );
  });

  describe("apimodel.json", () => {
    const key = (n: string) =>
      `-----BEGIN RSA PRIVATE KEY-----\n${n}\n-----END RSA PRIVATE KEY-----\n`;
    const profile: CertificateProfile = {
      caCertificate: "ca",
      caPrivateKey: key("ca"),
      apiServerCertificate: "api",
      apiServerPrivateKey: key("api"),
      clientCertificate: "client",
      clientPrivateKey: key("client"),
      kubeConfigCertificate: "kc",
      kubeConfigPrivateKey: key("kc"),
      etcdServerCertificate: "es",
      etcdServerPrivateKey: key("es"),
      etcdClientCertificate: "ec",
      etcdClientPrivateKey: key("ec"),
      etcdPeerCertificates: ["p0", "p1", "p2"],
      etcdPeerPrivateKeys: [key("p0"), key("p1"), key("p2")],
    };

    it("replaces the certificateProfile and keeps every other field", () => {
      const before = JSON.parse(fixtureText("three-masters"));
      const after = JSON.parse(withCertificateProfile(fixtureText("three-masters"), profile));
      assert.deepStrictEqual(after.properties.certificateProfile, {
        ...before.properties.certificateProfile,
        ...profile,
      });
      delete before.properties.certificateProfile;
      delete after.properties.certificateProfile;
      assert.deepStrictEqual(after, before);
    });

    it("is idempotent, so a rerun writes the same text", () => {
      const once = withCertificateProfile(fixtureText("three-masters"), profile);
      assert.strictEqual(withCertificateProfile(once, profile), once);
    });

    it("refuses keys AKS Engine cannot parse (PKCS#8)", () => {
      const pkcs8 = {
        ...profile,
        caPrivateKey: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n",
      };
      assert.throws(
        () => withCertificateProfile(fixtureText("three-masters"), pkcs8),
        /must be PKCS#1/,
      );
    });
  });
});
