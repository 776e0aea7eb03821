// End to end, issue 15: a staged rotation (rotationMode "staged") on a fresh lab, then a cut-over
// on the same cluster, each with Probe A (test/e2e/probe/probeA.ts) running from before the first
// step to after the last. The staged run must show 0 failed requests (a request may retry 3 times
// within 5 s); both leave the same files with the same modes and owners, the controller-manager's
// flags as AKS Engine sets them, and pass the program's own verification (verify-cluster.sh).
// Figures: .work/e2e-staged-probe.json. Run: `npm run test:e2e -- --grep staged` in the lab lock.
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileFacts, fingerprintOf, kubectl, privateDir, type FileFacts } from "./support/cluster";
import { expectedFiles } from "./support/expected";
import {
  freshLab,
  inventory,
  kubeconfigPath,
  labDown,
  rootScript,
  ssh,
  type LabNode,
} from "./support/lab";
import { certificatesOutput, createStack, pulumi, setConfig, STACK, up } from "./support/pulumi";
import { etcdReport, phaseMarks, probeBReport, report } from "./probe/report";
import type { Attempt } from "./probe/probeA";
import { killGroup, killTree, repoRoot, run, type RunResult } from "../support/proc";

const STAGED_CA = "/etc/kubernetes/rotate-certs/certs/etc/kubernetes/certs/ca.crt";
const FIGURES = path.join(repoRoot, ".work", "e2e-staged-probe.json");
const ILB = "https://10.240.255.15";
/** The staged mode's hand-out for clients outside the cluster (docs/staged.md). */
const bundleKubeconfigPath = kubeconfigPath.replace(/\.json$/, ".bundle.json");

/** The probe's credentials: a bootstrap token that may read and patch one ConfigMap. */
const PROBE_SETUP = `kubectl --kubeconfig /var/lib/kubelet/kubeconfig apply -f - <<'YAML'
apiVersion: v1
kind: Secret
metadata: {name: bootstrap-token-probea, namespace: kube-system}
type: bootstrap.kubernetes.io/token
stringData: {token-id: probea, token-secret: 0123456789abcdef, usage-bootstrap-authentication: "true", auth-extra-groups: "system:bootstrappers:probe"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: probe-a, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: probe-a, namespace: default}
rules: [{apiGroups: [""], resources: [configmaps], resourceNames: [probe-a], verbs: [get, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: probe-a, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: probe-a}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:bootstrappers:probe"}]
YAML`;

/** Path, mode and owner of every file under certs/ and the signer copy, and the signer flags. */
const LAYOUT = `find /etc/kubernetes/certs /etc/kubernetes/rotate-certs/signer -type f \\
  -printf '%p %m %u:%g\\n' 2>/dev/null | sort
grep -o -- '--cluster-signing-[a-z]*-file=[^ "]*' /etc/kubernetes/kube-controller-manager.env || true`;

