// index.ts with the cluster's node list read from a stand-in API server: preview lists a
// difference and goes on; up stops on it before registering anything; config nodes decides.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { InventoryReport } from "../../components/cluster";
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from "./support/fakeApiServer";
import { tempDir } from "./support/fixtures";
import { liveNodes } from "./support/liveNodes";
import { installMocks } from "./support/pulumiMocks";
import { runProgram, useOperatorPassphrase, writeOutputFolder } from "./support/program";

const S = "12345678";
const MASTERS = [0, 1, 2].map((i) => `k8s-master-${S}-${i}`);
// The three-masters fixture has linuxpool-0 and -1; the cluster has -0 and a -2 added since.
const EXISTING = [...MASTERS, `k8s-linuxpool-${S}-0`, `k8s-linuxpool-${S}-2`];

describe("index.ts with the cluster's node list", () => {
  let dir: string;
  let cleanup: () => void;
  let api: FakeApiServer;
  useOperatorPassphrase();
  before(async () => {
    ({ dir, cleanup } = tempDir());
    writeOutputFolder(dir);
    api = await startFakeApiServer(liveNodes(EXISTING));
    writeKubeconfig(dir, api.url);
  });
  after(async () => {
    await api.close();
    cleanup();
  });
  const config = (extra: Record<string, string> = {}) => ({
    apiModel: dir,
    rotationId: "1",
    sshVerifyHostKeys: "false",
    ...extra,
  });

  it("preview lists the nodes in one list only and plans the cluster's nodes", async () => {
    await installMocks(true);
    const exports = await runProgram(config());
    const report = exports.nodeInventory as InventoryReport;
    assert.deepEqual(report.inClusterOnly, [`k8s-linuxpool-${S}-2`]);
    assert.deepEqual(report.inApimodelOnly, [`k8s-linuxpool-${S}-1`]);
    assert.equal(report.readFrom, `${api.url}: 5 nodes`);
    const plan = exports.rotationPlan as Record<string, unknown>;
    assert.deepEqual(Object.keys(plan).sort(), [...EXISTING].sort());
  });

  it("up stops with one message before registering anything", async () => {
    const registrations = await installMocks(false);
    await assert.rejects(runProgram(config()), (err: Error) => {
      assert.ok(err instanceof pulumi.RunError, String(err));
      assert.equal(
        err.message,
        "node inventory: the cluster's node list and apimodel.json differ (in the cluster only: " +
          `k8s-linuxpool-${S}-2; in apimodel.json only: k8s-linuxpool-${S}-1). Nothing was touched. ` +
          "Choose the nodes to rotate: pulumi config set nodes cluster (the nodes that exist) or " +
          "pulumi config set nodes apimodel (the nodes apimodel.json lists), then run again.",
      );
      return true;
    });
    assert.deepEqual(registrations, []);
  });

  const rows: [string, string[]][] = [
    ["cluster", EXISTING],
    ["apimodel", [...MASTERS, `k8s-linuxpool-${S}-0`, `k8s-linuxpool-${S}-1`]],
  ];
  for (const [nodes, rotated] of rows) {
    it(`up with nodes=${nodes} rotates exactly ${rotated.length - 3} agents of that list`, async () => {
      await installMocks(false);
      const exports = await runProgram(config({ nodes }));
      const plan = exports.rotationPlan as Record<string, unknown>;
      assert.deepEqual(Object.keys(plan).sort(), [...rotated].sort());
      assert.equal((exports.nodeInventory as InventoryReport).source, nodes);
    });
  }
});
