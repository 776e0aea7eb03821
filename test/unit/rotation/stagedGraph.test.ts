// The staged plan through the one creation loop (realize) under mocks: every step registered,
// each depending on what it waits for and the steps it reads, every script it names delivered.
import * as assert from "assert";
import * as fs from "node:fs";
import { SCRIPTS_DIR } from "../../../components/remote";
import { planInput, planRotation, planSteps } from "../../../components/rotation";
import { fixtureCluster, fixtureDir } from "../support/fixtures";
import { assertRegisteredAsPlanned, buildGraph, graphArgs, type Step } from "./graphMocks";

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

  it("names only scripts that exist in scripts/remote", () => {
    const steps = planSteps(
      planRotation(planInput(graphArgs(cluster, apiModel, { rollout })), "rotate"),
    );
    for (const s of steps)
      if (s.run.kind === "script")
        assert.ok(fs.existsSync(`${SCRIPTS_DIR}/${s.run.script}`), s.run.script);
  });
});
