// The batch planner: maxUnavailable as a count or a percentage of the agents (rounded down, at
// least one), agents in batches, reboot waves with masters one at a time first, for 1 and 5
// masters. Pure tables.
import assert from "node:assert/strict";
import { parseMaxUnavailable, type MaxUnavailable } from "../../../components/config";
import {
  agentBatches,
  batchSize,
  describeBatch,
  lastWaves,
  rebootWaves,
} from "../../../components/rotation";

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("batch planner", () => {
  it("reads a count or a percentage, and nothing else", () => {
    const TABLE: [string, MaxUnavailable | undefined][] = [
      ["1", { count: 1 }],
      ["20", { count: 20 }],
      [" 3 ", { count: 3 }],
      ["25%", { percent: 25 }],
      ["100%", { percent: 100 }],
      ["0", undefined],
      ["0%", undefined],
      ["101%", undefined],
      ["-1", undefined],
      ["1.5", undefined],
      ["25 %", undefined],
      ["all", undefined],
      ["", undefined],
    ];
    for (const [text, want] of TABLE) assert.deepEqual(parseMaxUnavailable(text), want, text);
  });

  it("sizes a batch: percentages round down, never below one, never above the agents", () => {
    // agents, maxUnavailable → batch size
    const TABLE: [number, MaxUnavailable, number][] = [
      [2, { percent: 25 }, 1],
      [4, { percent: 25 }, 1],
      [8, { percent: 25 }, 2],
      [20, { percent: 25 }, 5],
      [23, { percent: 25 }, 5],
      [100, { percent: 25 }, 25],
      [20, { percent: 100 }, 20],
      [3, { count: 1 }, 1],
      [3, { count: 10 }, 3],
      [0, { count: 2 }, 1],
      [0, { percent: 25 }, 1],
    ];
    for (const [agents, max, want] of TABLE) {
      assert.equal(batchSize(agents, max), want, `${agents} agents, ${JSON.stringify(max)}`);
    }
    assert.equal(describeBatch(20, { percent: 25 }), "5 agents (25% of 20)");
    assert.equal(describeBatch(3, { count: 1 }), "1 agent");
  });

  it("deals agents into consecutive batches, the last one shorter", () => {
    assert.deepEqual(agentBatches(names("a", 5), { count: 2 }), [
      ["a0", "a1"],
      ["a2", "a3"],
      ["a4"],
    ]);
    assert.deepEqual(
      agentBatches(names("a", 20), { percent: 25 }).map((b) => b.length),
      [5, 5, 5, 5],
    );
    assert.deepEqual(agentBatches([], { count: 3 }), []);
  });

  for (const masters of [1, 5]) {
    it(`reboots ${masters} master(s) one at a time, master-0 first, the agent batches beside the others`, () => {
      const m = names("m", masters);
      const waves = rebootWaves(m, names("a", 10), "rolling", { percent: 30 });
      assert.deepEqual(
        waves.slice(0, masters),
        m.map((x, i) => ({ nodes: [x], after: i === 0 ? [] : [i - 1] })),
      );
      const agents = waves.slice(masters);
      assert.deepEqual(
        agents.map((w) => w.nodes.length),
        [3, 3, 3, 1],
      );
      // The first batch waits for master-0 only, every later batch for the one before it.
      assert.deepEqual(
        agents.map((w) => w.after),
        [[0], [masters], [masters + 1], [masters + 2]],
      );
      // Done when the last master and the last batch are.
      assert.deepEqual(lastWaves(waves), masters === 1 ? [4] : [masters - 1, masters + 3]);
      assert.deepEqual(rebootWaves(m, names("a", 10), "all", { count: 1 }).length, 1);
      assert.deepEqual(rebootWaves(m, names("a", 10), "none", { count: 1 }), []);
    });
  }

  it("reboots agents of a cluster without masters in batches from the start", () => {
    const waves = rebootWaves([], names("a", 4), "rolling", { count: 2 });
    assert.deepEqual(waves, [
      { nodes: ["a0", "a1"], after: [] },
      { nodes: ["a2", "a3"], after: [0] },
    ]);
    assert.deepEqual(lastWaves(waves), [1]);
  });
});
