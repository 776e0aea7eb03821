// `fleet up`'s report: a line per cluster's outcome and the closing line with the exit code.
import assert from "node:assert/strict";
import { outcomeLines, upSummary, type UpOutcome } from "../../../tools/fleet/upReport";

describe("fleet up report", () => {
  const ok: UpOutcome = { stack: "east", result: "rotated", changed: 3 };
  const bad: UpOutcome = {
    stack: "west",
    result: "failed",
    step: "preflight-x-check",
    log: ["etcd down"],
  };
  const skip: UpOutcome = {
    stack: "north",
    result: "skipped",
    why: "--stop-on-failure after a failure",
  };
  const cut: UpOutcome = { stack: "south", result: "interrupted" };
  const lines: [UpOutcome, string[]][] = [
    [ok, ["east: up to date at rotation r9 (3 changed)"]],
    [bad, ["west: failed at preflight-x-check", "    etcd down"]],
    [skip, ["north: skipped (--stop-on-failure after a failure)"]],
    [cut, ["south: interrupted (Ctrl-C); a rerun resumes where it stopped"]],
  ];
  for (const [o, want] of lines)
    it(`${o.result}`, () => assert.deepEqual(outcomeLines(o, "r9"), want));
  const sums: [UpOutcome[], string, number][] = [
    [[ok], "fleet up: 1 up to date, 0 failed, 0 skipped", 0],
    [[ok, bad, skip], "fleet up: 1 up to date, 1 failed, 1 skipped", 1],
    [[cut], "fleet up: 0 up to date, 0 failed, 0 skipped, 1 interrupted", 1],
    [[], "fleet up: 0 up to date, 0 failed, 0 skipped", 0],
  ];
  for (const [outcomes, line, code] of sums) {
    it(line, () => assert.deepEqual(upSummary(outcomes), { line, code }));
  }
});
