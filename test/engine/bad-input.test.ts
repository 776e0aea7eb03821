// The bad-input table (test/support/badInputs.ts) through the real engine: `pulumi preview` of
// the project on a temporary stack, against a temporary copy of the fixture, fails with the row's
// line first after "error: " and plans nothing but the stack itself. Needs no provider plugin:
// the program stops before registering a resource.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BAD_INPUTS, rowConfig, writeGoodOutputFolder } from "../support/badInputs";
import { ENGINE_CHOICE, PROJECT_ROOT, pulumi, pulumiOk } from "./support/engine";

const STACK = "bad-input";
/** What `pulumi` needs of the project to run the program. */
const PROJECT_FILES = [
  "index.ts",
  "components",
  "scripts",
  "Pulumi.yaml",
  "package.json",
  "tsconfig.json",
];

/** Writes the stack's config file: the salt `stack init` wrote, then `config` in the namespace. */
function writeStackConfig(project: string, salt: string, config: Record<string, string>): void {
  const lines = Object.entries(config).map(
    ([k, v]) => `  aks-rotate-certs:${k}: ${JSON.stringify(v)}`,
  );
  fs.writeFileSync(
    path.join(project, `Pulumi.${STACK}.yaml`),
    `${salt}\nconfig:\n${lines.join("\n")}\n`,
  );
}

describe("bad input through pulumi preview (npx pulumi)", function () {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let salt: string;

  before(function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-bad-input-"));
    project = path.join(work, "project");
    fs.mkdirSync(project);
    for (const f of PROJECT_FILES) {
      fs.cpSync(path.join(PROJECT_ROOT, f), path.join(project, f), { recursive: true });
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(project, "node_modules"));
    fs.mkdirSync(path.join(work, "state"));
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-bad-input-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    pulumiOk(["stack", "init", STACK, "--non-interactive"], { cwd: project, env });
    salt = fs
      .readFileSync(path.join(project, `Pulumi.${STACK}.yaml`), "utf8")
      .split("\n")
      .find((l) => l.startsWith("encryptionsalt:"))!;
    assert.ok(salt, "stack init wrote no encryptionsalt");
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
      writeStackConfig(project, salt, rowConfig(row, out));
      const r = pulumi(["preview", "--non-interactive", "--stack", STACK], { cwd: project, env });
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
