// End to end: the nodes that exist, not the nodes apimodel.json implies. A lab with a scale-set
// pool whose instance ids are 0, 2, 5 (as after a scale-in; apimodel.json holds only its count,
// so it implies 0, 1, 2): preview lists the inventory read from the API server; a difference in
// an availability-set pool stops `pulumi up` before any node is touched; the rotation covers
// exactly the nodes that exist. A stack of its own (e2e-inventory, from Pulumi.dev.yaml), no
// reboots (they are rotation.test.ts's subject), the lab down at the end.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { fingerprintOf, nodeFilesListing, readNodeFile } from "./support/cluster";
import { apiModelPath, inventory, KEY_BITS, labDown, outputDir } from "./support/lab";
import { createStack, pulumi, removeStack } from "./support/pulumi";
import { runOk, type RunResult } from "../support/proc";

const STACK = "e2e-inventory";
const knownHostsPath = path.join(outputDir, "known_hosts");
const IDS = [0, 2, 5];
const SUFFIX = "11858198";
const vmss = (id: number) => `k8s-vmsspool-${SUFFIX}-vmss${id.toString(36).padStart(6, "0")}`;

const text = (r: RunResult) => `${r.stdout}\n${r.stderr}`;
const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}:\n${text(r)}`);
const stackArgs = ["--non-interactive", "--stack", STACK];

async function outputs(): Promise<Record<string, unknown>> {
  const r = await pulumi(["stack", "output", "--json", ...stackArgs]);
  ok(r, "pulumi stack output");
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** sha256 of every file under /etc/kubernetes on every node: what "nothing touched" compares. */
async function nodeFiles(): Promise<Record<string, string>> {
  const all: Record<string, string> = {};
  for (const n of inventory().nodes) all[n.name] = await nodeFilesListing(n.name, "azureuser");
  return all;
}

describe("node inventory on a lab with scale-set instances 0, 2, 5", function () {
  this.bail(true);
  const args = ["up", "--key-bits", KEY_BITS, "--agents", "1", "--scale-set-instances", "0,2,5"];

  before(async () => {
    await runOk("bash", ["lab/lab.sh", "down"], { timeoutMs: 300_000 });
    await runOk("bash", ["lab/lab.sh", ...args], { timeoutMs: 1_500_000 });
    await createStack({ rebootStrategy: "none" }, STACK);
  });
  after(async () => {
    await removeStack(STACK);
    if (process.env.E2E_KEEP_LAB !== "1") await labDown();
  });

  it("the lab's apimodel.json holds the pool as AKS Engine writes one: a count, no ids", () => {
    const model = JSON.parse(fs.readFileSync(apiModelPath, "utf8"));
    const pool = model.properties.agentPoolProfiles[1];
    assert.deepEqual(
      [pool.name, pool.count, pool.availabilityProfile],
      ["vmsspool", 3, "VirtualMachineScaleSets"],
    );
    assert.deepEqual(
      inventory()
        .nodes.filter((n) => n.name.includes("-vmss"))
        .map((n) => n.name),
      IDS.map(vmss),
    );
  });

  it("preview lists the inventory read from the API server and plans the instances that exist", async () => {
    const r = await pulumi(["preview", "--diff", ...stackArgs]);
    ok(r, "pulumi preview");
    for (const id of IDS)
      assert.match(r.stdout, new RegExp(`${vmss(id)} agent 10\\.240\\.0\\.\\d+ Ready`));
    assert.match(r.stdout, /readFrom\s*:\s*"https:\/\/10\.240\.255\.15: 7 nodes"/);
    assert.doesNotMatch(r.stdout, new RegExp(vmss(1)), "an instance apimodel.json implies");
    assert.doesNotMatch(text(r), /node inventory: could not read/);
  });

  it("up stops on an availability-set agent apimodel.json lists and the cluster lacks, touching nothing", async () => {
    const original = fs.readFileSync(apiModelPath, "utf8");
    const knownHosts = fs.readFileSync(knownHostsPath, "utf8");
    const before = await nodeFiles();
    const model = JSON.parse(original);
    model.properties.agentPoolProfiles[0].count = 2;
    fs.writeFileSync(apiModelPath, JSON.stringify(model, null, 2));
    // A VM deleted by hand leaves its line in the operator's known_hosts.
    const agent0 = knownHosts.split("\n").find((l) => l.startsWith(`k8s-linuxpool-${SUFFIX}-0,`))!;
    fs.appendFileSync(knownHostsPath, agent0.replace(/^\S+/, `k8s-linuxpool-${SUFFIX}-1`) + "\n");
    try {
      const r = await pulumi(["up", "--yes", "--skip-preview", ...stackArgs]);
      assert.notEqual(r.code, 0, text(r));
      assert.match(
        text(r),
        new RegExp(
          `node inventory: the cluster's node list and apimodel\\.json differ \\(in apimodel\\.json only: k8s-linuxpool-${SUFFIX}-1\\)\\. Nothing was touched\\.`,
        ),
      );
    } finally {
      fs.writeFileSync(apiModelPath, original);
      fs.writeFileSync(knownHostsPath, knownHosts);
    }
    assert.deepEqual(await nodeFiles(), before);
  });

  it("up rotates exactly the nodes that exist", async () => {
    const t0 = Date.now();
    const r = await pulumi(["up", "--yes", "--skip-preview", ...stackArgs]);
    ok(r, "pulumi up");
    console.log(
      `      rotation of ${inventory().nodes.length} nodes: ${Math.round((Date.now() - t0) / 1000)}s`,
    );
    const out = await outputs();
    // The figures of the closing note: what was read and what was rotated.
    console.log(JSON.stringify(out.nodeInventory, null, 2).replace(/^/gm, "      "));
    const existing = inventory()
      .nodes.map((n) => n.name)
      .sort();
    assert.deepEqual(Object.keys(out.rotationPlan as object).sort(), existing);
    const ca = (out.certificates as Record<string, { fingerprintSha256: string }>).ca;
    for (const name of existing) {
      const pem = await readNodeFile(name, "/etc/kubernetes/certs/ca.crt");
      assert.equal(fingerprintOf(pem), ca.fingerprintSha256, `${name} has the new CA`);
    }
  });
});
