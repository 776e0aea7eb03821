import assert from "node:assert/strict";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LAB_PASSPHRASE } from "../../components/config";
import { tempDir } from "./support/fixtures";
import { installMocks, valueOf } from "./support/pulumiMocks";
import {
  FAKE_SSH_KEY as KEY,
  OPERATOR_PASSPHRASE,
  runProgram,
  useOperatorPassphrase,
  writeOutputFolder,
} from "./support/program";

/** Stack outputs of every action (README, tools/rotate.sh and test/e2e read them by name). */
const COMMON_OUTPUTS = [
  "certificates",
  "nodeInventory",
  "clusterSummary",
  "pluginSets",
  "previousCertificates",
  "rotationId",
];
const ROTATE_OUTPUTS = ["barePods", "clusterRecord", "kubeconfig", "rotationDone", "rotationPlan"];

describe("index.ts (the program)", () => {
  let dir: string;
  let cleanup: () => void;
  useOperatorPassphrase();
  before(() => {
    ({ dir, cleanup } = tempDir());
    writeOutputFolder(dir);
  });
  after(() => cleanup());

  it("exports the new certificate table by identity, without key material", async () => {
    await installMocks();
    const exports = await runProgram({
      apiModel: dir,
      rotationId: "1",
      sshVerifyHostKeys: "false",
    });
    const table = await valueOf(exports.certificates as pulumi.Output<Record<string, unknown>>);
    assert.deepEqual(Object.keys(table), [
      "ca",
      "apiserver",
      "client",
      "kubeconfig",
      "etcdserver",
      "etcdclient",
      "etcdpeer0",
      "etcdpeer1",
      "etcdpeer2",
      "proxy-ca",
      "proxy",
    ]);
    assert.doesNotMatch(JSON.stringify(table), /PRIVATE KEY/);
    assert.deepEqual(Object.keys(exports.previousCertificates as object).sort(), [
      "apiserver",
      "ca",
      "etcdpeer0",
      "etcdpeer1",
      "etcdpeer2",
    ]);
  });

  it("refuses a cluster the lab did not make under the lab's passphrase, before registering anything", async () => {
    const registrations = await installMocks();
    process.env.PULUMI_CONFIG_PASSPHRASE = LAB_PASSPHRASE;
    try {
      await assert.rejects(
        runProgram({ apiModel: dir, rotationId: "1", sshVerifyHostKeys: "false" }),
        (err: Error) =>
          err instanceof pulumi.RunError &&
          err.message.startsWith(
            `stack "unit" is not the lab's (no .aks-lab in ${dir}), yet its keys would be encrypted with the lab's public passphrase: `,
          ),
      );
      assert.deepEqual(registrations, []);
    } finally {
      process.env.PULUMI_CONFIG_PASSPHRASE = OPERATOR_PASSPHRASE;
    }
  });

  it("accepts the SSH key as an encrypted stack value and refuses it in plain text", async () => {
    const config = {
      apiModel: dir,
      rotationId: "1",
      sshVerifyHostKeys: "false",
      sshPrivateKey: KEY,
    };
    await installMocks();
    await runProgram(config, ["sshPrivateKey"]);
    await assert.rejects(runProgram(config), /config sshPrivateKey: is stored in plain text/);
  });

  it("builds the rotation and the cluster record by default, and only the rollback with action rollback", async () => {
    const kinds = (regs: { type: string }[]) =>
      new Set(regs.map((r) => r.type).filter((t) => t.startsWith("aks-rotate-certs:")));
    const config = { apiModel: dir, rotationId: "1", sshVerifyHostKeys: "false" };

    let registrations = await installMocks();
    let exports = await runProgram(config);
    await valueOf(exports.certificates as pulumi.Output<unknown>);
    assert.ok(kinds(registrations).has("aks-rotate-certs:rotation:Rotation"));
    assert.ok(kinds(registrations).has("aks-rotate-certs:index:ClusterRecord"));
    assert.ok(!kinds(registrations).has("aks-rotate-certs:rotation:Rollback"));
    // Exactly the outputs this action produces, none undefined (the SDK warns about each).
    assert.deepEqual(Object.keys(exports).sort(), [...COMMON_OUTPUTS, ...ROTATE_OUTPUTS].sort());
    assert.ok(Object.values(exports).every((v) => v !== undefined));

    registrations = await installMocks();
    exports = await runProgram({ ...config, action: "rollback" });
    await valueOf(exports.certificates as pulumi.Output<unknown>);
    assert.ok(kinds(registrations).has("aks-rotate-certs:rotation:Rollback"));
    assert.ok(!kinds(registrations).has("aks-rotate-certs:rotation:Rotation"));
    assert.ok(!kinds(registrations).has("aks-rotate-certs:index:ClusterRecord"));
    // The new PKI stays registered, so going back to "rotate" reuses the same certificates.
    assert.ok(registrations.some((r) => r.type === "tls:index/privateKey:PrivateKey"));
    assert.deepEqual(Object.keys(exports).sort(), [...COMMON_OUTPUTS, "rollbackDone"].sort());
    assert.ok(Object.values(exports).every((v) => v !== undefined));
  });

  it("keeps the rotation and adds finalize with action finalize, its plan a plain output", async () => {
    const registrations = await installMocks();
    const exports = await runProgram({
      apiModel: dir,
      rotationId: "1",
      sshVerifyHostKeys: "false",
      action: "finalize",
    });
    assert.match(
      await valueOf(exports.finalizeDone as pulumi.Output<string>),
      /^rotation 1 finalized/,
    );
    const names = registrations.map((r) => r.name);
    assert.ok(names.includes("persist-local-apimodel"), "the rotation's graph is gone");
    assert.ok(names.some((n) => /^finalize-k8s-master-\d+-0-backup$/.test(n)));
    const plan = exports.finalizePlan as Record<string, string[]>;
    assert.deepEqual(plan.local, [
      path.join(dir, "apimodel.json.before-rotation"),
      path.join(dir, "kubeconfig", "kubeconfig.local.json.before-rotation"),
    ]);
    assert.equal(exports.rollbackDone, undefined);
  });
});
