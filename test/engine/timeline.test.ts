// The timeline on the real engine: tools/timeline/up.sh takes the timeline fixture program
// (local commands named like the rotation's steps, a tls key) through `pulumi up --json`, keeps
// its events with no key in them, and draws the timeline with its critical path; a failing step
// keeps up.sh's exit status and gets a failed bar.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { scanText } from "../support/secretScan";
import { PROJECT_ROOT, copyFixture, engineEnv, pulumiOk } from "./support/engine";

const FIXTURE = path.join(__dirname, "fixtures", "timeline");
const UP_SH = path.join(PROJECT_ROOT, "tools", "timeline", "up.sh");

interface Step {
  name: string;
  row: string;
  status: string;
  start: number;
  end: number;
}
interface TimelineJson {
  wallSeconds: number;
  seconds: number;
  rows: string[];
  steps: Step[];
  criticalPath: { seconds: number; steps: string[] };
}

describe("the timeline of a real pulumi up (tools/timeline/up.sh)", function () {
  let work: string;
  let project: string;
  let env: Record<string, string>;
  const upSh = (out: string) =>
    spawnSync(
      "bash",
      [UP_SH, out, "--yes", "--skip-preview", "--non-interactive", "--stack", "t"],
      {
        cwd: project,
        env,
        encoding: "utf8",
      },
    );

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-timeline-"));
    fs.mkdirSync(path.join(work, "state"));
    project = copyFixture(FIXTURE, work);
    env = engineEnv({
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-timeline-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    });
    pulumiOk(["stack", "init", "t", "--non-interactive"], { cwd: project, env });
  });

  after(function () {
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  });

  it("draws every step per node, the critical path through the dependencies, no key kept", function () {
    const out = path.join(work, "out", "up");
    const r = upSh(out);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const t = JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as TimelineJson;
    assert.equal(t.steps.length, 14);
    assert.deepEqual(t.rows.slice(0, 2), ["k8s-master-12345678-0", "k8s-master-12345678-1"]);
    // The fixture's longest chain sleeps 11 s; each step may add up to a second of rounding.
    assert.ok(t.criticalPath.seconds >= 11 && t.criticalPath.seconds <= t.seconds);
    assert.equal(t.criticalPath.steps.at(-1), "kubeconfig-local-write");
    assert.ok(t.wallSeconds >= t.criticalPath.seconds);
    assert.match(r.stdout, /^critical path: \d+ s over 8 steps/m);
    assert.match(r.stdout, /^wall \/ critical path: [\d.]+ \(wall [\d.]+ s, measured\)$/m);
    assert.match(fs.readFileSync(`${out}.svg`, "utf8"), /^<svg /);
    for (const f of [`${out}.events.jsonl`, `${out}.json`, `${out}.svg`, `${out}.txt`]) {
      assert.deepEqual(scanText(fs.readFileSync(f, "utf8"), f), []);
    }
    assert.deepEqual(scanText(r.stdout + r.stderr, "output"), []);
  });

  it("keeps a failed pulumi up's exit status and marks the failed step", function () {
    const index = path.join(project, "index.ts");
    fs.writeFileSync(
      index,
      fs
        .readFileSync(index, "utf8")
        .replace(
          "`sleep ${seconds}`",
          'id.startsWith("kubelet-k8s-agent") ? "exit 3" : `sleep ${seconds}`',
        ),
    );
    const out = path.join(work, "out", "failed");
    const r = upSh(out);
    assert.notEqual(r.status, 0);
    const t = JSON.parse(fs.readFileSync(`${out}.json`, "utf8")) as TimelineJson;
    const failed = t.steps.filter((s) => s.status === "failed").map((s) => s.name);
    assert.deepEqual(failed, ["kubelet-k8s-agentpool1-12345678-0-restart"]);
  });
});
