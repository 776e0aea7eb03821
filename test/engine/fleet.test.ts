// The fleet tool (tools/fleet, `npm run fleet`) on the real engine, offline, over synthetic
// _output folders (the three-masters fixture under other dnsPrefixes, throwaway keys): no lab,
// no node is contacted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINE_CHOICE, PROJECT_ROOT, pulumiOk } from "./support/engine";
import { fleet, fleetProject, type FleetProject } from "./support/fleet";
import { writeOutputFolder } from "./support/fleetOutput";

function stacks(p: FleetProject): string[] {
  const out = pulumiOk(["stack", "ls", "--json"], { cwd: p.project, env: p.env }).stdout;
  return (JSON.parse(out) as { name: string }[]).map((s) => s.name).sort();
}

describe("fleet (npm run fleet) on the real engine", function () {
  let work: string;
  let p: FleetProject;
  let out: (name: string, priv?: boolean) => string;

  before(function () {
    if (!fs.existsSync(ENGINE_CHOICE)) this.skip();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-engine-"));
    p = fleetProject(work);
    out = (name, priv) => writeOutputFolder(work, name, priv);
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  describe("init", () => {
    it("makes one stack per cluster; a folder that is not an output, or a private cluster without a jump host, gets one line and no stack", () => {
      const notOutput = path.join(work, "not-an-output");
      fs.mkdirSync(notOutput);
      const r = fleet(p, ["init", out("east"), out("west"), notOutput, out("inner", true)]);
      assert.equal(r.status, 1, r.stderr);
      assert.deepEqual(r.stdout.trim().split("\n"), [
        "east: created (apiModel, rotationId, sshPrivateKeyPath, sshKnownHostsPath)",
        "west: created (apiModel, rotationId, sshPrivateKeyPath, sshKnownHostsPath)",
      ]);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 2, r.stderr);
      assert.match(
        lines[0],
        /not-an-output: not an AKS Engine output folder \(.*apimodel\.json: file not found/,
      );
      assert.match(lines[1], /inner is a private cluster .* --jump-host <host>$/);
      assert.deepEqual(stacks(p), ["east", "west"]);
      const yaml = fs.readFileSync(path.join(p.project, "Pulumi.east.yaml"), "utf8");
      assert.match(yaml, /aks-rotate-certs:apiModel: .*_output\/east/);
      assert.match(yaml, /aks-rotate-certs:rotationId: "1"/);
    });

    it("changes nothing on a rerun", () => {
      const before = fs.readFileSync(path.join(p.project, "Pulumi.east.yaml"), "utf8");
      const r = fleet(p, [
        "init",
        path.join(work, "_output", "east"),
        path.join(work, "_output", "west"),
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split("\n"), ["east: unchanged", "west: unchanged"]);
      assert.equal(fs.readFileSync(path.join(p.project, "Pulumi.east.yaml"), "utf8"), before);
    });

    it("takes a private cluster with --jump-host, its key as the stack's secret with --key-as-secret", () => {
      const dir = path.join(work, "_output", "inner");
      const r = fleet(p, ["init", dir, "--jump-host", "10.240.255.5", "--key-as-secret"]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stdout.trim(),
        "inner: created (apiModel, rotationId, sshPrivateKey, sshKnownHostsPath, jumpHost)",
      );
      const yaml = fs.readFileSync(path.join(p.project, "Pulumi.inner.yaml"), "utf8");
      assert.match(yaml, /sshPrivateKey:\n\s+secure: /);
      assert.doesNotMatch(yaml, /PRIVATE KEY/);
    });

    it("refuses the lab's public passphrase for a cluster the lab did not make, and takes it for the lab's", () => {
      const lab = { PULUMI_CONFIG_PASSPHRASE: "aks-rotate-certs-lab" };
      const r = fleet(p, ["init", out("prod")], lab);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /^stack "prod" is not the lab's \(no \.aks-lab in .*\), yet its keys would be encrypted with the lab's public passphrase/,
      );
      assert.ok(!stacks(p).includes("prod"));
      const labDir = out("labby");
      fs.writeFileSync(path.join(labDir, ".aks-lab"), "");
      const ok = fleet(p, ["init", labDir], lab);
      assert.equal(ok.status, 0, ok.stderr);
      assert.ok(stacks(p).includes("labby"));
      pulumiOk(["stack", "rm", "labby", "--yes", "--force"], {
        cwd: p.project,
        env: { ...p.env, ...lab },
      });
    });
  });

  describe("status", () => {
    it("shows one row per stack from the backend and a preview of each; --json as documented", () => {
      const r = fleet(p, ["status", "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.version, 1);
      assert.equal(report.alert, false);
      assert.deepEqual(
        report.clusters.map((c: Record<string, unknown>) => [
          c.stack,
          c.cluster,
          c.masters,
          c.agents,
          c.lastUpdate,
          c.pendingChanges,
          c.error,
        ]),
        ["east", "inner", "west"].map((s) => [s, s, 3, 2, null, true, null]),
      );
      const earliest = report.clusters[0].earliestNotAfter;
      assert.ok(earliest.daysLeft > 30, JSON.stringify(earliest));
    });

    it("exits 1 when a cluster is inside --warn-days, with the table", () => {
      const days = JSON.parse(fleet(p, ["status", "--json"]).stdout).clusters[0].earliestNotAfter
        .daysLeft;
      const r = fleet(p, ["status", "--warn-days", String(days + 2)]);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.match(
        lines[0],
        /^STACK +CLUSTER +NODES +ROTATION +ROTATED +LAST UPDATE +EARLIEST NOTAFTER +DAYS +PENDING$/,
      );
      assert.equal(lines.length, 4, r.stdout);
      assert.match(
        lines[1],
        new RegExp(`^east +east +3\\+2 +- +- +never .* ${days} ! +\\d+ create$`),
      );
    });
  });

  describe("preview and up", () => {
    it("previews the named stacks in parallel, one summary line each", () => {
      const r = fleet(p, ["preview", "east", "west", "--concurrency", "2"]);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split("\n").sort();
      assert.equal(lines.length, 2, r.stdout);
      for (const [i, s] of ["east", "west"].entries())
        assert.match(
          lines[i],
          new RegExp(
            `^${s}: 5 nodes touched, 5 reboots, action rotate, phases preflight → cleanup; \\d+ create$`,
          ),
        );
      const unknown = fleet(p, ["preview", "nowhere"]);
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /^fleet: no such stack: nowhere \(have: east, inner, west\)/);
    });

    it("reports a failed cluster with its failing step; --stop-on-failure skips the next waves", () => {
      pulumiOk(["config", "set", "keySize", "2048", "--stack", "east"], {
        cwd: p.project,
        env: p.env,
      });
      const r = fleet(p, ["up", "--rotation-id", "r2", "--concurrency", "1", "--stop-on-failure"]);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines[0], "east: failed at ssh-probe");
      // Progress, one stderr line per phase change when stderr is not a terminal.
      assert.match(r.stderr, /^east: ssh \(ssh-probe\)$/m);
      assert.match(
        lines[1],
        /^ {4}config jumpHost: east\.local\.cloudapp\.azurestack\.external is unreachable over SSH/,
      );
      assert.deepEqual(lines.slice(-3), [
        "inner: skipped (--stop-on-failure after a failure)",
        "west: skipped (--stop-on-failure after a failure)",
        "fleet up: 0 up to date, 1 failed, 2 skipped",
      ]);
      const yaml = fs.readFileSync(path.join(p.project, "Pulumi.east.yaml"), "utf8");
      assert.match(yaml, /aks-rotate-certs:rotationId: "r2"/);
      const status = JSON.parse(fleet(p, ["status", "--json"]).stdout);
      assert.deepEqual(status.clusters[0].lastUpdate.result, "failed");
    });

    it("Ctrl-C interrupts the running update cleanly: reported, exit 1, no lock left, a rerun can start", async () => {
      const child = spawn(
        "bash",
        [path.join(PROJECT_ROOT, "tools", "fleet.sh"), "up", "--rotation-id", "r3", "east"],
        {
          cwd: PROJECT_ROOT,
          env: { ...process.env, ...p.env },
          detached: true,
        },
      );
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      await new Promise((r) => setTimeout(r, 6000));
      process.kill(-child.pid!, "SIGINT"); // as a terminal's Ctrl-C: the whole process group
      assert.equal(await exited, 1, stdout);
      assert.match(stdout, /^east: interrupted \(Ctrl-C\); a rerun resumes where it stopped$/m);
      const locks = path.join(work, "state", ".pulumi", "locks");
      const files = fs.existsSync(locks)
        ? fs.readdirSync(locks, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
        : [];
      assert.deepEqual(
        files.map((e) => e.name),
        [],
      );
      const again = fleet(p, ["preview", "east"]);
      assert.equal(again.status, 0, again.stderr);
    });
  });

  describe("plan", () => {
    it("writes a matrix job over the stacks on the backend", () => {
      const gha = fleet(p, ["plan", "--format", "github-actions", "--concurrency", "2"]);
      assert.equal(gha.status, 0, gha.stderr);
      assert.ok(gha.stdout.includes('        stack: ["east", "inner", "west"]\n'), gha.stdout);
      assert.ok(gha.stdout.includes("      max-parallel: 2\n"), gha.stdout);
      const azp = fleet(p, ["plan", "--format", "azure-pipelines"]);
      assert.equal(azp.status, 0, azp.stderr);
      for (const s of ["east", "inner", "west"])
        assert.ok(azp.stdout.includes(`        ${s}:\n          stack: "${s}"\n`));
    });
  });
});
