// End to end: `npm run fleet` over two lab clusters side by side — the default 3+2 `aks-lab` and
// a 1+1 `aks-lab2` in its own network whose certificates expire in 5 days. init, status (table,
// --json, --warn-days), preview, then `fleet up` with etcd stopped on aks-lab2's master: aks-lab
// is rotated, aks-lab2 refused at the gate with nothing touched; after the fix a rerun rotates
// aks-lab2 and leaves aks-lab as it is; one more changes nothing. Three rotations in all, keys of
// 2048 bits, to keep the lab time small. Everything the fleet printed goes to .work/e2e-fleet.md.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { etcdctl, nodeFilesListing } from "./support/cluster";
import {
  fleet,
  fleetProject,
  removeFleetProject,
  setStackConfig,
  stackCertificates,
  type FleetProject,
} from "./support/fleet";
import { inventory, labDown, labUp, sshOk, type Inventory } from "./support/lab";
import { assertClusterRotated } from "./support/rotated";
import { repoRoot, waitFor, type RunResult } from "../support/proc";

const ROTATION = "fleet-e2e-1";
const CERT_DAYS = 5;

interface Cluster {
  readonly name: string;
  readonly labArgs: readonly string[];
  readonly jumpHost: string;
  /** Where the operator reaches the API server: the internal LB, or the only master. */
  readonly server: string;
}

const A: Cluster = {
  name: "aks-lab",
  labArgs: [],
  jumpHost: "10.240.255.5",
  server: "https://10.240.255.15",
};
const B: Cluster = {
  name: "aks-lab2",
  labArgs: ["--name", "aks-lab2", "--vnet", "10.241.0.0/16", "--masters", "1", "--agents", "1"],
  jumpHost: "10.241.255.5",
  server: "https://10.241.255.5",
};

const notesFile = path.join(repoRoot, ".work", "e2e-fleet.md");
const notes: string[] = ["# fleet over two lab clusters (test/e2e/fleet.test.ts)", ""];
/** Appends a command's output to the notes (rewritten after each, so a failure keeps them). */
function note(title: string, r: RunResult): void {
  notes.push(`## ${title} (exit ${r.code}, ${Math.round(r.seconds)} s)`, "", "```");
  notes.push(r.stdout.trimEnd(), "```", "");
  fs.mkdirSync(path.dirname(notesFile), { recursive: true });
  fs.writeFileSync(notesFile, notes.join("\n") + "\n");
}

/** A fleet run's line about one cluster (clusters of one wave finish in any order). */
function lineOf(r: RunResult, stack: string): string {
  const found = r.stdout.split("\n").filter((l) => l.startsWith(`${stack}: `));
  assert.equal(found.length, 1, `one line for ${stack} in:\n${r.stdout}`);
  return found[0];
}

/** Every node's listing of what a rotation may write (sha256, mode, owner per file). */
function listing(inv: Inventory): Promise<string[]> {
  return Promise.all(inv.nodes.map((n) => nodeFilesListing(n.name, inv.adminUsername)));
}

