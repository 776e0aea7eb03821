// The edge: the node list read with the pinned Kubernetes client from a stand-in API server.
import assert from "node:assert/strict";
import * as path from "node:path";
import { readNodeList } from "../../../components/config";
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from "../support/fakeApiServer";
import { tempDir } from "../support/fixtures";

describe("node list read from the API server", () => {
  let dir: string;
  let cleanup: () => void;
  let api: FakeApiServer | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await api?.close();
    api = undefined;
    cleanup();
  });

  it("reads name, InternalIP, Ready and the role label of every node", async () => {
    api = await startFakeApiServer([
      {
        name: "k8s-master-12345678-0",
        internalIp: "10.240.255.5",
        ready: true,
        roleLabel: "master",
      },
      { name: "k8s-linuxpool-12345678-vmss000005", ready: false, roleLabel: "agent" },
      { name: "bare", ready: true },
    ]);
    const read = await readNodeList(writeKubeconfig(dir, api.url));
    assert.deepEqual(read, {
      ok: true,
      server: api.url,
      nodes: [
        {
          name: "k8s-master-12345678-0",
          internalIp: "10.240.255.5",
          ready: true,
          roleLabel: "master",
        },
        { name: "k8s-linuxpool-12345678-vmss000005", ready: false, roleLabel: "agent" },
        { name: "bare", ready: true },
      ],
    });
    assert.deepEqual(api.requests, ["/api/v1/nodes"]);
  });

  it("goes to the server the operator reaches, not the kubeconfig's", async () => {
    api = await startFakeApiServer([]);
    const file = writeKubeconfig(dir, "https://aks-lab.local.cloudapp.azurestack.external");
    const read = await readNodeList(file, api.url);
    assert.deepEqual(read, { ok: true, server: api.url, nodes: [] });
  });

  it("gives up on a server that does not answer, with the reason, in about the timeout", async () => {
    api = await startFakeApiServer("hang");
    const started = Date.now();
    const read = await readNodeList(writeKubeconfig(dir, api.url), undefined, 300);
    assert.deepEqual(read, { ok: false, server: api.url, reason: "no answer within 0.3 s" });
    assert.ok(Date.now() - started < 5000);
  });

  it("says so when there is no admin kubeconfig, or no server at its address", async () => {
    const missing = path.join(dir, "kubeconfig", "kubeconfig.local.json");
    assert.deepEqual(await readNodeList(missing), {
      ok: false,
      server: undefined,
      reason: `no admin kubeconfig at ${missing}`,
    });
    const refused = await readNodeList(writeKubeconfig(dir, "http://127.0.0.1:1"));
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.reason : "", /ECONNREFUSED/);
  });
});
