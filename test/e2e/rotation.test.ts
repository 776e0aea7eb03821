// End to end: `pulumi up` rotates the lab cluster (3 masters + 2 agents), and the tests prove the
// effects from outside the program — on the nodes' disks, at the API server and etcd, in the
// operator's files — through a refused start, three interruptions, a no-change rerun, a second
// rotation, a rollback (one rotation back), a finalize, and a scan for private keys in plain
// text in everything the program and its engine wrote. One fresh lab and one stack (`e2e`, from
// Pulumi.dev.yaml) for the whole file; each test builds on the one before, so the first failure
// stops the file.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import {
  etcdctl,
  fileFacts,
  fingerprintOf,
  type FileFacts,
  kubectl,
  kubectlToken,
  nodeFilesListing,
  privateDir,
  readNodeFile,
  servedFingerprint,
  type EtcdCredentials,
} from "./support/cluster";
import { clusterRows, firstErrorLine } from "./support/clusterBadInputs";
import { expectedFiles } from "./support/expected";
import { assertNodeFilesNew } from "./support/rotated";
import { faultsOfSecondRotation, faultTable } from "./support/secondRotationFaults";
import { upWithFaults } from "./support/faults";
import {
  apiModelPath,
  BACKUP_SUFFIX,
  freshLab,
  inventory,
  kubeconfigPath,
  labDown,
  masters,
  nodeExec,
  outputDir,
  rootScript,
  sshOk,
  type LabNode,
} from "./support/lab";
import { killTree, repoRoot, waitFor, type RunResult } from "../support/proc";
import type { Needle } from "../support/secretScan";
import { keyNeedles, scanText } from "../support/secretScan";
import { labKeyNeedles, scanRun } from "./support/secrets";
import {
  certificatesOutput,
  cliOutput,
  createStack,
  outputs,
  PLUGIN_SET,
  previewPlan,
  pulumi,
  pulumiOk,
  removeStack,
  setConfig,
  STACK,
  stateCertificates,
  stateKeys,
  up,
} from "./support/pulumi";

const timings: Record<string, number> = {};
const timingsFile = path.join(repoRoot, ".work", "e2e-timings.json");
function record(name: string, seconds: number): void {
  timings[name] = Math.round(seconds);
  fs.mkdirSync(path.dirname(timingsFile), { recursive: true });
  fs.writeFileSync(timingsFile, JSON.stringify(timings, null, 2) + "\n");
}

const WORKLOADS = [
  "lab-workloads/deployment/web",
  "lab-workloads/statefulset/store",
  "kube-system/daemonset/kube-proxy",
];
const RESTART_ANNOTATION = "rotate-certs/restarted-for";
const ROTATE_DIR = "/etc/kubernetes/rotate-certs";
const ETCD_KEY = "/e2e/written-before-rotation";

