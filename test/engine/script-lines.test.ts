// A failed step's own lines first, through the real engine (components/remote/failure.ts): the
// error hook every step carries prints the script's problem lines as an error of the step, which
// the CLI shows before the step's own error with its long command line, as the run goes and in
// the step's Diagnostics.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_CHOICE, copyFixtureBesideComponents, pulumi, pulumiOk } from "./support/engine";

const FIXTURE = path.join(__dirname, "fixtures", "script-lines");
const STACK = "script-lines";
// As the fixture prints them (fixtures/script-lines/index.ts).
const PROBLEMS = [
  "preflight: k8s-master-12345678-2: /etc/kubernetes/certs/apiserver.crt expired on Jan  1 00:00:00 2020 GMT (this node's clock: Dec  1 16:40:00 2026 GMT): the rotation starts only on a cluster that works with its current certificates; if the clock is right, renew the expired certificates by hand with the cluster's CA, each keeping its key (docs/rotation.md, \"Expired certificates\"), then run pulumi up again",
  "preflight: k8s-master-12345678-2: expected file /etc/kubernetes/certs/ca.crt is missing or empty",
];

describe("a failed step's own lines first (npx pulumi)", function () {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-script-lines-"));
    fs.mkdirSync(path.join(work, "state"));
    project = copyFixtureBesideComponents(FIXTURE, work);
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-script-lines-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    pulumiOk(["stack", "init", STACK, "--non-interactive"], { cwd: project, env });
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("shows a failing preflight's problem lines before its command line, alone", function () {
    const r = pulumi(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK], {
      cwd: project,
      env,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.notEqual(r.status, 0, output);
    const lines = output.split("\n").map((l) => l.trim());
    // As the run goes: the problem line before the step's error line.
    const shown = lines.findIndex((l) => l.endsWith(`error: ${PROBLEMS[0]}`));
    const failed = lines.findIndex((l) => l.includes("error: exit status 1: running"));
    assert.ok(shown >= 0 && shown < failed, output);
    // In the Diagnostics, under the step: the problem lines as its first error, then its own.
    const group = lines.slice(lines.indexOf("command:local:Command (preflight-check):") + 1);
    assert.deepEqual(group.slice(0, 3), [`error: ${PROBLEMS[0]}`, PROBLEMS[1], group[2]], output);
    assert.match(
      group[2],
      /^error: exit status 1: running ": preflight\.sh k8s-master-12345678-2 master /,
    );
  });
});
