// The bad-input table (test/support/badInputs.ts) through the real engine: `pulumi preview` of
// the project on a temporary stack, against a temporary copy of the fixture, fails with the row's
// line first after "error: " and plans nothing but the stack itself. Needs no provider plugin:
// the program stops before registering a resource.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BAD_INPUTS, rowConfig, writeGoodOutputFolder } from "../support/badInputs";
import { ENGINE_CHOICE, pulumi } from "./support/engine";
import { projectStack, type ProjectStack } from "./support/project";

const STACK = "bad-input";

describe("bad input through pulumi preview (npx pulumi)", function () {
  let work: string;
  let stack: ProjectStack;

  before(function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-bad-input-"));
    stack = projectStack(work, STACK, { PULUMI_CONFIG_PASSPHRASE: "engine-bad-input-test" });
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  for (const row of BAD_INPUTS) {
    it(row.name, function () {
      const out = path.join(work, "out");
      fs.rmSync(out, { recursive: true, force: true });
      fs.mkdirSync(out);
      writeGoodOutputFolder(out);
      row.files?.(out);
      stack.setConfig(rowConfig(row, out));
      const r = pulumi(["preview", "--non-interactive", "--stack", STACK], {
        cwd: stack.project,
        env: stack.env,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.status, 1, output);
      const error = output.split("\n").find((l) => /^\s*error: /.test(l));
      assert.equal(
        error?.trim(),
        `error: invalid input: ${row.firstLine.replaceAll("<dir>", out)}`,
        output,
      );
      // Nothing planned but the stack: every resource line names pulumi:pulumi:Stack.
      const planned = output.split("\n").filter((l) => /^\s*[+~-]\s+\S+:\S+:\S+/.test(l));
      assert.deepEqual(
        planned.filter((l) => !l.includes("pulumi:pulumi:Stack")),
        [],
        output,
      );
    });
  }
});