describe("staged rotation on the lab cluster (rotationMode staged)", function () {
  this.bail(true);
  const tmp = privateDir("aks-staged-");
  const bundle = path.join(tmp.dir, "ca.pem");
  const token = path.join(tmp.dir, "token");
  const figures: Record<string, unknown> = {};
  let nodes: readonly LabNode[] = [];
  let m0 = "";
  let oldToken = "";

  before(async function () {
    this.timeout(1_800_000);
    await freshLab();
    // The lab leaves _output's other files alone: no hand-out of an earlier run may stand in.
    fs.rmSync(bundleKubeconfigPath, { force: true });
    nodes = inventory().nodes;
    m0 = nodes.find((n) => n.role === "master" && n.index === 0)!.name;
    await createStack({
      rotationId: "s1",
      rotationMode: "staged",
      keySize: "2048",
      rebootStrategy: "none",
      etcdHealthTimeoutSeconds: "120",
      controlPlaneReadyTimeoutSeconds: "300",
      nodeReadyTimeoutSeconds: "300",
    });
    await rootScript(m0, PROBE_SETUP);
    // A service-account token signed before the rotation: after P3 and P4 it must get 401.
    oldToken = (
      await rootScript(
        m0,
        "kubectl --kubeconfig /home/azureuser/.kube/config --server https://10.240.255.15:443 create token probe -n lab-workloads --duration 2h",
      )
    ).trim();
    fs.writeFileSync(token, "probea.0123456789abcdef\n");
    fs.copyFileSync(path.join(repoRoot, ".work", "lab", "pki", "ca.crt"), bundle);
  });
  after(async () => {
    tmp.cleanup();
    await labDown();
  });

  /** `pulumi up` with Probe A running around it; the probe's report, per phase. */
  async function probedUp(
    name: string,
    runUp: (onLine: (l: string) => void) => Promise<RunResult> = plainUp,
  ) {
    const log = path.join(tmp.dir, `${name}.jsonl`);
    // Its own process group, ended as a whole (npx would not pass a signal on).
    const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
    const probe = spawn(tsx, ["test/e2e/probe/probeA.ts", ILB, bundle, token, log], {
      cwd: repoRoot,
      stdio: "ignore",
      detached: true,
    });
    const feeder = setInterval(() => void trustStagedCa(), 3000);
    const samples = `/var/tmp/etcd-samples-${name}`;
    const probeB = `/var/tmp/probe-b-${name}`;
    await startOnMaster0("etcd-sampler.sh", samples);
    await startOnMaster0("probeB.sh", probeB);
    await new Promise((r) => setTimeout(r, 5000));
    const started = Date.now() / 1000;
    // Every progress line stamped as it arrives: the phases of the probe's report.
    const stamped: string[] = [];
    let r: RunResult;
    try {
      r = await runUp((l) => stamped.push(`${Date.now() / 1000} ${l}`));
    } finally {
      // Also on a failure, or mocha would wait for the timer and the probe forever.
      clearInterval(feeder);
      await stop(probe);
    }
    const marks = phaseMarks(stamped.join("\n"));
    const etcdLines = await stopOnMaster0(samples);
    // Kept for a failure's analysis: the raw samples beside the stamped progress lines.
    fs.writeFileSync(path.join(repoRoot, ".work", `e2e-staged-${name}-etcd.log`), etcdLines);
    fs.writeFileSync(path.join(repoRoot, ".work", `e2e-staged-${name}-up.log`), stamped.join("\n"));
    const etcd = etcdReport(etcdLines, marks);
    const inCluster = probeBReport(await stopOnMaster0(probeB), marks);
    const seconds = Date.now() / 1000 - started;
    assert.equal(r.code, 0, `pulumi up (${name}) exited ${r.code}:\n${r.stdout.slice(-6000)}`);
    const attempts = fs
      .readFileSync(log, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Attempt);
    const upLog = stamped.join("\n");
    figures[name] = {
      upSeconds: Math.round(seconds),
      ...report(attempts, phaseMarks(upLog)),
      etcd,
      probeB: inCluster,
    };
    fs.writeFileSync(FIGURES, JSON.stringify(figures, null, 1) + "\n");
    return figures[name] as ReturnType<typeof report> & {
      etcd: ReturnType<typeof etcdReport>;
      probeB: ReturnType<typeof probeBReport>;
    };
  }

  /**
   * A probe script of test/e2e/probe on master-0, detached there, writing `out`; it stops when
   * `<out>.stop` appears. Every script gets `out` and the masters' addresses.
   */
  async function startOnMaster0(script: string, out: string): Promise<void> {
    const text = fs.readFileSync(path.join(repoRoot, "test/e2e/probe", script), "utf8");
    const ips = nodes.filter((n) => n.role === "master").map((n) => n.ip);
    await rootScript(
      m0,
      `rm -f ${out}.stop && cat >/var/tmp/${script} <<'PROBE'\n${text}PROBE\n` +
        `setsid nohup bash /var/tmp/${script} ${out} ${ips.join(" ")} >/dev/null 2>&1 </dev/null &`,
    );
  }

  async function stopOnMaster0(out: string): Promise<string> {
    return rootScript(m0, `touch ${out}.stop; sleep 6; cat ${out}`);
  }

  /** Appends the staged new CA to the probe's bundle once it exists (the operator's hand-out). */
  async function trustStagedCa(): Promise<void> {
    const pem = await rootScript(m0, `cat ${STAGED_CA} 2>/dev/null || true`).catch(() => "");
    const body = pem.split("\n")[1];
    if (body && !fs.readFileSync(bundle, "utf8").includes(body)) fs.appendFileSync(bundle, pem);
  }

  it("rotates staged with 0 failed requests through the internal load balancer", async function () {
    this.timeout(1_800_000);
    const client = bundleClient();
    const r = await probedUp("staged");
    const handOut = await client.stop();
    figures.bundleKubeconfig = handOut;
    fs.writeFileSync(FIGURES, JSON.stringify(figures, null, 1) + "\n");
    assert.equal(r.failedRequests, 0, JSON.stringify(r, null, 1));
    // The operator's outside client, switched to the hand-out as soon as it appeared (P1's end):
    // it kept working through P3 and P4.
    assert.ok(handOut.requests > 20, JSON.stringify(handOut));
    assert.equal(handOut.failed, 0, JSON.stringify(handOut));
    // One member restarts at a time: a quorum (2 of 3) answers in every sample.
    assert.ok(r.etcd.samples > 60, JSON.stringify(r.etcd));
    assert.equal(r.etcd.belowQuorum, 0, JSON.stringify(r.etcd));
    // Probe B: a pod's view (its bound token, kube-root-ca.crt, the kubernetes endpoints).
    assert.notEqual(r.probeB.restartedAt, null, JSON.stringify(r.probeB));
    assert.equal(r.probeB.failedAfterRestart, 0, JSON.stringify(r.probeB, null, 1));
  });

  it("hands out the bundle kubeconfig: 0600, old+new CA, the new admin client; it works after", async () => {
    const certs = await certificatesOutput();
    assert.equal(fs.statSync(bundleKubeconfigPath).mode & 0o777, 0o600);
    const kc = JSON.parse(fs.readFileSync(bundleKubeconfigPath, "utf8")) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: Record<string, string> }[];
    };
    const b64 = (s: string) => Buffer.from(s, "base64").toString("utf8");
    const cas = b64(kc.clusters[0].cluster["certificate-authority-data"]).match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    );
    const oldCa = fs.readFileSync(path.join(repoRoot, ".work", "lab", "pki", "ca.crt"), "utf8");
    assert.deepEqual((cas ?? []).map(fingerprintOf), [
      fingerprintOf(oldCa),
      certs.ca.fingerprintSha256,
    ]);
    const client = b64(kc.users[0].user["client-certificate-data"]);
    assert.equal(fingerprintOf(client), certs.kubeconfig.fingerprintSha256);
    const r = await kubectl(bundleKubeconfigPath, `${ILB}:443`, ["get", "--raw", "/api"]);
    assert.equal(r.code, 0, r.stderr);
  });

  let stagedLayout: Record<string, string[]> = {};
  it("leaves AKS Engine's files, modes, owners and signer flags, nothing of the staging", async () => {
    stagedLayout = await assertLayout();
  });

  // Recorded here, asserted by the last test, so a failure does not stop the runs after it.
  let endChecks: string[] = [];
  it("runs the end checks after the staged rotation (asserted last)", async function () {
    this.timeout(300_000);
    endChecks = await oldCaGone();
    console.log(endChecks.map((l) => `      ${l}`).join("\n"));
  });

  it("then a cut-over on the same cluster leaves the same layout (its outage measured)", async function () {
    this.timeout(1_800_000);
    await setConfig("rotationMode", "cutover");
    await setConfig("rotationId", "c1");
    await probedUp("cutover");
    assert.deepEqual(await assertLayout(), stagedLayout);
  });

  it("a staged rotation killed inside P1 and inside P3 converges with the same certificates, 0 failed requests", async function () {
    this.timeout(1_800_000);
    await setConfig("rotationMode", "staged");
    await setConfig("rotationId", "s2");
    // The CA the first, killed run staged on master-0: the one the rerun must install. (The state
    // file on disk may lag behind a killed CLI's journal, so the node is the witness.)
    let firstCa = "";
    const kills: string[] = [];
    const r = await probedUp("staged-interrupted", async (onLine) => {
      // SIGKILL to the CLI and all it started (a crash), once master-1 is inside P1, then P3.
      for (const when of [/trust-\S+-1-bundle created/, /leaves-\S+-1-leaves created/]) {
        let k = await killedUp(when, onLine);
        // A fresh stack's first update can read its own checkpoint while the engine writes it
        // (the plugin-set StackReference: "failed to load checkpoint: EOF"): once more, then.
        if (!k.fired && k.r.stdout.includes("failed to load checkpoint"))
          k = await killedUp(when, onLine);
        assert.ok(k.fired, `the run ended before ${String(when)}:\n${k.r.stdout.slice(-3000)}`);
        kills.push(`${String(when)}: exit ${k.r.code ?? k.r.signal}`);
        if (firstCa === "") firstCa = await rootScript(m0, `cat ${STAGED_CA}`);
        await pulumi(["cancel", "--yes", "--non-interactive", "--stack", STACK]);
      }
      return up([], { timeoutMs: 1_800_000, onLine });
    });
    console.log(`      kills: ${kills.join("; ")}`);
    assert.equal(fingerprintOf(firstCa), (await certificatesOutput()).ca.fingerprintSha256);
    assert.equal(r.failedRequests, 0, JSON.stringify(r, null, 1));
    const layout = await assertLayout();
    // Run alone (--grep "killed inside"), there is no earlier staged layout to compare with.
    if (Object.keys(stagedLayout).length > 0) assert.deepEqual(layout, stagedLayout);
    const checks = await oldCaGone();
    console.log(checks.map((l) => `      ${l}`).join("\n"));
    assert.deepEqual(
      checks.filter((l) => l.startsWith("FAIL")),
      [],
    );
  });

  it("a staged rotation killed inside P3 rolls back to the files it started from (action=rollback)", async function () {
    this.timeout(1_800_000);
    const before: Record<string, Map<string, FileFacts>> = {};
    for (const n of nodes)
      before[n.name] = await fileFacts(
        n.name,
        expectedFiles(n).map((f) => f.path),
      );
    const kubeconfig = fs.readFileSync(kubeconfigPath, "utf8");
    await setConfig("rotationId", "s3");
    const k = await killedUp(/leaves-\S+-1-leaves created/, () => undefined);
    assert.ok(k.fired, `the run ended before P3:\n${k.r.stdout.slice(-3000)}`);
    await pulumi(["cancel", "--yes", "--non-interactive", "--stack", STACK]);
    await setConfig("action", "rollback");
    const t0 = Date.now();
    const r = await up([], { timeoutMs: 1_800_000 });
    assert.equal(r.code, 0, `rollback from inside P3 exited ${r.code}:\n${r.stdout.slice(-6000)}`);
    figures.rollbackFromP3Seconds = Math.round((Date.now() - t0) / 1000);
    fs.writeFileSync(FIGURES, JSON.stringify(figures, null, 1) + "\n");
    for (const n of nodes) {
      const now = await fileFacts(n.name, [...before[n.name].keys()]);
      for (const [p, was] of before[n.name])
        assert.deepEqual(now.get(p), was, `${n.name}: ${p} is not the file before s3`);
      const layout = (await rootScript(n.name, LAYOUT)).trim().split("\n");
      assert.ok(!layout.some((l) => l.includes("rotate-certs/signer")), `${n.name}: signer copy`);
    }
    assert.equal(fs.readFileSync(kubeconfigPath, "utf8"), kubeconfig, "the admin kubeconfig");
    // s3 handed out its bundle kubeconfig before P3; its new admin certificate is refused now.
    assert.ok(!fs.existsSync(bundleKubeconfigPath), "the bundle kubeconfig is removed");
    const server = `https://${nodes.find((n) => n.name === m0)!.ip}:443`;
    const ready = await kubectl(kubeconfigPath, server, ["get", "nodes", "-o", "json"]);
    assert.equal(ready.code, 0, ready.stderr);
    const items = (
      JSON.parse(ready.stdout) as {
        items: { status: { conditions: { type: string; status: string }[] } }[];
      }
    ).items;
    assert.equal(items.length, nodes.length);
    for (const i of items)
      assert.equal(i.status.conditions.find((c) => c.type === "Ready")?.status, "True");
  });

  it("after the staged rotation the old CA and old credentials were refused and found nowhere", () => {
    assert.ok(endChecks.length > 10, endChecks.join("\n"));
    assert.deepEqual(
      endChecks.filter((l) => l.startsWith("FAIL")),
      [],
      endChecks.join("\n"),
    );
  });

  /** The end checks (probe/end-checks.sh on master-0, each node's files, apimodel.json). */
  async function oldCaGone(): Promise<string[]> {
    const ips = nodes.filter((n) => n.role === "master").map((n) => n.ip);
    const script = fs.readFileSync(path.join(repoRoot, "test/e2e/probe/end-checks.sh"), "utf8");
    const r = await ssh(m0, `sudo -n bash -s 10.240.255.15 ${ips.join(" ")}`, script);
    const lines = r.stdout.trim().split("\n").filter(Boolean);
    const code = (
      await rootScript(
        m0,
        `curl -s -o /dev/null -w '%{http_code}' --cacert /etc/kubernetes/certs/ca.crt -H "Authorization: Bearer ${oldToken}" https://10.240.255.15/api`,
      )
    ).trim();
    lines.push(`${code === "401" ? "ok" : "FAIL"} a token signed before P3 gets 401 (got ${code})`);
    const oldCa = (await rootScript(m0, "sed -n 2p /etc/kubernetes/certs.bak/ca.crt")).trim();
    assert.equal(oldCa.length, 64);
    for (const n of nodes) {
      const found = await rootScript(
        n.name,
        `grep -rlF '${oldCa}' /etc/kubernetes /var/lib/kubelet /home/azureuser/.kube \
          --exclude-dir=certs.bak --exclude-dir=rotate-certs 2>/dev/null || true`,
      );
      lines.push(
        `${found.trim() === "" ? "ok" : "FAIL"} old CA in no file of ${n.name} ${found.trim()}`,
      );
    }
    const apimodel = fs.readFileSync(path.join(repoRoot, "_output/aks-lab/apimodel.json"), "utf8");
    lines.push(`${apimodel.includes(oldCa) ? "FAIL" : "ok"} old CA not in apimodel.json`);
    return lines;
  }

  /**
   * Every node's layout (path, mode, owner under certs/ and the signer copy; the signer flags),
   * checked against AKS Engine's (expected.ts: each file there, no signer copy, the flags at
   * certs/ca.*) and ca.crt the stack's new CA alone. Returns the layouts for comparison.
   */
  async function assertLayout(): Promise<Record<string, string[]>> {
    const certs = await certificatesOutput();
    const layouts: Record<string, string[]> = {};
    for (const n of nodes) {
      const got = (await rootScript(n.name, LAYOUT)).trim().split("\n");
      for (const f of expectedFiles(n))
        assert.ok(got.includes(`${f.path} ${f.mode} ${f.owner}`), `${n.name}: ${f.path}`);
      assert.ok(!got.some((l) => l.includes("rotate-certs/signer")), `${n.name}: signer copy left`);
      const flags = got.filter((l) => l.startsWith("--cluster-signing"));
      const want =
        n.role === "master"
          ? ["cert-file=/etc/kubernetes/certs/ca.crt", "key-file=/etc/kubernetes/certs/ca.key"]
          : [];
      assert.deepEqual(
        flags,
        want.map((w) => `--cluster-signing-${w}`),
        n.name,
      );
      const facts = await fileFacts(n.name, ["/etc/kubernetes/certs/ca.crt"]);
      const ca = await rootScript(n.name, "grep -c BEGIN /etc/kubernetes/certs/ca.crt");
      assert.equal(ca.trim(), "1", `${n.name}: ca.crt holds one certificate`);
      assert.equal(
        facts.get("/etc/kubernetes/certs/ca.crt")?.fingerprint,
        certs.ca.fingerprintSha256,
      );
      layouts[n.name] = got;
    }
    return layouts;
  }
});

