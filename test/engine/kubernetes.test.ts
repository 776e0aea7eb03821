// The upstream kubernetes provider plugin built by `npm run setup` loads offline and plans a
// ConfigMap through an explicit provider whose cluster is unreachable.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_CHOICE, copyFixture, engineEnv, pluginDirs, pulumiOk } from "./support/engine";
import { freePort } from "./support/sshd";

const FIXTURE = path.join(__dirname, "fixtures", "kubernetes");

describe("the kubernetes provider plugin (npx pulumi)", function () {
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-k8s-"));
    fs.mkdirSync(path.join(work, "state"));
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-k8s-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("previews a ConfigMap against an unreachable cluster without downloading", async function () {
    const home = engineEnv().PULUMI_HOME;
    const before = pluginDirs(home);
    const opts = { cwd: copyFixture(FIXTURE, work), env };
    pulumiOk(["stack", "init", "k8s", "--non-interactive"], opts);
    // A port nothing listens on: the provider must cope with an absent cluster in preview.
    pulumiOk(["config", "set", "apiPort", String(await freePort())], opts);
    const r = pulumiOk(["preview", "--json"], opts);
    const preview = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] };
    const creates = (preview.steps ?? []).filter((s) => s.op === "create").map((s) => s.urn);
    assert.ok(
      creates.some((u) => u.includes("kubernetes:core/v1:ConfigMap")),
      `no ConfigMap create in ${r.stdout}`,
    );
    assert.ok(creates.some((u) => u.includes("pulumi:providers:kubernetes")));
    assert.deepEqual(pluginDirs(home), before);
    assert.doesNotMatch(r.stdout + r.stderr, /download/i);
  });
});
