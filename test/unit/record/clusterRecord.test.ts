import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ClusterRecord, withServer } from "../../../components/record";
import { installMocks, valueOf, type Registration } from "../support/pulumiMocks";

const KUBECONFIG = JSON.stringify({
  apiVersion: "v1",
  clusters: [
    { cluster: { server: "https://aks.local.cloudapp.azurestack.external" }, name: "aks" },
  ],
  users: [{ name: "aks-admin", user: { "client-key-data": "c2VjcmV0" } }],
});
const SUMMARY = {
  ca: { subject: "CN=ca", serialNumber: "01", fingerprintSha256: "aa", notAfter: "2056" },
  apiserver: {
    subject: "CN=apiserver",
    serialNumber: "02",
    fingerprintSha256: "bb",
    notAfter: "2056",
  },
};

describe("the cluster record (@pulumi/kubernetes)", () => {
  let registrations: Registration[];
  let record: ClusterRecord;

  before(async () => {
    registrations = await installMocks();
    record = new ClusterRecord("record", {
      kubeconfig: pulumi.secret(KUBECONFIG),
      server: "https://10.240.255.15",
      clusterIdentifier: "aks",
      rotationId: "7",
      certificates: SUMMARY,
      verified: pulumi.output("verified and persisted"),
    });
    await valueOf(record.recorded);
  });

  const find = (type: string) => {
    const r = registrations.find((x) => x.type === type);
    assert.ok(r, `no ${type} registered`);
    return r;
  };

  it("talks to the cluster through a provider with a stable identity, the given server and a secret kubeconfig", () => {
    const provider = find("pulumi:providers:kubernetes");
    assert.equal(provider.inputs.clusterIdentifier, "aks");
    // A secret reaches the engine wrapped with Pulumi's secret signature: never in plain state.
    const wrapped = provider.inputs.kubeconfig as Record<string, string>;
    assert.equal(wrapped["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    const kubeconfig = JSON.parse(wrapped.value) as {
      clusters: { cluster: { server: string } }[];
    };
    assert.equal(kubeconfig.clusters[0].cluster.server, "https://10.240.255.15");
  });

  it("writes kube-system/aks-rotate-certs with the rotation id and certificate facts, no keys", async () => {
    const cm = find("kubernetes:core/v1:ConfigMap");
    const metadata = cm.inputs.metadata as { namespace: string; name: string };
    assert.deepEqual([metadata.namespace, metadata.name], ["kube-system", "aks-rotate-certs"]);
    const data = cm.inputs.data as Record<string, string>;
    assert.equal(data.rotationId, "7");
    assert.equal(data.verification, "verified and persisted");
    assert.deepEqual(Object.keys(JSON.parse(data.certificates)), ["apiserver", "ca"]);
    assert.equal(JSON.parse(data.certificates).ca.serialNumber, "01");
    assert.doesNotMatch(JSON.stringify(cm.inputs), /PRIVATE KEY|client-key-data/);
    assert.equal(await valueOf(record.recorded), "kube-system/aks-rotate-certs");
  });

  it("refuses a server that is not https://host[:port]", () => {
    assert.throws(() => withServer(KUBECONFIG, "http://x"), /https:\/\/<host>\[:<port>\]/);
    assert.throws(() => withServer(KUBECONFIG, "https://x/path"), /https:\/\/<host>/);
    assert.match(withServer(KUBECONFIG, "https://x:6443"), /"server": "https:\/\/x:6443"/);
  });
});
