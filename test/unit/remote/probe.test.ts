// The SSH probe (components/remote/probe.ts): what it checks is exactly the steps' routes, and
// no step reaches a node before it passed.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { probeEnvironment } from "../../../components/remote";
import { sshPlan } from "../rotation/graphMocks";
import { fixtureCluster, tempDir } from "../support/fixtures";
import { installMocks, interceptRegistrations, type RegisterRequest } from "../support/pulumiMocks";
import { runProgram, useOperatorPassphrase, writeOutputFolder } from "../support/program";

describe("SSH probe", () => {
  const cluster = fixtureCluster("three-masters");

  it("probes the jump host, then every node by the route and pin its steps use", () => {
    const env = probeEnvironment(sshPlan(cluster));
    const [m0, m1] = cluster.masters;
    assert.equal(env.PROBE_USER, "azureuser");
    assert.equal(env.PROBE_JUMP, `${m0.ip} ssh-ed25519 AAAAjump`);
    const lines = env.PROBE_NODES.split("\n");
    assert.equal(lines.length, cluster.masters.length + cluster.agents.length);
    // master-0 is the jump host here: probed as such, not again through itself.
    assert.equal(lines[0], `${m0.name} ${m0.ip} jump`);
    assert.equal(lines[1], `${m1.name} ${m1.ip} ssh-ed25519 AAAA${m1.name}`);
    const agent = cluster.agents[0].name;
    assert.ok(lines.includes(`${agent} ${agent} ssh-ed25519 AAAA${agent}`));
    assert.equal(env.PROBE_KEY_FROM, "sshPrivateKeyPath /out/azureuser_rsa");
    assert.equal(env.PROBE_KNOWN_HOSTS, "/out/known_hosts");
    assert.equal(env.PROBE_TIMEOUT, "15");
    assert.doesNotMatch(JSON.stringify(env), /PRIVATE KEY/);
  });

  it("pins nothing when host keys are not verified", () => {
    const env = probeEnvironment({ ...sshPlan(cluster), verifyHostKeys: false });
    assert.equal(env.PROBE_JUMP, `${cluster.masters[0].ip} -`);
    assert.ok(
      env.PROBE_NODES.split("\n")
        .slice(1)
        .every((l) => l.endsWith(" -")),
    );
  });

  describe("in the program", () => {
    let dir: string;
    let cleanup: () => void;
    useOperatorPassphrase();
    before(() => {
      ({ dir, cleanup } = tempDir());
      writeOutputFolder(dir);
    });
    after(() => cleanup());

    it("runs before every remote step: each one's connection depends on it", async () => {
      await installMocks();
      const deps = new Map<string, string[]>();
      interceptRegistrations((req: RegisterRequest) =>
        deps.set(`${req.getType()} ${req.getName()}`, req.getDependenciesList()),
      );
      const exports = await runProgram({
        apiModel: dir,
        rotationId: "1",
        sshVerifyHostKeys: "false",
      });
      await new Promise<void>((resolve) =>
        (exports.rotationDone as pulumi.Output<string>).apply(() => resolve()),
      );
      const remote = [...deps].filter(([k]) => k.startsWith("command:remote:"));
      assert.ok(remote.length > 20, `only ${remote.length} remote steps`);
      for (const [name, list] of remote) {
        assert.ok(
          list.some((u) => u.endsWith("::ssh-probe")),
          `${name} does not wait for the probe`,
        );
      }
      assert.ok(deps.has("command:local:Command ssh-probe"));
    });
  });
});
