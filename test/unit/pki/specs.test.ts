import assert from "node:assert/strict";
import { filesForNode, planPki, type CertSpec, type PkiPlan } from "../../../components/pki";
import { KUBERNETES_SERVICE_NAMES } from "../../support/aksEngineNames";
import { fixtureCluster, type FixtureName } from "../support/fixtures";

const OPTIONS = { rsaBits: 4096, validityHours: 262800, earlyRenewalHours: 0 };

function plan(name: FixtureName): PkiPlan {
  return planPki(fixtureCluster(name), OPTIONS);
}

function spec(p: PkiPlan, identity: string): CertSpec {
  const found = p.specs.find((s) => s.identity === identity);
  assert.ok(found, `no spec for ${identity}`);
  return found;
}

/** Expected IP SANs by master count, straight from SetDefaultCerts' order. */
const IP_SANS: Record<FixtureName, string[]> = {
  "one-master": ["10.240.255.5", "127.0.0.1", "10.240.255.15", "10.0.0.1"],
  "three-masters": [
    "10.240.255.5",
    "127.0.0.1",
    "10.240.255.15",
    "10.240.255.6",
    "10.240.255.7",
    "10.0.0.1",
  ],
  "five-masters": [
    "10.240.255.250",
    "127.0.0.1",
    "10.240.255.4",
    "10.240.255.251",
    "10.240.255.252",
    "10.240.255.253",
    "10.240.255.254",
    "10.96.0.1",
  ],
};