function output(r: RunResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** The part of a failed command's output that says why: Pulumi's diagnostics, else the tail. */
function why(r: RunResult): string {
  const all = output(r);
  const at = all.indexOf("Diagnostics:");
  return at >= 0 ? all.slice(at, at + 8000) : all.slice(-6000);
}

function assertOk(r: RunResult, what: string): void {
  assert.equal(r.code, 0, `${what} exited ${r.code}:\n${why(r)}`);
}

describe("pulumi up on the lab cluster", function () {
  this.bail(true);
  const tmp = privateDir("aks-e2e-");
  const old = {
    kubeconfig: path.join(tmp.dir, "old-kubeconfig.json"),
    ca: path.join(tmp.dir, "old-ca.crt"),
    etcd: {
      ca: path.join(tmp.dir, "old-ca.crt"),
      cert: path.join(tmp.dir, "old-etcdclient.crt"),
      key: path.join(tmp.dir, "old-etcdclient.key"),
    } as EtcdCredentials,
    apiModel: "",
    tokens: {} as Record<string, string>,
    generations: {} as Record<string, number>,
    pid1: {} as Record<string, string>,
    /** Per node: the certificate and key files as the lab made them (the rollback's target). */
    files: {} as Record<string, Map<string, FileFacts>>,
  };
  const etcdValue = `before-${Date.now()}`;
  let nodes: LabNode[] = [];
  let server = "";
  /** Certificates (logical name → PEM) in state after the first run that created them. */
  let firstCerts: Record<string, string> = {};
  /** The cluster after the first rotation: what the rollback after the second one restores. */
  const first = {
    kubeconfig: path.join(tmp.dir, "first-kubeconfig.json"),
    etcd: {
      ca: path.join(tmp.dir, "first-ca.crt"),
      cert: path.join(tmp.dir, "first-etcdclient.crt"),
      key: path.join(tmp.dir, "first-etcdclient.key"),
    } as EtcdCredentials,
    apiModel: "",
    files: {} as Record<string, Map<string, FileFacts>>,
  };
  /** Every private key of the run (the lab's, each rotation's), for the secret scan. */
  const needles: Needle[] = [];
  const started = Date.now();
  async function collectStateKeys(label: string): Promise<void> {
    for (const [name, pem] of Object.entries(await stateKeys()))
      needles.push(...keyNeedles(pem, `${label} ${name}`));
  }
  /** What the rotation left on a node beside the certificates. */
  async function leftovers(n: string): Promise<string> {
    return rootScript(
      n,
      `for p in ${ROTATE_DIR}/certs /etc/kubernetes/certs.bak ${ROTATE_DIR}/backup; do
         [ -e "$p" ] && echo "present $p" || echo "absent $p"; done
       echo "backup-for $(cat ${ROTATE_DIR}/backup-rotation-id 2>/dev/null || echo -)"
       echo "finalized $(cat ${ROTATE_DIR}/finalized-rotation-id 2>/dev/null || echo -)"`,
    );
  }

  const pid1 = (n: string) =>
    fs.readFileSync(path.join(repoRoot, ".work", "lab", "nodes", n, "pid1"), "utf8").trim();
  /** A data field (`token`, `ca\.crt`) of the lab's legacy token Secret, still base64. */
  const probeSecret = (kubeconfig: string, field: string) =>
    kubectl(kubeconfig, server, [
      "get",
      "secret",
      "probe-token",
      "-n",
      "lab-workloads",
      "-o",
      `jsonpath={.data.${field}}`,
    ]);
  const decoded = (r: RunResult) => Buffer.from(r.stdout.trim(), "base64").toString();

  before(async function () {
    this.timeout(1_800_000);
    const t0 = Date.now();
    await freshLab();
    record("labUp", (Date.now() - t0) / 1000);
    nodes = [...inventory().nodes];
    server = `https://${masters()[0].ip}:443`;
    needles.push(...labKeyNeedles());
    // Shorter gates than a real cluster needs: a stuck step fails in minutes, not twenty.
    await createStack({
      rotationId: "e2e-1",
      keySize: "2048",
      etcdHealthTimeoutSeconds: "120",
      controlPlaneReadyTimeoutSeconds: "300",
      nodeReadyTimeoutSeconds: "300",
      rebootTimeoutSeconds: "300",
    });

    // The operator's credentials before the rotation, and the lab's original PKI.
    fs.copyFileSync(kubeconfigPath, old.kubeconfig);
    const pki = path.join(repoRoot, ".work", "lab", "pki");
    fs.copyFileSync(path.join(pki, "ca.crt"), old.ca);
    fs.copyFileSync(path.join(pki, "etcdclient.crt"), old.etcd.cert);
    fs.copyFileSync(path.join(pki, "etcdclient.key"), old.etcd.key);
    old.apiModel = fs.readFileSync(apiModelPath, "utf8");

    // Data written before the rotation, through the old etcd client certificate.
    const put = await etcdctl(`https://${masters()[0].ip}:2379`, old.etcd, [
      "put",
      ETCD_KEY,
      etcdValue,
    ]);
    assertOk(put, "etcdctl put with the old client certificate");

    // Service-account tokens issued before: a TokenRequest token and the legacy Secret token.
    const created = await kubectl(old.kubeconfig, server, [
      "create",
      "token",
      "probe",
      "-n",
      "lab-workloads",
      "--duration",
      "2h",
    ]);
    assertOk(created, "kubectl create token");
    old.tokens.requested = created.stdout.trim();
    await waitFor("the probe-token Secret to be filled", async () => {
      const s = await probeSecret(old.kubeconfig, "token");
      if (s.code === 0 && s.stdout.trim() !== "") old.tokens.secret = decoded(s);
      return old.tokens.secret !== undefined;
    });
    for (const [kind, token] of Object.entries(old.tokens)) {
      const r = await kubectlToken(old.ca, server, token, ["get", "pods", "-n", "lab-workloads"]);
      assertOk(r, `the ${kind} token before the rotation`);
    }

    for (const w of WORKLOADS) {
      const [ns, kind, name] = w.split("/");
      const g = await kubectl(old.kubeconfig, server, [
        "get",
        kind,
        name,
        "-n",
        ns,
        "-o",
        "jsonpath={.metadata.generation}",
      ]);
      assertOk(g, `get ${w}`);
      old.generations[w] = Number(g.stdout);
    }
    for (const n of nodes) {
      old.pid1[n.name] = pid1(n.name);
      old.files[n.name] = await fileFacts(
        n.name,
        expectedFiles(n).map((f) => f.path),
      );
    }
  });

  after(async function () {
    this.timeout(300_000);
    console.log(`e2e timings (s): ${JSON.stringify(timings)}`);
    await removeStack();
    tmp.cleanup();
    if (process.env.E2E_KEEP_LAB !== "1") await labDown();
  });

  it("refuses the lab's passphrase for a cluster the lab did not make, before anything exists", async function () {
    this.timeout(600_000);
    // The lab's cluster folder without the lab's marker: what an operator's real cluster looks
    // like to the program, under the passphrase lab-env.sh exports.
    const copy = privateDir("aks-e2e-notlab-");
    const other = `${STACK}-notlab`;
    try {
      const cluster = path.join(copy.dir, "mycluster");
      fs.cpSync(outputDir, cluster, {
        recursive: true,
        filter: (src) => path.basename(src) !== ".aks-lab",
      });
      await createStack({ apiModel: cluster }, other);
      for (const cmd of [
        ["preview", "--non-interactive"],
        ["up", "--yes", "--skip-preview", "--non-interactive"],
      ]) {
        const r = await pulumi([...cmd, "--stack", other]);
        assert.notEqual(r.code, 0, `pulumi ${cmd[0]} ran under the lab's passphrase`);
        assert.match(
          output(r),
          new RegExp(
            `stack "${other}" is not the lab's \\(no \\.aks-lab in ${cluster}\\), yet its keys would be encrypted with the lab's public passphrase: put a passphrase of your own in a file and export PULUMI_CONFIG_PASSPHRASE_FILE=<file>`,
          ),
        );
      }
      const state = await pulumiOk(["stack", "export", "--stack", other]);
      const types = (
        (JSON.parse(state.stdout) as { deployment: { resources?: { type: string }[] } }).deployment
          .resources ?? []
      ).map((r) => r.type);
      assert.deepEqual(
        types.filter((t) => t !== "pulumi:pulumi:Stack"),
        [],
        "resources exist after the refusal",
      );
    } finally {
      await removeStack(other);
      copy.cleanup();
    }
  });

  it("refuses to start while etcd is unhealthy on one master, and changes no file", async function () {
    this.timeout(900_000);
    const admin = inventory().adminUsername;
    const before = await Promise.all(nodes.map((n) => nodeFilesListing(n.name, admin)));
    const sick = masters()[masters().length - 1].name;
    await sshOk(sick, "sudo systemctl stop etcd");
    try {
      const r = await up();
      assert.notEqual(r.code, 0, `pulumi up passed the gate with etcd stopped on ${sick}`);
      assert.match(output(r), /preflight: k8s-\S+: etcd is not healthy/);
      assert.doesNotMatch(r.stdout, /stage-\S+ created/, "a stage step ran after the refused gate");
      const after = await Promise.all(nodes.map((n) => nodeFilesListing(n.name, admin)));
      nodes.forEach((n, i) => assert.equal(after[i], before[i], `files changed on ${n.name}`));
    } finally {
      await sshOk(sick, "sudo systemctl start etcd");
    }
    await waitFor("etcd healthy on every master", async () => {
      const h = await etcdctl(`https://${masters()[0].ip}:2379`, old.etcd, [
        "endpoint",
        "health",
        "--cluster",
      ]);
      return h.code === 0;
    });
    // The new keys and certificates exist already (the gate guards the nodes, not the PKI).
    firstCerts = await stateCertificates();
    // One per identity: ca, apiserver, client, kubeconfig, etcdserver, etcdclient, proxy-ca,
    // proxy, and an etcdpeer<i> per master (the lab's 3 masters: 11, as for the three-masters
    // fixture in test/unit/index.test.ts).
    assert.equal(
      Object.keys(firstCerts).length,
      8 + masters().length,
      `certificates in state after the refused run: ${Object.keys(firstCerts).join(", ")}`,
    );
  });

  it("refuses bad cluster input at the SSH probe or the gate, one line each, and changes no file", async function () {
    this.timeout(1_800_000);
    const admin = inventory().adminUsername;
    const listing = () => Promise.all(nodes.map((n) => nodeFilesListing(n.name, admin)));
    const table = ["| case | first line | exit |", "|---|---|---|"];
    const stack = `${STACK}-bad`;
    // Every row runs; what each got wrong is reported together at the end.
    const wrong: string[] = [];
    for (const row of clusterRows()) {
      const dir = privateDir("aks-e2e-bad-");
      let repair: void | (() => Promise<void>) = undefined;
      try {
        const before = await listing();
        repair = await row.prepare?.(dir.dir);
        await createStack({ keySize: "2048", ...row.config(dir.dir) }, stack);
        const r = await pulumi([
          "up",
          "--yes",
          "--skip-preview",
          "--non-interactive",
          "--stack",
          stack,
        ]);
        const first = firstErrorLine(output(r));
        table.push(`| ${row.name} | \`${first}\` | ${r.code} |`);
        if (r.code === 0) wrong.push(`${row.name}: pulumi up passed`);
        if (!row.firstLine.test(first)) wrong.push(`${row.name}: first line ${first}\n${why(r)}`);
        if (scanText(output(r), row.name, needles).length > 0)
          wrong.push(`${row.name}: key bytes in the output`);
        if (/\n\s+at \S+ \(/.test(output(r))) wrong.push(`${row.name}: a stack trace`);
        // Repaired first: the listing reads every node, the one cut off included.
        const heal = repair;
        repair = undefined;
        if (heal) await heal();
        const after = await listing();
        nodes.forEach((n, i) => {
          if (after[i] !== before[i]) wrong.push(`${row.name}: files changed on ${n.name}`);
        });
      } finally {
        if (repair) await repair();
        await removeStack(stack);
        dir.cleanup();
        fs.writeFileSync(
          path.join(repoRoot, ".work", "e2e-cluster-bad-inputs.md"),
          table.join("\n") + "\n",
        );
      }
    }
    assert.deepEqual(wrong, [], wrong.join("\n\n"));
  });

  /**
   * Runs `pulumi up` and, at the first output line matching `when` (the n-th, with `count`),
   * calls `act` once. Returns the run and whether `act` fired.
   */
  async function interruptedUp(
    when: RegExp,
    count: number,
    act: (child: ChildProcess) => void,
  ): Promise<{ r: RunResult; fired: boolean }> {
    let seen = 0;
    let fired = false;
    const r = await up([], {
      detached: true,
      onLine: (line, child) => {
        if (fired || !when.test(line)) return;
        seen += 1;
        if (seen >= count) {
          fired = true;
          act(child);
        }
      },
    });
    return { r, fired };
  }

  async function assertSameCertificates(when: string): Promise<void> {
    const now = await stateCertificates();
    for (const [name, pem] of Object.entries(firstCerts)) {
      assert.equal(now[name], pem, `${name} was re-issued ${when}`);
    }
  }

  it("survives three interruptions and converges with the certificates of the first run", async function () {
    this.timeout(3_600_000);
    const t0 = Date.now();
    const stageSteps = nodes.length * 2;

    // 1. After staging: Ctrl-C (SIGINT) once every node has its files staged and backed up.
    const a = await interruptedUp(/stage-\S+ created/, stageSteps, (child) => child.kill("SIGINT"));
    assert.ok(a.fired, `the run ended before staging finished:\n${why(a.r)}`);
    assert.notEqual(a.r.code, 0, "an interrupted run reported success");
    console.log(
      `      interruption 1 (SIGINT after staging): exit ${a.r.code} after ${Math.round(a.r.seconds)}s`,
    );
    await assertSameCertificates("after the SIGINT");

    // 2. Between the etcd swap and the control-plane restart: a master's sshd stops once etcd
    //    was restarted everywhere; the run fails on that master; sshd comes back.
    const m1 = masters()[1].name;
    const b = await interruptedUp(/etcd-\S+-restart created/, masters().length, () => {
      // Not awaited (the run goes on meanwhile); the session may end with the daemon.
      sshOk(m1, "sudo systemctl stop ssh").catch(() => undefined);
    });
    try {
      assert.ok(b.fired, `the run ended before etcd restarted:\n${why(b.r)}`);
      assert.notEqual(b.r.code, 0, `the run succeeded with sshd stopped on ${m1}`);
      assert.match(
        output(b.r),
        new RegExp(m1),
        "the failure does not name the node whose sshd stopped",
      );
    } finally {
      const s = await nodeExec(m1, ["systemctl", "start", "ssh"]);
      assert.equal(s.code, 0, `could not start sshd on ${m1} again: ${s.stderr}`);
    }
    console.log(
      `      interruption 2 (sshd stopped on ${m1} after the etcd restart): exit ${b.r.code} after ${Math.round(b.r.seconds)}s`,
    );
    await assertSameCertificates(`after sshd stopped on ${m1}`);

    // 3. During the reboots: SIGKILL to the CLI and everything it started (a crash), as soon as
    //    the first node's reboot is scheduled.
    const c = await interruptedUp(/reboot-\S+-reboot created/, 1, (child) =>
      killTree(child, "SIGKILL"),
    );
    assert.ok(c.fired, `the run ended before the reboots:\n${why(c.r)}`);
    console.log(
      `      interruption 3 (SIGKILL during reboots): signal ${c.r.signal ?? c.r.code} after ${Math.round(c.r.seconds)}s`,
    );
    await assertSameCertificates("after the SIGKILL");

    // A killed CLI leaves its lock in the state backend: `pulumi cancel` removes it, as the
    // locked rerun's error message tells the operator.
    const locked = await up();
    if (locked.code !== 0) {
      assert.match(
        output(locked),
        /locked/,
        `the rerun failed for another reason:\n${why(locked)}`,
      );
      await pulumiOk(["cancel", "--yes", "--non-interactive", "--stack", STACK]);
    }

    // The rerun converges.
    const d = locked.code === 0 ? locked : await up();
    assertOk(d, "pulumi up after three interruptions");
    console.log(`      final rerun: ${Math.round(d.seconds)}s`);
    await assertSameCertificates("by the final rerun");
    record("rotationWithInterruptions", (Date.now() - t0) / 1000);
    record("rerunAfterInterruptions", d.seconds);
  });

  /**
   * The effects of a completed rotation, checked from outside; used after both rotations.
   * `previous`: the apimodel.json and kubeconfig this rotation replaced (kept .before-rotation).
   */
  async function assertRotated(previous: { apiModel: string; kubeconfig: string }): Promise<void> {
    // The stack records which command and tls plugins made it: the set under test.
    assert.deepEqual((await outputs()).pluginSets, { command: PLUGIN_SET, tls: PLUGIN_SET });
    const certs = await certificatesOutput();
    const state = await stateCertificates();
    // The outputs describe the certificates in state.
    const stateFingerprints = new Set(Object.values(state).map(fingerprintOf));
    for (const [id, c] of Object.entries(certs)) {
      assert.ok(
        stateFingerprints.has(c.fingerprintSha256),
        `output ${id} is not a certificate in state`,
      );
    }

    // Every file on every node: the new certificate (or the key of it), AKS Engine's mode/owner.
    await assertNodeFilesNew(nodes, certs);

    // The API server presents the new certificate on every master and through the internal LB.
    for (const ip of [...masters().map((m) => m.ip), inventory().internalLbIP]) {
      assert.equal(
        await servedFingerprint(ip),
        certs.apiserver.fingerprintSha256,
        `API server at ${ip}`,
      );
    }

    // The admin kubeconfig on disk is the new one; the old one is rejected; every node Ready.
    const fresh = await kubectl(kubeconfigPath, server, ["get", "nodes", "-o", "json"]);
    assertOk(fresh, "kubectl with the new admin kubeconfig");
    const list = JSON.parse(fresh.stdout) as {
      items: {
        metadata: { name: string };
        status: { conditions: { type: string; status: string }[] };
      }[];
    };
    for (const n of nodes) {
      const item = list.items.find((i) => i.metadata.name === n.name);
      assert.ok(item, `node ${n.name} not registered`);
      const ready = item.status.conditions.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "True", `node ${n.name} not Ready`);
    }
    const stale = await kubectl(old.kubeconfig, server, ["get", "nodes"]);
    assert.notEqual(stale.code, 0, "the old admin kubeconfig is still accepted");
    const staleInsecure = await kubectl(old.kubeconfig, server, [
      "--insecure-skip-tls-verify",
      "get",
      "nodes",
    ]);
    assert.notEqual(
      staleInsecure.code,
      0,
      "the API server still accepts the old admin client certificate",
    );
    assert.match(output(staleInsecure), /Unauthorized|must be logged in/i);

    // etcd: the old client certificate is refused, the new one (read from a master) accepted,
    // and the data written before the rotation is there.
    const m0 = masters()[0];
    const creds = privateDir("aks-e2e-etcd-");
    try {
      const fresh: EtcdCredentials = {
        ca: path.join(creds.dir, "ca.crt"),
        cert: path.join(creds.dir, "etcdclient.crt"),
        key: path.join(creds.dir, "etcdclient.key"),
      };
      for (const [file, dest] of [
        ["ca.crt", fresh.ca],
        ["etcdclient.crt", fresh.cert],
        ["etcdclient.key", fresh.key],
      ]) {
        fs.writeFileSync(dest, await readNodeFile(m0.name, `/etc/kubernetes/certs/${file}`), {
          mode: 0o600,
        });
      }
      assert.equal(
        fingerprintOf(fs.readFileSync(fresh.cert, "utf8")),
        certs.etcdclient.fingerprintSha256,
      );
      const endpoint = `https://${m0.ip}:2379`;
      const got = await etcdctl(endpoint, fresh, ["get", ETCD_KEY, "--print-value-only"]);
      assertOk(got, "etcdctl with the new client certificate");
      assert.equal(got.stdout.trim(), etcdValue, "data written before the rotation is lost");
      const refused = await etcdctl(endpoint, { ...old.etcd, ca: fresh.ca }, ["get", ETCD_KEY]);
      assert.notEqual(refused.code, 0, "etcd still accepts the old client certificate");
    } finally {
      creds.cleanup();
    }

    // Service-account tokens issued before are refused; new ones work.
    const newCa = path.join(tmp.dir, "new-ca.crt");
    fs.writeFileSync(newCa, await readNodeFile(m0.name, "/etc/kubernetes/certs/ca.crt"));
    for (const [kind, token] of Object.entries(old.tokens)) {
      const r = await kubectlToken(newCa, server, token, ["get", "pods", "-n", "lab-workloads"]);
      assert.notEqual(r.code, 0, `the ${kind} token issued before the rotation still works`);
      assert.match(output(r), /Unauthorized|must be logged in/i);
    }
    const created = await kubectl(kubeconfigPath, server, [
      "create",
      "token",
      "probe",
      "-n",
      "lab-workloads",
    ]);
    assertOk(created, "kubectl create token after the rotation");
    assertOk(
      await kubectlToken(newCa, server, created.stdout.trim(), [
        "get",
        "pods",
        "-n",
        "lab-workloads",
      ]),
      "a token issued after the rotation",
    );
    // The legacy token Secret signed by the old key is still there (reissue-sa-tokens.sh clears
    // its token, never deletes it) and holds a new token the API server accepts.
    const secret = await probeSecret(kubeconfigPath, "token");
    assertOk(secret, "the probe-token Secret after the rotation");
    const token = decoded(secret);
    assert.notEqual(token, old.tokens.secret, "the legacy token Secret still holds the old token");
    assertOk(
      await kubectlToken(newCa, server, token, ["get", "pods", "-n", "lab-workloads"]),
      "the re-issued legacy token",
    );
    // The token controller refreshed its ca.crt to the new CA as well.
    const secretCa = await probeSecret(kubeconfigPath, "ca\\.crt");
    assertOk(secretCa, "the probe-token Secret's ca.crt");
    assert.equal(
      decoded(secretCa),
      fs.readFileSync(newCa, "utf8"),
      "the legacy token Secret's ca.crt is not the new CA",
    );

    // Workloads rolled: a new generation and the restart annotation.
    for (const w of WORKLOADS) {
      const [ns, kind, name] = w.split("/");
      const g = await kubectl(kubeconfigPath, server, ["get", kind, name, "-n", ns, "-o", "json"]);
      assertOk(g, `get ${w}`);
      const obj = JSON.parse(g.stdout) as {
        metadata: { generation: number };
        spec: { template: { metadata?: { annotations?: Record<string, string> } } };
      };
      assert.ok(obj.metadata.generation > old.generations[w], `${w} has no new generation`);
      assert.ok(
        obj.spec.template.metadata?.annotations?.[RESTART_ANNOTATION],
        `${w} has no restart annotation`,
      );
    }

    // The operator's files: apimodel.json holds the new certificateProfile, the kubeconfig the
    // new credentials; the pre-rotation copies are kept beside them.
    const model = JSON.parse(fs.readFileSync(apiModelPath, "utf8")) as {
      properties: { certificateProfile: Record<string, string | string[]> };
    };
    const profile = model.properties.certificateProfile;
    assert.equal(fingerprintOf(profile.caCertificate as string), certs.ca.fingerprintSha256);
    assert.equal(
      fingerprintOf(profile.apiServerCertificate as string),
      certs.apiserver.fingerprintSha256,
    );
    assert.equal(
      fingerprintOf(profile.etcdClientCertificate as string),
      certs.etcdclient.fingerprintSha256,
    );
    assert.equal(
      fs.readFileSync(apiModelPath + BACKUP_SUFFIX, "utf8"),
      previous.apiModel,
      "apimodel.json backup: not the file this rotation replaced",
    );
    assert.equal(
      fs.readFileSync(kubeconfigPath + BACKUP_SUFFIX, "utf8"),
      fs.readFileSync(previous.kubeconfig, "utf8"),
      "kubeconfig backup: not the file this rotation replaced",
    );
    // Every node: the staged copies of the new keys are gone once verified; the backup is this
    // rotation's, kept for the rollback.
    const rotationId = (await outputs()).rotationId;
    for (const n of nodes) {
      assert.equal(
        await leftovers(n.name),
        `absent ${ROTATE_DIR}/certs\npresent /etc/kubernetes/certs.bak\npresent ${ROTATE_DIR}/backup\n` +
          `backup-for ${String(rotationId)}\nfinalized -\n`,
        `${n.name}: what the rotation left`,
      );
    }
    const kc = JSON.parse(fs.readFileSync(kubeconfigPath, "utf8")) as {
      users: { user: { "client-certificate-data": string } }[];
    };
    const kcCert = Buffer.from(kc.users[0].user["client-certificate-data"], "base64").toString();
    assert.equal(fingerprintOf(kcCert), certs.kubeconfig.fingerprintSha256);

    // extension-apiserver-authentication, where every API server merges its client CAs and
    // aggregated API servers read their client trust: the new CA, and no longer the one before.
    const authn = await kubectl(kubeconfigPath, server, [
      ...["get", "configmap", "-n", "kube-system", "extension-apiserver-authentication"],
      ...["-o", "jsonpath={.data.client-ca-file}"],
    ]);
    assertOk(authn, "kubectl get configmap extension-apiserver-authentication");
    const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, "");
    const trusted = pemBody(authn.stdout);
    const previousCa = (
      JSON.parse(previous.apiModel) as {
        properties: { certificateProfile: { caCertificate: string } };
      }
    ).properties.certificateProfile.caCertificate;
    assert.ok(
      trusted.includes(pemBody(profile.caCertificate as string)),
      "extension-apiserver-authentication lacks the new CA",
    );
    assert.ok(
      !trusted.includes(pemBody(previousCa)),
      "extension-apiserver-authentication still trusts the CA before the rotation",
    );
  }

  it("leaves the new certificates everywhere and the old credentials refused", async function () {
    this.timeout(600_000);
    await assertRotated({ apiModel: old.apiModel, kubeconfig: old.kubeconfig });
    await collectStateKeys("e2e-1");
    // Every node rebooted (the lab boots a node again in a fresh PID namespace).
    for (const n of nodes)
      assert.notEqual(pid1(n.name), old.pid1[n.name], `${n.name} did not reboot`);
  });

  it("changes nothing on a second up, and preview plans no change", async function () {
    this.timeout(900_000);
    const again = await up(["--expect-no-changes"]);
    assertOk(again, "a second pulumi up");
    record("noChangeUp", again.seconds);
    const t0 = Date.now();
    const preview = await pulumi([
      "preview",
      "--expect-no-changes",
      "--non-interactive",
      "--stack",
      STACK,
    ]);
    assertOk(preview, "pulumi preview --expect-no-changes");
    record("noChangePreview", (Date.now() - t0) / 1000);
  });

  it("plans the whole rotation again for a new rotation id, and up does it", async function () {
    this.timeout(3_600_000);
    const before = await certificatesOutput();
    // The cluster as the first rotation left it: the second one's backup, the rollback's target.
    fs.copyFileSync(kubeconfigPath, first.kubeconfig);
    first.apiModel = fs.readFileSync(apiModelPath, "utf8");
    const m0 = masters()[0].name;
    for (const [file, dest] of [
      ["ca.crt", first.etcd.ca],
      ["etcdclient.crt", first.etcd.cert],
      ["etcdclient.key", first.etcd.key],
    ]) {
      fs.writeFileSync(dest, await readNodeFile(m0, `/etc/kubernetes/certs/${file}`), {
        mode: 0o600,
      });
    }
    for (const n of nodes) {
      first.files[n.name] = await fileFacts(
        n.name,
        expectedFiles(n).map((f) => f.path),
      );
    }
    await setConfig("rotationId", "e2e-2");
    const plan = await previewPlan();
    assert.equal(plan.code, 0, "preview failed");
    const touched = new Set(
      Object.entries(plan.ops)
        .filter(([op]) => op !== "same")
        .flatMap(([, names]) => names),
    );
    const state = await pulumi(["stack", "export", "--stack", STACK]);
    const resources = (
      JSON.parse(state.stdout) as { deployment: { resources: { urn: string; type: string }[] } }
    ).deployment.resources;
    // Every key, certificate and step, except the delivery of the (unchanged) scripts.
    const mustRerun = resources.filter(
      (r) =>
        (r.type.startsWith("tls:") || r.type.startsWith("command:")) && !/::deliver-/.test(r.urn),
    );
    assert.ok(mustRerun.length > 100, `only ${mustRerun.length} resources in state`);
    for (const r of mustRerun) {
      const name = r.urn.split("::").pop()!;
      assert.ok(touched.has(name), `a new rotation id does not re-run ${name}`);
    }

    // The second rotation meets every fault of faultsOfSecondRotation, then converges.
    const t0 = Date.now();
    const { reports, problems, last } = await upWithFaults(
      faultsOfSecondRotation(nodes, () => ({ [apiModelPath]: first.apiModel })),
    );
    console.log(faultTable(reports));
    fs.writeFileSync(path.join(repoRoot, ".work", "e2e-faults.md"), faultTable(reports) + "\n");
    assert.deepEqual(problems, [], faultTable(reports));
    assertOk(last, "pulumi up with a new rotation id, after the faults");
    record("fullRotationWithFaults", (Date.now() - t0) / 1000);
    record("finalRunAfterFaults", last.seconds);
    const after = await certificatesOutput();
    for (const id of Object.keys(before)) {
      assert.notEqual(
        after[id].serialNumber,
        before[id].serialNumber,
        `${id} was not rotated again`,
      );
    }
    await assertRotated({ apiModel: first.apiModel, kubeconfig: first.kubeconfig });
    const out = await outputs();
    assert.equal(out.rotationDone, "verified and persisted");
    await collectStateKeys("e2e-2");
    // The backup re-armed: every node's certs.bak holds the first rotation's files, not the lab's.
    for (const n of nodes) {
      const want = first.files[n.name];
      const bak = await fileFacts(
        n.name,
        [...want.keys()].map((p) =>
          p.replace("/etc/kubernetes/certs/", "/etc/kubernetes/certs.bak/"),
        ),
      );
      for (const [p, was] of want) {
        const got = bak.get(p.replace("/etc/kubernetes/certs/", "/etc/kubernetes/certs.bak/"));
        assert.equal(
          got?.sha256,
          was.sha256,
          `${n.name}: certs.bak does not hold the first rotation's ${p}`,
        );
      }
    }
  });
  it("rolls every node back one rotation, to the first rotation's certificates (action=rollback)", async function () {
    this.timeout(3_600_000);
    const rotated = path.join(tmp.dir, "rotated-kubeconfig.json");
    fs.copyFileSync(kubeconfigPath, rotated);
    await setConfig("action", "rollback");
    const t0 = Date.now();
    const r = await up();
    assertOk(r, "pulumi up with action=rollback");
    record("rollback", (Date.now() - t0) / 1000);
    assert.equal((await outputs()).rollbackDone, "rolled back to the pre-rotation certificates");

    // Every certificate and key file on every node is the first rotation's again (the backup
    // belongs to the last rotation), mode and owner too.
    for (const n of nodes) {
      const now = await fileFacts(n.name, [...first.files[n.name].keys()]);
      for (const [p, was] of first.files[n.name]) {
        const got = now.get(p);
        assert.ok(got, `${n.name}: ${p} missing after the rollback`);
        assert.deepEqual(got, was, `${n.name}: ${p} is not the first rotation's file`);
      }
    }
    // The operator's files are the first rotation's again.
    assert.equal(fs.readFileSync(apiModelPath, "utf8"), first.apiModel, "apimodel.json");
    assert.equal(
      fs.readFileSync(kubeconfigPath, "utf8"),
      fs.readFileSync(first.kubeconfig, "utf8"),
      "the admin kubeconfig",
    );
    // The API server presents the first rotation's certificate everywhere.
    const original = JSON.parse(first.apiModel) as {
      properties: { certificateProfile: { apiServerCertificate: string } };
    };
    const originalApiServer = fingerprintOf(
      original.properties.certificateProfile.apiServerCertificate,
    );
    for (const ip of [...masters().map((m) => m.ip), inventory().internalLbIP]) {
      assert.equal(await servedFingerprint(ip), originalApiServer, `API server at ${ip}`);
    }
    // The first rotation's admin kubeconfig works and every node is Ready; the second rotation's
    // and the lab's original are refused.
    const nodesNow = await kubectl(first.kubeconfig, server, ["get", "nodes", "-o", "json"]);
    assertOk(nodesNow, "kubectl with the first rotation's admin kubeconfig");
    const items = (
      JSON.parse(nodesNow.stdout) as {
        items: {
          metadata: { name: string };
          status: { conditions: { type: string; status: string }[] };
        }[];
      }
    ).items;
    for (const n of nodes) {
      const ready = items
        .find((i) => i.metadata.name === n.name)
        ?.status.conditions.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "True", `node ${n.name} not Ready after the rollback`);
    }
    for (const k of [rotated, old.kubeconfig]) {
      const refused = await kubectl(k, server, ["--insecure-skip-tls-verify", "get", "nodes"]);
      assert.notEqual(refused.code, 0, `${path.basename(k)}: its client certificate is accepted`);
    }
    // etcd takes the first rotation's client certificate again and kept the data.
    const got = await etcdctl(`https://${masters()[0].ip}:2379`, first.etcd, [
      "get",
      ETCD_KEY,
      "--print-value-only",
    ]);
    assertOk(got, "etcdctl with the first rotation's client certificate");
    assert.equal(got.stdout.trim(), etcdValue, "data written before the rotation is lost");
    // The legacy token Secret was re-issued once more, under the first rotation's key.
    const secret = await probeSecret(first.kubeconfig, "token");
    assertOk(secret, "the probe-token Secret after the rollback");
    const token = decoded(secret);
    assertOk(
      await kubectlToken(first.etcd.ca, server, token, ["get", "pods", "-n", "lab-workloads"]),
      "the legacy token after the rollback",
    );
  });

  it("finalizes: rotates again, proves the cluster, then leaves no backup (action=finalize)", async function () {
    this.timeout(3_600_000);
    await setConfig("action", "finalize");
    // The rollback removed the rotation's steps from state: finalize brings the second rotation
    // back first (its backup, taken for e2e-2, is kept), then removes every backup.
    const preview = await pulumi(["preview", "--non-interactive", "--stack", STACK]);
    assertOk(preview, "pulumi preview with action=finalize");
    assert.match(preview.stdout, /finalizePlan/);
    assert.match(
      preview.stdout,
      /\/etc\/kubernetes\/certs\.bak \(the certificates the rotation replaced\)/,
    );
    assert.match(preview.stdout, /apimodel\.json\.before-rotation/);
    const t0 = Date.now();
    const r = await up();
    assertOk(r, "pulumi up with action=finalize");
    record("rotationAndFinalize", (Date.now() - t0) / 1000);
    const out = await outputs();
    assert.equal(out.finalizeDone, "rotation e2e-2 finalized: no backup left");
    for (const n of nodes) {
      assert.equal(
        await leftovers(n.name),
        `absent ${ROTATE_DIR}/certs\nabsent /etc/kubernetes/certs.bak\nabsent ${ROTATE_DIR}/backup\n` +
          "backup-for -\nfinalized e2e-2\n",
        `${n.name}: a backup is left after finalize`,
      );
    }
    for (const f of [apiModelPath, kubeconfigPath])
      assert.ok(!fs.existsSync(f + BACKUP_SUFFIX), `${f}${BACKUP_SUFFIX} is left`);
    assertOk(await kubectl(kubeconfigPath, server, ["get", "nodes"]), "the cluster after finalize");

    // No rollback after finalize: refused at the check, before anything changes.
    await setConfig("action", "rollback");
    const refused = await up();
    assert.notEqual(refused.code, 0, "a rollback ran after finalize");
    assert.match(output(refused), /was finalized, there is nothing to roll back to/);
    assertOk(
      await kubectl(kubeconfigPath, server, ["get", "nodes"]),
      "the cluster after the refusal",
    );
  });

  it("leaves no private key in plain text in the state, .work/, the engine's logs or the CLI's output", function () {
    this.timeout(300_000);
    const report = scanRun(needles, cliOutput(), started);
    assert.ok(
      report.stateFiles.some((f) => f.includes(`${path.sep}history${path.sep}`)),
      "no state history scanned",
    );
    assert.ok(needles.length > 30, `only ${needles.length} key fragments to look for`);
    console.log(
      `      secret scan: ${report.files} files and ${cliOutput().length} characters of CLI output, ${needles.length} key fragments`,
    );
    assert.deepEqual(report.findings, [], "private keys in plain text");
  });
});
