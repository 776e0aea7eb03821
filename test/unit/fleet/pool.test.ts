// Waves of K clusters and the bounded pool: each row the input and what comes out.
import assert from "node:assert/strict";
import { mapBounded, waves } from "../../../tools/fleet/pool";

describe("fleet waves", () => {
  const rows: [string[], number, string[][]][] = [
    [[], 2, []],
    [["a"], 2, [["a"]]],
    [["a", "b", "c"], 1, [["a"], ["b"], ["c"]]],
    [["a", "b", "c"], 2, [["a", "b"], ["c"]]],
    [
      ["a", "b", "c", "d"],
      2,
      [
        ["a", "b"],
        ["c", "d"],
      ],
    ],
    [["a", "b"], 5, [["a", "b"]]],
  ];
  for (const [items, k, want] of rows) {
    it(`${items.length} stacks in waves of ${k}`, () => assert.deepEqual(waves(items, k), want));
  }
});

describe("fleet mapBounded", () => {
  for (const limit of [1, 2, 3, 10]) {
    it(`never more than ${limit} at once, results in order`, async () => {
      let running = 0;
      let peak = 0;
      const got = await mapBounded([5, 1, 4, 2, 3], limit, async (ms) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, ms));
        running--;
        return ms * 10;
      });
      assert.deepEqual(got, [50, 10, 40, 20, 30]);
      assert.equal(peak, Math.min(limit, 5));
    });
  }
});
