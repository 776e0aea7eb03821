// The staged plan through the one creation loop (realize) under mocks: every step registered,
// each depending on what it waits for and the steps it reads, every script it names delivered.
import * as assert from "assert";
import * as fs from "node:fs";
import { SCRIPTS_DIR } from "../../../components/remote";
import { HAND_OUT_ID, planInput, planRotation, planSteps } from "../../../components/rotation";
import { fixtureCluster, fixtureDir } from "../support/fixtures";
import {
  assertRegisteredAsPlanned,
  buildGraph,
  graphArgs,
  isSecret,
  KEY_MARKER,
  plain,
  type Step,
} from "./graphMocks";

const apiModel = fixtureDir("three-masters") + "/apimodel.json";
const rollout = { rotationMode: "staged" as const };

describe("staged rotation graph (three masters, two agents)", function () {
  this.timeout(60_000);
  const cluster = fixtureCluster("three-masters");
  let g: Map<string, Step>;
  before(async () => {
    g = await buildGraph(cluster, apiModel, { rollout });
  });

  it("registers exactly the staged plan's steps, with their dependencies", () => {
    const steps = planSteps(
      planRotation(planInput(graphArgs(cluster, apiModel, { rollout })), "rotate"),
    );
    assertRegisteredAsPlanned(g, steps);
  });

  it("writes the bundle kubeconfig from a secret stdin, logging off, key only there", () => {
    const w = g.get(HAND_OUT_ID)!;
    assert.ok(isSecret(w.raw.stdin), "stdin not secret");
    assert.strictEqual(w.raw.logging, "none");
    for (const o of ["stdout", "stderr"]) assert.ok(w.additionalSecretOutputs.includes(o), o);
    const create = JSON.stringify(plain(w.raw.create));
    assert.ok(create.includes("write-file.sh"), create);
    assert.ok(create.includes("/tmp/out/kubeconfig/kubeconfig.local.bundle.json"), create);
    assert.ok(!create.includes(KEY_MARKER) && !create.includes("PRIVATE KEY"), create);
    // It carries the new admin key, and the bundle: apimodel.json's CA, then the new one.
    const kc = JSON.parse(plain(w.raw.stdin) as string);
    const b64 = (v: string) => Buffer.from(v, "base64").toString();
    assert.match(b64(kc.users[0].user["client-key-data"]), new RegExp(`${KEY_MARKER} kubeconfig`));
    const cas = b64(kc.clusters[0].cluster["certificate-authority-data"]);
    assert.ok(cas.startsWith(cluster.caPems!.apiModel!.trimEnd()), "old CA first");
    assert.ok(cas.endsWith("-----BEGIN CERTIFICATE-----\nca v1\n-----END CERTIFICATE-----\n"));
  });

  it("names only scripts that exist in scripts/remote", () => {
    const steps = planSteps(
      planRotation(planInput(graphArgs(cluster, apiModel, { rollout })), "rotate"),
    );
    for (const s of steps)
      if (s.run.kind === "script")
        assert.ok(fs.existsSync(`${SCRIPTS_DIR}/${s.run.script}`), s.run.script);
  });
});