describe("certificate specs (the project's ca.conf)", () => {
  for (const name of ["one-master", "three-masters", "five-masters"] as const) {
    describe(name, () => {
      const p = plan(name);
      const cluster = fixtureCluster(name);
      const masters = cluster.masters.length;

      it("issues ca, apiserver, client, kubeconfig, etcd server/client, one etcd peer per master and the front-proxy pair", () => {
        assert.deepEqual(
          p.specs.map((s) => s.identity),
          [
            "ca",
            "apiserver",
            "client",
            "kubeconfig",
            "etcdserver",
            "etcdclient",
            ...Array.from({ length: masters }, (_, i) => `etcdpeer${i}`),
            "proxy-ca",
            "proxy",
          ],
        );
      });

      it("lists the API server's SANs in AKS Engine's order", () => {
        const api = spec(p, "apiserver");
        assert.deepEqual(api.dnsNames, [
          cluster.apiServerFqdn,
          ...cluster.subjectAltNames,
          ...KUBERNETES_SERVICE_NAMES,
        ]);
        assert.deepEqual(api.ipAddresses, IP_SANS[name]);
      });

      it("gives every etcd certificate the same IPs, no DNS names, and both server and client auth", () => {
        for (const s of p.specs.filter((x) => x.identity.startsWith("etcd"))) {
          assert.deepEqual(s.ipAddresses, IP_SANS[name], s.identity);
          assert.deepEqual(s.dnsNames, [], s.identity);
          assert.deepEqual(s.extKeyUsages, ["serverAuth", "clientAuth"], s.identity);
        }
      });

      it("names each etcd peer after its master and gives all of them CN=etcdpeer", () => {
        cluster.masters.forEach((m, i) => {
          const peer = spec(p, `etcdpeer${i}`);
          assert.equal(peer.nameStem, `etcdpeer-${m.name}`);
          assert.deepEqual(peer.subject, { commonName: "etcdpeer" });
        });
      });

      it("writes each master's own etcd peer pair only, owned by etcd", () => {
        cluster.masters.forEach((m, i) => {
          const peers = filesForNode(p, m.name).filter((f) => f.identity.startsWith("etcdpeer"));
          assert.deepEqual(
            peers.map((f) => [f.path, f.mode, f.owner, f.group]),
            [
              [`/etc/kubernetes/certs/etcdpeer${i}.crt`, "0644", "etcd", "etcd"],
              [`/etc/kubernetes/certs/etcdpeer${i}.key`, "0600", "etcd", "etcd"],
            ],
          );
        });
      });

      it("gives agents the CA certificate and the client pair, and nothing else", () => {
        for (const a of cluster.agents) {
          assert.deepEqual(
            filesForNode(p, a.name).map((f) => [f.path, f.mode, f.owner, f.identity, f.kind]),
            [
              ["/etc/kubernetes/certs/ca.crt", "0644", "root", "ca", "cert"],
              ["/etc/kubernetes/certs/client.crt", "0644", "root", "client", "cert"],
              ["/etc/kubernetes/certs/client.key", "0600", "root", "client", "key"],
            ],
          );
        }
      });

      it("places 15 files on every master and 3 on every agent", () => {
        assert.equal(p.files.length, 15 * masters + 3 * cluster.agents.length);
      });

      it("puts the admin kubeconfig in each master's admin home, mode 0600", () => {
        assert.deepEqual(
          p.kubeconfigs.map((k) => [k.node, k.path, k.mode, k.owner]),
          cluster.masters.map((m) => [m.name, "/home/azureuser/.kube/config", "0600", "azureuser"]),
        );
      });
    });
  }

  describe("every identity, as AKS Engine's generator shapes it", () => {
    const p = plan("three-masters");
    const table = p.specs.map((s) => ({
      identity: s.identity,
      subject: s.subject,
      keyUsages: s.keyUsages,
      extKeyUsages: s.extKeyUsages,
      isCa: s.isCa,
      signer: s.signer,
      rsaBits: s.rsaBits,
    }));
    const leaf = {
      keyUsages: ["digitalSignature", "keyEncipherment"],
      isCa: false,
      signer: "ca",
      rsaBits: 4096,
    };
    const etcd = { ...leaf, extKeyUsages: ["serverAuth", "clientAuth"] };
    const ca = {
      keyUsages: ["certSign", "digitalSignature", "keyEncipherment"],
      extKeyUsages: [],
      isCa: true,
      signer: "self",
    };

    it("matches the table of subjects, usages and signers", () => {
      assert.deepEqual(table, [
        { identity: "ca", subject: { commonName: "ca" }, ...ca, rsaBits: 4096 },
        {
          identity: "apiserver",
          subject: { commonName: "apiserver" },
          ...leaf,
          extKeyUsages: ["serverAuth"],
        },
        {
          identity: "client",
          subject: { commonName: "client", organization: "system:masters" },
          ...leaf,
          extKeyUsages: ["clientAuth"],
        },
        {
          identity: "kubeconfig",
          subject: { commonName: "client", organization: "system:masters" },
          ...leaf,
          extKeyUsages: ["clientAuth"],
        },
        { identity: "etcdserver", subject: { commonName: "etcdserver" }, ...etcd },
        { identity: "etcdclient", subject: { commonName: "etcdclient" }, ...etcd },
        { identity: "etcdpeer0", subject: { commonName: "etcdpeer" }, ...etcd },
        { identity: "etcdpeer1", subject: { commonName: "etcdpeer" }, ...etcd },
        { identity: "etcdpeer2", subject: { commonName: "etcdpeer" }, ...etcd },
        { identity: "proxy-ca", subject: { commonName: "proxyClientCA" }, ...ca, rsaBits: 2048 },
        {
          identity: "proxy",
          subject: { commonName: "aggregator", organization: "system:masters" },
          ...leaf,
          extKeyUsages: ["clientAuth"],
          signer: "proxy-ca",
          rsaBits: 2048,
        },
      ]);
    });

    it("gives every certificate the configured validity and early renewal", () => {
      const p2 = planPki(fixtureCluster("one-master"), {
        rsaBits: 2048,
        validityHours: 100,
        earlyRenewalHours: 10,
      });
      for (const s of p2.specs) {
        assert.equal(s.validityHours, 100, s.identity);
        assert.equal(s.earlyRenewalHours, 10, s.identity);
      }
    });

    it("writes master-0's files with AKS Engine's paths, modes and owners", () => {
      assert.deepEqual(
        filesForNode(p, "k8s-master-12345678-0").map(
          (f) => `${f.path} ${f.mode} ${f.owner}:${f.group}`,
        ),
        [
          "/etc/kubernetes/certs/ca.crt 0644 root:root",
          "/etc/kubernetes/certs/ca.key 0600 root:root",
          "/etc/kubernetes/certs/apiserver.crt 0644 root:root",
          "/etc/kubernetes/certs/apiserver.key 0600 root:root",
          "/etc/kubernetes/certs/client.crt 0644 root:root",
          "/etc/kubernetes/certs/client.key 0600 root:root",
          "/etc/kubernetes/certs/etcdserver.crt 0644 root:root",
          "/etc/kubernetes/certs/etcdserver.key 0600 etcd:etcd",
          "/etc/kubernetes/certs/etcdclient.crt 0644 root:root",
          "/etc/kubernetes/certs/etcdclient.key 0600 root:root",
          "/etc/kubernetes/certs/etcdpeer0.crt 0644 etcd:etcd",
          "/etc/kubernetes/certs/etcdpeer0.key 0600 etcd:etcd",
          "/etc/kubernetes/certs/proxy-ca.crt 0644 root:root",
          "/etc/kubernetes/certs/proxy.crt 0644 root:root",
          "/etc/kubernetes/certs/proxy.key 0600 root:root",
        ],
      );
    });

    it("never puts the kubeconfig identity or a CA key on an agent", () => {
      const agentFiles = p.files.filter((f) => f.role === "agent");
      // ca.crt, client.crt and client.key on each of the three-masters fixture's 2 agents.
      assert.equal(agentFiles.length, 2 * 3);
      assert.ok(
        agentFiles.every(
          (f) => f.identity !== "kubeconfig" && !(f.identity === "ca" && f.kind === "key"),
        ),
      );
    });
  });
});