describe("fleet over two lab clusters", function () {
  this.bail(true);
  let p: FleetProject;
  const inv: Record<string, Inventory> = {};
  const started = Date.now();
  const fleetOk = async (title: string, args: readonly string[]): Promise<RunResult> => {
    const r = await fleet(p, args);
    note(title, r);
    assert.equal(r.code, 0, `fleet ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  before(async function () {
    this.timeout(1_800_000);
    await labDown();
    await labUp(A.labArgs);
    await labUp([...B.labArgs, "--cert-days", String(CERT_DAYS)]);
    for (const c of [A, B]) inv[c.name] = inventory(c.name);
    p = fleetProject();
  });

  after(async function () {
    this.timeout(300_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`      fleet e2e: ${seconds} s`);
    notes.push(`Whole file, both labs' bring-up included: ${seconds} s.`);
    fs.writeFileSync(notesFile, notes.join("\n") + "\n");
    if (p) removeFleetProject(p);
    if (process.env.E2E_KEEP_LAB !== "1") await labDown();
  });

  it("init makes one stack per cluster from its _output folder", async function () {
    this.timeout(600_000);
    for (const c of [A, B]) {
      const r = await fleetOk(`fleet init ${c.name}`, [
        "init",
        inv[c.name].outputDir,
        "--jump-host",
        c.jumpHost,
      ]);
      assert.match(r.stdout, new RegExp(`^${c.name}: created \\(`, "m"));
      // Shorter gates than a real cluster needs, 2048-bit keys, and the API server's address.
      await setStackConfig(p, c.name, {
        operatorApiServerUrl: c.server,
        keySize: "2048",
        etcdHealthTimeoutSeconds: "120",
        controlPlaneReadyTimeoutSeconds: "300",
        nodeReadyTimeoutSeconds: "300",
        rebootTimeoutSeconds: "300",
      });
    }
  });

  it("status shows both clusters and flags the one expiring inside --warn-days (exit 1), not outside (exit 0)", async function () {
    this.timeout(600_000);
    // Default --warn-days 30: aks-lab2's certificates expire in 5 days.
    const table = await fleet(p, ["status"]);
    note("fleet status", table);
    assert.equal(table.code, 1, table.stderr);
    const rows = table.stdout.trim().split("\n");
    assert.match(rows[0], /^STACK +CLUSTER +NODES +ROTATION/);
    assert.match(rows[1], /^aks-lab +aks-lab +3\+2 /);
    assert.match(
      rows[2],
      new RegExp(`^aks-lab2 +aks-lab2 +1\\+1 .* [${CERT_DAYS - 1}${CERT_DAYS}] !`),
    );

    const json = await fleetOk("fleet status --json --warn-days 3", [
      "status",
      "--json",
      "--warn-days",
      "3",
    ]);
    const report = JSON.parse(json.stdout) as {
      alert: boolean;
      clusters: {
        stack: string;
        masters: number;
        agents: number;
        earliestNotAfter: { daysLeft: number };
      }[];
    };
    assert.equal(report.alert, false);
    const days = Object.fromEntries(
      report.clusters.map((c) => [c.stack, c.earliestNotAfter.daysLeft]),
    );
    assert.ok(days[A.name] > 10_000, JSON.stringify(days));
    assert.ok([CERT_DAYS - 1, CERT_DAYS].includes(days[B.name]), JSON.stringify(days));
    assert.deepEqual(
      report.clusters.map((c) => [c.stack, c.masters, c.agents]),
      [
        [A.name, 3, 2],
        [B.name, 1, 1],
      ],
    );
  });

  it("preview plans the rotation of both clusters", async function () {
    this.timeout(600_000);
    const r = await fleetOk("fleet preview --concurrency 2", ["preview", "--concurrency", "2"]);
    assert.match(
      lineOf(r, A.name),
      /^aks-lab: 5 nodes touched, 5 reboots, action rotate, phases preflight → cleanup; \d+ create$/,
    );
    assert.match(
      lineOf(r, B.name),
      /^aks-lab2: 2 nodes touched, 2 reboots, action rotate, phases preflight → cleanup; \d+ create$/,
    );
  });

  it("up rotates the healthy cluster and refuses the one whose etcd is stopped at the gate, touching none of its files", async function () {
    this.timeout(1_800_000);
    const sick = inv[B.name].nodes.find((n) => n.role === "master")!;
    const before = await listing(inv[B.name]);
    await sshOk(sick.name, "sudo systemctl stop etcd");
    let r: RunResult;
    try {
      r = await fleet(p, ["up", "--concurrency", "2", "--rotation-id", ROTATION]);
      note(`fleet up --concurrency 2 --rotation-id ${ROTATION} (etcd stopped on ${sick.name})`, r);
      assert.equal(await listing(inv[B.name]).then((l) => l.join("\n")), before.join("\n"));
    } finally {
      await sshOk(sick.name, "sudo systemctl start etcd");
    }
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^aks-lab: up to date at rotation ${ROTATION} \\(\\d+ changed\\)$`, "m"),
    );
    // The gate's own step on the sick master, with its diagnosis.
    assert.match(
      lineOf(r, B.name),
      new RegExp(`^aks-lab2: failed at preflight-${sick.name}-check$`),
    );
    assert.match(r.stdout, new RegExp(`^ +preflight: ${sick.name}: etcd is not healthy: `, "m"));
    assert.match(r.stdout, /^fleet up: 1 up to date, 1 failed, 0 skipped$/m);
    await assertClusterRotated(inv[A.name], await stackCertificates(p, A.name), A.server);
  });

  it("after the fix, up rotates the refused cluster and leaves the rotated one as it is", async function () {
    this.timeout(1_800_000);
    const m0 = inv[B.name].nodes.find((n) => n.role === "master")!;
    const pki = inv[B.name].pkiDir;
    const labCreds = {
      ca: path.join(pki, "ca.crt"),
      cert: path.join(pki, "etcdclient.crt"),
      key: path.join(pki, "etcdclient.key"),
    };
    await waitFor("etcd healthy on aks-lab2", async () => {
      const h = await etcdctl(`https://${m0.ip}:2379`, labCreds, ["endpoint", "health"]);
      return h.code === 0;
    });
    const beforeA = await listing(inv[A.name]);
    const r = await fleetOk(`fleet up --concurrency 2 --rotation-id ${ROTATION} (fixed)`, [
      "up",
      "--concurrency",
      "2",
      "--rotation-id",
      ROTATION,
    ]);
    assert.equal(lineOf(r, A.name), `aks-lab: up to date at rotation ${ROTATION} (0 changed)`);
    assert.match(
      lineOf(r, B.name),
      new RegExp(`^aks-lab2: up to date at rotation ${ROTATION} \\([1-9]\\d* changed\\)$`),
    );
    assert.equal(
      (await listing(inv[A.name])).join("\n"),
      beforeA.join("\n"),
      "files changed on aks-lab",
    );
    await assertClusterRotated(inv[B.name], await stackCertificates(p, B.name), B.server);
  });

  it("one more up changes nothing on either cluster", async function () {
    this.timeout(900_000);
    const r = await fleetOk(`fleet up --concurrency 2 --rotation-id ${ROTATION} (again)`, [
      "up",
      "--concurrency",
      "2",
      "--rotation-id",
      ROTATION,
    ]);
    for (const c of [A, B])
      assert.equal(lineOf(r, c.name), `${c.name}: up to date at rotation ${ROTATION} (0 changed)`);
    assert.match(r.stdout, /^fleet up: 2 up to date, 0 failed, 0 skipped$/m);
  });
});
