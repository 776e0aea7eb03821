// Every row of test/support/badInputs.ts through index.ts under mocks: the exact first line of the
// error, and that the program stops before registering any resource. No lab, no engine.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BAD_INPUTS, rowConfig, writeGoodOutputFolder } from "../../support/badInputs";
import { tempDir } from "../support/fixtures";
import { installMocks, valueOf } from "../support/pulumiMocks";
import { runProgram, useOperatorPassphrase } from "../support/program";

describe("bad input: one clear first line, nothing registered", () => {
  let dir: string;
  let cleanup: () => void;
  // As an operator's stack would, so the rows meet the input checks and nothing else.
  useOperatorPassphrase();
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    writeGoodOutputFolder(dir);
  });
  afterEach(() => cleanup());

  it("starts from a folder and config the program accepts", async () => {
    const registrations = await installMocks();
    const exports = await runProgram(rowConfig({ name: "good", firstLine: "" }, dir));
    await valueOf(exports.certificates as pulumi.Output<unknown>);
    assert.ok(registrations.length > 0);
  });

  for (const row of BAD_INPUTS) {
    it(row.name, async () => {
      row.files?.(dir);
      const registrations = await installMocks();
      await assert.rejects(runProgram(rowConfig(row, dir)), (err: Error) => {
        assert.ok(err instanceof pulumi.RunError, String(err));
        const first = err.message.split("\n")[0];
        assert.equal(first, `invalid input: ${row.firstLine.replaceAll("<dir>", dir)}`);
        return true;
      });
      assert.deepEqual(registrations, []);
    });
  }
});
