// The node inventory through the real engine and the project's own Node.js language host: the
// program (an async function since it reads the node list) reads a stand-in API server's node
// list, `pulumi preview` lists a difference from apimodel.json and goes on, `pulumi up` stops on
// it before creating anything, and config nodes=cluster lets it go ahead.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeGoodOutputFolder } from "../support/badInputs";
import { nodeObject, writeKubeconfig } from "../unit/support/fakeApiServer";
import { liveNodes } from "../unit/support/liveNodes";
import { ENGINE_CHOICE, pulumi, pulumiOk } from "./support/engine";
import { copyProject } from "./support/project";

const STACK = "inventory";
const S = "12345678";
// The fixture's apimodel.json has linuxpool-0 and -1; the cluster has -0 and -2.
const EXISTING = [0, 1, 2]
  .map((i) => `k8s-master-${S}-${i}`)
  .concat([`k8s-linuxpool-${S}-0`, `k8s-linuxpool-${S}-2`]);

/**
 * The stand-in API server in a child process: `pulumi` runs through spawnSync, which would
 * block a server in this one. Resolves with its URL.
 */
function startApiServer(work: string): Promise<{ url: string; child: ChildProcess }> {
  const script = path.join(work, "api-server.js");
  const body = JSON.stringify({
    kind: "NodeList",
    apiVersion: "v1",
    items: liveNodes(EXISTING).map(nodeObject),
  });
  fs.writeFileSync(
    script,
    `const s = require("node:http").createServer((q, r) => {
       r.setHeader("content-type", "application/json");
       r.end(${JSON.stringify(body)});
     });
     s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) =>
      resolve({ url: `http://127.0.0.1:${d.toString().trim()}`, child }),
    );
    child.once("exit", (code) => reject(new Error(`stand-in API server exited ${code}`)));
  });
}

describe("node inventory through pulumi preview and up (npx pulumi)", function () {
  let work: string;
  let project: string;
  let out: string;
  let api: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) =>
    pulumi([...args, "--non-interactive", "--stack", STACK], { cwd: project, env });
  const text = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

  before(async function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-inventory-"));
    project = copyProject(work);
    out = path.join(work, "out");
    fs.mkdirSync(out);
    writeGoodOutputFolder(out);
    const server = await startApiServer(work);
    api = server.child;
    writeKubeconfig(out, server.url);
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-inventory-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    pulumiOk(["stack", "init", STACK, "--non-interactive"], { cwd: project, env });
    for (const [k, v] of Object.entries({
      apiModel: out,
      rotationId: "1",
      sshVerifyHostKeys: "false",
    })) {
      pulumiOk(["config", "set", "--stack", STACK, k, v], { cwd: project, env });
    }
  });

  after(function () {
    api?.kill();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("preview lists the difference and says that up will stop", function () {
    const r = run(["preview"]);
    assert.equal(r.status, 0, text(r));
    assert.match(
      text(r),
      /pulumi up will stop here: node inventory: the cluster's node list and apimodel\.json differ/,
    );
    assert.match(r.stdout, /inClusterOnly\s*:\s*\[\s*\[0\]: "k8s-linuxpool-12345678-2"/);
    assert.match(r.stdout, /inApimodelOnly\s*:\s*\[\s*\[0\]: "k8s-linuxpool-12345678-1"/);
  });

  it("up stops with the one message and creates nothing", function () {
    const r = run(["up", "--yes", "--skip-preview"]);
    assert.notEqual(r.status, 0, text(r));
    const error = text(r)
      .split("\n")
      .find((l) => /^\s*error: /.test(l));
    assert.match(
      error ?? "",
      /^\s*error: node inventory: the cluster's node list and apimodel\.json differ \(in the cluster only: k8s-linuxpool-12345678-2; in apimodel\.json only: k8s-linuxpool-12345678-1\)\. Nothing was touched\./,
      text(r),
    );
    const state = JSON.parse(run(["stack", "export"]).stdout) as {
      deployment: { resources?: { type: string }[] };
    };
    const created = (state.deployment.resources ?? [])
      .map((x) => x.type)
      .filter((t) => t !== "pulumi:pulumi:Stack");
    assert.deepEqual(created, []);
  });

  it("with nodes=cluster, preview plans the nodes that exist and nothing stops", function () {
    pulumiOk(["config", "set", "--stack", STACK, "nodes", "cluster"], { cwd: project, env });
    const r = run(["preview"]);
    assert.equal(r.status, 0, text(r));
    assert.doesNotMatch(text(r), /will stop here/);
    assert.match(text(r), /node inventory: not rotated: k8s-linuxpool-12345678-1\./);
    assert.match(r.stdout, /preflight-k8s-linuxpool-12345678-2-check/);
    assert.doesNotMatch(r.stdout, /preflight-k8s-linuxpool-12345678-1-check/);
  });
});
