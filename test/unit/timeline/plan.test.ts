// The rotation's own step names on the chart: every step of the plan (rotate, finalize, rollback;
// 1, 3 and 5 masters) lands on the row of the node its name is about, or on "local", and every
// phase has a colour of its own, stable from run to run.
import assert from "node:assert/strict";
import { planRotation, planSteps, type PlanMode } from "../../../components/rotation";
import { orderRows, place } from "../../../tools/timeline/rows";
import { FIXED_PHASES } from "../../../tools/timeline/svg";
import { fixtureCluster, type FixtureName } from "../support/fixtures";
import { planInputFor } from "../rotation/planFacts";

function steps(shape: FixtureName, mode: PlanMode) {
  const cluster = fixtureCluster(shape);
  const input = planInputFor(cluster);
  return { input, steps: planSteps(planRotation(input, mode)) };
}

const typeOf = (node: string) =>
  node === "local" ? "command:local:Command" : "command:remote:Command";

describe("timeline rows of the rotation's steps", () => {
  for (const shape of ["one-master", "three-masters", "five-masters"] as const) {
    for (const mode of ["rotate", "finalize", "rollback"] as const) {
      it(`${shape}, ${mode}: each step on its node's row, each phase coloured`, () => {
        const { input, steps: plan } = steps(shape, mode);
        const nodes = [...input.masters, ...input.agents].map((n) => n.name);
        const rows = new Set<string>();
        for (const s of plan) {
          const p = place(`urn:pulumi:s::p::x$${typeOf(s.node)}::${s.id}`, typeOf(s.node));
          assert.ok(p !== undefined, s.id);
          rows.add(p.row);
          // `kubelet-<agent>-ready` polls from master-0: drawn on the node it waits for.
          if (!/ready$/.test(s.id)) assert.equal(p.row, s.node, s.id);
          assert.ok([...nodes, "local"].includes(p.row), `${s.id}: row ${p.row}`);
          assert.ok(FIXED_PHASES.includes(p.phase), `${s.id}: phase ${p.phase} has no colour`);
        }
        assert.deepEqual(orderRows(rows), [...nodes, "local"]);
      });
    }
  }
});
