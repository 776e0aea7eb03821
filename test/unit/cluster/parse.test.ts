import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadCluster, parseCluster } from "../../../components/cluster";
import { InputError } from "../../../components/types";
import { fixtureCluster, fixtureDir, fixtureText, tempDir } from "../support/fixtures";

const DEPLOY = JSON.stringify({ parameters: { nameSuffix: { defaultValue: "12345678" } } });

/** Parses the 3-master fixture after `edit` changes it; returns the model or the problems. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reshape arbitrary apimodel JSON
function parseEdited(edit: (model: any) => void, deploy = DEPLOY): string[] {
  const model = JSON.parse(fixtureText("three-masters"));
  edit(model);
  try {
    parseCluster({
      apiModelFile: "/c/apimodel.json",
      apiModelText: JSON.stringify(model),
      azureDeployFile: "/c/azuredeploy.json",
      azureDeployText: deploy,
    });
    return [];
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return [...err.problems];
  }
}

describe("cluster model", () => {
  it("names and addresses three masters and two agents as AKS Engine does", () => {
    const c = fixtureCluster("three-masters");
    assert.equal(c.nameSuffix, "12345678");
    assert.deepEqual(
      c.masters.map((m) => [m.name, m.ip]),
      [
        ["k8s-master-12345678-0", "10.240.255.5"],
        ["k8s-master-12345678-1", "10.240.255.6"],
        ["k8s-master-12345678-2", "10.240.255.7"],
      ],
    );
    assert.deepEqual(
      c.agents.map((a) => a.name),
      ["k8s-linuxpool-12345678-0", "k8s-linuxpool-12345678-1"],
    );
    assert.equal(c.apiServerFqdn, "aks-lab.local.cloudapp.azurestack.external");
    assert.equal(c.internalLbIp, "10.240.255.15");
    assert.equal(c.internalApiServerAddress, "10.240.255.15");
    assert.equal(c.kubeconfigServer, "https://aks-lab.local.cloudapp.azurestack.external");
    assert.equal(c.firstServiceIp, "10.0.0.1");
    assert.equal(c.adminUsername, "azureuser");
  });

  it("sends agents of a single-master cluster to master-0, not to the load balancer", () => {
    const c = fixtureCluster("one-master");
    assert.equal(c.masters.length, 1);
    assert.equal(c.internalLbIp, "10.240.255.15");
    assert.equal(c.internalApiServerAddress, "10.240.255.5");
  });

  it("names scale-set instances in base 36 and points private kubeconfigs at the internal LB", () => {
    const c = fixtureCluster("five-masters");
    assert.deepEqual(
      c.masters.map((m) => m.ip),
      ["10.240.255.250", "10.240.255.251", "10.240.255.252", "10.240.255.253", "10.240.255.254"],
    );
    assert.equal(c.internalLbIp, "10.240.255.4");
    assert.equal(c.kubeconfigServer, "https://10.240.255.4");
    assert.equal(c.firstServiceIp, "10.96.0.1");
    const scaleSet = c.agentPools.find((p) => p.name === "scaleset")!;
    assert.equal(scaleSet.instanceNamesAssumed, true);
    assert.deepEqual(
      scaleSet.nodes.map((n) => n.name),
      [
        "k8s-scaleset-55555555-vmss000000",
        "k8s-scaleset-55555555-vmss000001",
        "k8s-scaleset-55555555-vmss000002",
      ],
    );
  });

  it("reads the public facts of the certificates already in certificateProfile", () => {
    const c = fixtureCluster("three-masters");
    assert.deepEqual(Object.keys(c.currentCertificates).sort(), [
      "apiserver",
      "ca",
      "etcdpeer0",
      "etcdpeer1",
      "etcdpeer2",
    ]);
    assert.equal(c.currentCertificates.apiserver.subject, "CN=apiserver");
    assert.match(c.currentCertificates.ca.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(c.currentCertificates.ca.notAfter, /^\d{4}-\d\d-\d\dT/);
  });

  describe("rejects bad input with the file, the JSON path and what to do", () => {
    it("malformed JSON", () => {
      assert.throws(
        () => parseCluster({ apiModelFile: "/c/apimodel.json", apiModelText: "{ nope" }),
        (err: InputError) =>
          /^\/c\/apimodel\.json: not valid JSON \(.+\)\. Point config apiModel at the cluster's _output\/<dnsPrefix>\/ folder or its apimodel\.json\.$/.test(
            err.message,
          ),
      );
    });

    it("a master count AKS Engine does not build", () => {
      assert.deepEqual(
        parseEdited((m) => (m.properties.masterProfile.count = 2)),
        ["/c/apimodel.json: properties.masterProfile.count: expected 1, 3 or 5 masters, got 2."],
      );
    });

    it("a bad firstConsecutiveStaticIP", () => {
      assert.deepEqual(
        parseEdited((m) => (m.properties.masterProfile.firstConsecutiveStaticIP = "10.240.255")),
        [
          '/c/apimodel.json: properties.masterProfile.firstConsecutiveStaticIP: "10.240.255" is not an IPv4 address. It is master-0\'s static IP (default 10.240.255.5).',
        ],
      );
    });

    it("missing keys, all reported at once", () => {
      const problems = parseEdited((m) => {
        delete m.properties.masterProfile.dnsPrefix;
        delete m.properties.linuxProfile;
        delete m.properties.orchestratorProfile.kubernetesConfig.serviceCidr;
      });
      const hint =
        "missing. Use the apimodel.json that aks-engine deploy wrote to _output/<dnsPrefix>/ (it has every default filled in).";
      assert.deepEqual(problems, [
        `/c/apimodel.json: properties.masterProfile.dnsPrefix: ${hint}`,
        `/c/apimodel.json: properties.linuxProfile.adminUsername: ${hint}`,
        `/c/apimodel.json: properties.orchestratorProfile.kubernetesConfig.serviceCidr: ${hint}`,
      ]);
    });

    it("a public-cloud apimodel (no customCloudProfile)", () => {
      assert.deepEqual(
        parseEdited((m) => delete m.properties.customCloudProfile),
        [
          "/c/apimodel.json: properties.customCloudProfile.environment.resourceManagerVMDNSSuffix: missing. This program rotates AKS Engine clusters on Azure Stack Hub (customCloudProfile); public-cloud apimodels put one FQDN per Azure region in the API server certificate, which it does not reproduce.",
        ],
      );
    });

    it("a service CIDR that is not a network address", () => {
      assert.deepEqual(
        parseEdited(
          (m) => (m.properties.orchestratorProfile.kubernetesConfig.serviceCidr = "10.0.5.0/16"),
        ),
        [
          '/c/apimodel.json: properties.orchestratorProfile.kubernetesConfig.serviceCidr: "10.0.5.0/16" is not a network address with room for services (e.g. 10.0.0.0/16).',
        ],
      );
    });

    it("Windows pools, scale-set masters and bad pool names", () => {
      const problems = parseEdited((m) => {
        m.properties.masterProfile.availabilityProfile = "VirtualMachineScaleSets";
        m.properties.agentPoolProfiles.push({
          name: "Win",
          count: 1,
          osType: "Windows",
          availabilityProfile: "AvailabilitySet",
        });
      });
      assert.deepEqual(problems, [
        '/c/apimodel.json: properties.masterProfile.availabilityProfile: "VirtualMachineScaleSets" is not supported: only AvailabilitySet masters are (AKS Engine dropped scale-set masters).',
        '/c/apimodel.json: properties.agentPoolProfiles[1].name: "Win" is not an AKS Engine pool name (lower-case letters and digits, 1-12, starting with a letter).',
        '/c/apimodel.json: properties.agentPoolProfiles[1].osType: "Windows" is not supported: this program rotates Linux nodes over SSH; remove Windows pools from the rotation or rotate them with aks-engine.',
      ]);
    });

    it("an etcd peer list that does not match the master count", () => {
      const problems = parseEdited((m) =>
        m.properties.certificateProfile.etcdPeerCertificates.pop(),
      );
      assert.deepEqual(problems, [
        "/c/apimodel.json: properties.certificateProfile.etcdPeerCertificates: has 2 certificates for 3 masters (properties.masterProfile.count). The file is inconsistent; restore it from the deployment's _output folder.",
      ]);
    });

    it("a certificate that is not PEM", () => {
      const problems = parseEdited(
        (m) => (m.properties.certificateProfile.caCertificate = "garbage"),
      );
      assert.equal(problems.length, 1);
      assert.match(
        problems[0],
        /^\/c\/apimodel\.json: properties\.certificateProfile\.caCertificate: not a PEM certificate \(.+\)\. Restore it from the backup apimodel\.json of the deployment\.$/,
      );
    });

    it("nameSuffix missing from azuredeploy.json", () => {
      assert.deepEqual(
        parseEdited(() => undefined, JSON.stringify({ parameters: {} })),
        [
          "/c/azuredeploy.json: parameters.nameSuffix.defaultValue: missing. It is the 8-digit cluster id in the VM names (k8s-master-<nameSuffix>-0): point config azureDeploy at the cluster's azuredeploy.json, or set config nameSuffix to it.",
        ],
      );
    });
  });

  describe("loading from disk", () => {
    it("accepts the _output folder or the apimodel.json inside it", () => {
      const fromDir = loadCluster({ apiModel: fixtureDir("one-master") });
      const fromFile = loadCluster({
        apiModel: path.join(fixtureDir("one-master"), "apimodel.json"),
      });
      assert.deepEqual(fromDir, fromFile);
    });

    it("says which file is missing and how to point at the right one", () => {
      assert.throws(() => loadCluster({ apiModel: "/nonexistent/_output/x" }), {
        message:
          "/nonexistent/_output/x: file not found. Set config apiModel to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json.",
      });
    });

    it("needs azuredeploy.json unless nameSuffix is given", () => {
      const { dir, cleanup } = tempDir();
      try {
        fs.copyFileSync(
          path.join(fixtureDir("one-master"), "apimodel.json"),
          path.join(dir, "apimodel.json"),
        );
        assert.throws(() => loadCluster({ apiModel: dir }), {
          message: `${path.join(dir, "azuredeploy.json")}: file not found. It is the 8-digit cluster id in the VM names (k8s-master-<nameSuffix>-0): point config azureDeploy at the cluster's azuredeploy.json, or set config nameSuffix to it.`,
        });
        assert.equal(
          loadCluster({ apiModel: dir, nameSuffix: "87654321" }).masters[0].name,
          "k8s-master-87654321-0",
        );
      } finally {
        cleanup();
      }
    });
  });
});
