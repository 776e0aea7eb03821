// Mocha root hooks of the lab layer: whatever the files did, no lab outlives the test run.
import { lab } from "./run";
import { labIsShared, labWasTakenDown } from "./fixture";

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    if (labIsShared()) {
      const r = await lab(["down"]);
      labWasTakenDown();
      if (r.code !== 0) throw new Error(`lab down failed:\n${r.stderr}`);
    }
  },
};