/**
 * An outside client that switches to the bundle kubeconfig as soon as it exists: `GET /api` through
 * the internal load balancer every 2 s, 3 tries within about 5 s as Probe A's. Counts requests and
 * those that failed after their retries.
 */
function bundleClient(): {
  stop(): Promise<{ requests: number; failed: number; errors: string[] }>;
} {
  const result = { requests: 0, failed: 0, errors: [] as string[] };
  let running = true;
  const attempt = () =>
    run("kubectl", [
      ...["--kubeconfig", bundleKubeconfigPath, "--server", `${ILB}:443`],
      ...["--request-timeout=2s", "get", "--raw", "/api"],
    ]);
  const loop = (async () => {
    while (running) {
      if (fs.existsSync(bundleKubeconfigPath)) {
        result.requests++;
        let last = "";
        let ok = false;
        for (let i = 0; i < 3 && !ok; i++) {
          const r = await attempt();
          ok = r.code === 0;
          last = r.stderr.trim().split("\n").pop() ?? "";
        }
        if (!ok) {
          result.failed++;
          result.errors.push(`${new Date().toISOString()} ${last}`);
        }
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return result;
    },
  };
}

const plainUp = (onLine: (l: string) => void) => up([], { timeoutMs: 1_800_000, onLine });

/** `pulumi up`, SIGKILLed with everything it started when a line matches `when`. */
async function killedUp(when: RegExp, onLine: (l: string) => void) {
  let fired = false;
  const r = await up([], {
    timeoutMs: 1_800_000,
    detached: true,
    onLine: (line, child) => {
      onLine(line);
      if (fired || !when.test(line)) return;
      fired = true;
      killTree(child, "SIGKILL");
    },
  });
  return { r, fired };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on("exit", () => resolve());
    killGroup(child, "SIGTERM");
  });
}
