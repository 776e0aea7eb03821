// The lab's Kubernetes control plane, against a real lab: kube-apiserver, controller-manager and
// scheduler built from the k8s.io/kubernetes module running as systemd units on every master,
// the stand-in kubelets on every node, the internal LB, the workloads. Uses the running lab if
// there is one (and then leaves it up), otherwise brings one up (3 masters, 2 agents, RSA 2048)
// and takes it down afterwards. Needs root, like the lab.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const INVENTORY = path.join(REPO, ".work/lab/nodes.json");
const CERTS = "/etc/kubernetes/certs";

interface LabNode {
  name: string;
  ip: string;
  role: "master" | "agent";
  dir: string;
}
interface Inventory {
  apiServerIP: string;
  internalLbIP: string;
  masterCount: number;
  outputDir: string;
  location: string;
  orchestratorVersion: string;
  nodes: LabNode[];
}
interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input?: string): Result {
  const r = spawnSync(cmd, args, { cwd: REPO, input, encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function ok(cmd: string, args: string[], input?: string): string {
  const r = run(cmd, args, input);
  assert.strictEqual(r.code, 0, `${cmd} ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** The recorded lab exists and each node's PID 1 is still the process the lab started. */
function labIsUp(): boolean {
  if (!fs.existsSync(INVENTORY)) return false;
  const inv = JSON.parse(fs.readFileSync(INVENTORY, "utf8")) as Inventory;
  return inv.nodes.every((n) => {
    try {
      const pid = fs.readFileSync(path.join(n.dir, "pid1"), "utf8").trim();
      const start = fs.readFileSync(path.join(n.dir, "pid1.start"), "utf8").trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] === start;
    } catch {
      return false;
    }
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("lab control plane (real kube-apiserver, stand-in kubelets)", function () {
  this.timeout(30 * 60 * 1000);
  let inv: Inventory;
  let startedLab = false;
  let tmp: string;
  let adminKubeconfig: string;

  const kubectl = (...args: string[]): Result =>
    run("kubectl", [
      "--kubeconfig",
      adminKubeconfig,
      "--server",
      `https://${inv.apiServerIP}:443`,
      "--request-timeout=20s",
      ...args,
    ]);
  const json = <T>(...args: string[]): T => {
    const r = kubectl(...args, "-o", "json");
    assert.strictEqual(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const ssh = (node: string, command: string, input?: string): string =>
    ok("bash", [path.join(REPO, "lab/ssh.sh"), node, command], input);

  interface Condition {
    type: string;
    status: string;
  }
  interface NodeObject {
    metadata: { name: string; labels: Record<string, string> };
    status: { conditions: Condition[] };
  }
  const readyOf = (name: string): string =>
    json<NodeObject>("get", "node", name).status.conditions.find((c) => c.type === "Ready")
      ?.status ?? "none";

  before(function () {
    if (labIsUp()) {
      ok("bash", ["lab/control-plane/up.sh"]); // idempotent: only fills in what is missing
    } else {
      startedLab = true;
      ok("bash", ["lab/lab.sh", "up", "--masters", "3", "--agents", "2", "--key-bits", "2048"]);
    }
    inv = JSON.parse(fs.readFileSync(INVENTORY, "utf8")) as Inventory;
    adminKubeconfig = path.join(inv.outputDir, "kubeconfig", `kubeconfig.${inv.location}.json`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cp-test-"));
  });

  after(function () {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    if (startedLab) ok("bash", ["lab/lab.sh", "down"]);
  });

  it("lists every master and agent Ready, with AKS Engine's role labels", function () {
    const nodes = json<{ items: NodeObject[] }>("get", "nodes").items;
    assert.deepStrictEqual(
      nodes.map((n) => n.metadata.name).sort(),
      inv.nodes.map((n) => n.name).sort(),
    );
    for (const n of nodes) {
      const role = inv.nodes.find((x) => x.name === n.metadata.name)!.role;
      assert.strictEqual(readyOf(n.metadata.name), "True", `${n.metadata.name} not Ready`);
      assert.ok(`node-role.kubernetes.io/${role}` in n.metadata.labels, `${n.metadata.name} role`);
      assert.strictEqual(n.metadata.labels["kubernetes.azure.com/role"], role);
    }
  });

  it("answers /readyz on every master, through the internal LB, with the built version", function () {
    const servers = inv.nodes.filter((n) => n.role === "master").map((n) => n.ip);
    if (inv.masterCount > 1) servers.push(inv.internalLbIP);
    for (const ip of servers) {
      const out = ok("kubectl", [
        "--kubeconfig",
        adminKubeconfig,
        "--server",
        `https://${ip}:443`,
        "get",
        "--raw",
        "/readyz",
      ]);
      assert.strictEqual(out.trim(), "ok", ip);
    }
    const version = json<{ serverVersion: { gitVersion: string } }>("version");
    assert.strictEqual(version.serverVersion.gitVersion, `v${inv.orchestratorVersion}`);
  });

  it("verifies TLS from the host: the FQDN does not resolve there, a wrong server name is refused", function () {
    // Without --server the FQDN is used and fails to resolve; with a wrong CA TLS must fail.
    const noServer = run("kubectl", [
      "--kubeconfig",
      adminKubeconfig,
      "--request-timeout=5s",
      "get",
      "nodes",
    ]);
    assert.notStrictEqual(noServer.code, 0);
    const wrongName = run("kubectl", [
      "--kubeconfig",
      adminKubeconfig,
      "--server",
      `https://${inv.apiServerIP}:443`,
      "--tls-server-name",
      "not-in-the-cert.example",
      "get",
      "nodes",
    ]);
    assert.notStrictEqual(wrongName.code, 0);
    assert.match(wrongName.stderr, /certificate/);
  });

  it("has the workloads: kube-proxy on every node, Deployment, StatefulSet, bare pod, probe SA", function () {
    const ds = json<{ status: { desiredNumberScheduled: number; numberReady: number } }>(
      "-n",
      "kube-system",
      "get",
      "daemonset",
      "kube-proxy",
    );
    assert.strictEqual(ds.status.desiredNumberScheduled, inv.nodes.length);
    assert.strictEqual(ds.status.numberReady, inv.nodes.length);
    const proxy = json<{
      spec: { template: { spec: { volumes: { hostPath?: { path: string } }[] } } };
    }>("-n", "kube-system", "get", "daemonset", "kube-proxy");
    assert.ok(
      proxy.spec.template.spec.volumes.some(
        (v) => v.hostPath?.path === "/var/lib/kubelet/kubeconfig",
      ),
    );
    const web = json<{ status: { readyReplicas: number } }>(
      "-n",
      "lab-workloads",
      "get",
      "deployment",
      "web",
    );
    assert.strictEqual(web.status.readyReplicas, 2);
    const store = json<{ status: { readyReplicas: number } }>(
      "-n",
      "lab-workloads",
      "get",
      "statefulset",
      "store",
    );
    assert.strictEqual(store.status.readyReplicas, 2);
    const pod = json<{
      metadata: { ownerReferences?: unknown[] };
      spec: { serviceAccountName: string };
    }>("-n", "lab-workloads", "get", "pod", "probe");
    assert.strictEqual(pod.metadata.ownerReferences, undefined, "the probe pod must be bare");
    assert.strictEqual(pod.spec.serviceAccountName, "probe");
    const secret = json<{ type: string; data: { token: string } }>(
      "-n",
      "lab-workloads",
      "get",
      "secret",
      "probe-token",
    );
    assert.strictEqual(secret.type, "kubernetes.io/service-account-token");
    assert.ok(secret.data.token.length > 100);
  });

  it("accepts the probe service account's tokens (legacy Secret, TokenRequest) and rejects a forged one", function () {
    const ca = path.join(tmp, "ca.crt");
    const admin = JSON.parse(fs.readFileSync(adminKubeconfig, "utf8")) as {
      clusters: { cluster: { "certificate-authority-data": string } }[];
    };
    fs.writeFileSync(
      ca,
      Buffer.from(admin.clusters[0].cluster["certificate-authority-data"], "base64"),
    );
    // The token goes into a 0600 kubeconfig file, never into a command line.
    const asProbe = (token: string): Result => {
      const kc = path.join(tmp, "probe.kubeconfig");
      fs.writeFileSync(
        kc,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [
            {
              name: "lab",
              cluster: { server: `https://${inv.apiServerIP}:443`, "certificate-authority": ca },
            },
          ],
          users: [{ name: "probe", user: { token } }],
          contexts: [{ name: "probe", context: { cluster: "lab", user: "probe" } }],
          "current-context": "probe",
        }),
        { mode: 0o600 },
      );
      return run("kubectl", [
        "--kubeconfig",
        kc,
        "-n",
        "lab-workloads",
        "get",
        "pods",
        "-o",
        "name",
      ]);
    };
    const legacy = Buffer.from(
      json<{ data: { token: string } }>("-n", "lab-workloads", "get", "secret", "probe-token").data
        .token,
      "base64",
    ).toString();
    const requested = kubectl("-n", "lab-workloads", "create", "token", "probe", "--duration=10m");
    assert.strictEqual(requested.code, 0, requested.stderr);
    for (const token of [legacy, requested.stdout.trim()]) {
      const r = asProbe(token);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /pod\/probe/);
    }
    const [h, p, s] = requested.stdout.trim().split(".");
    const forged = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const r = asProbe(forged);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
  });

  it("turns an agent NotReady when its kubelet restarts with a foreign CA's client cert, Ready again with its own", async function () {
    const agent = inv.nodes.filter((n) => n.role === "agent").at(-1)!;
    const master = inv.nodes.find((n) => n.role === "master")!;
    const cmEnv = ssh(master.name, "cat /etc/kubernetes/kube-controller-manager.env");
    const graceMatch = /--node-monitor-grace-period=(\d+)s/.exec(cmEnv);
    assert.ok(graceMatch, "controller-manager has a --node-monitor-grace-period in seconds");
    const grace = Number(graceMatch[1]);
    assert.strictEqual(readyOf(agent.name), "True");

    // A CA that is not the cluster's, and a client cert like AKS Engine's (CN=client,
    // O=system:masters) signed by it.
    const k = (f: string) => path.join(tmp, f);
    ok("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      k("ca.key"),
      "-out",
      k("foreign-ca.crt"),
      "-days",
      "1",
      "-subj",
      "/CN=ca",
    ]);
    ok("openssl", [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      k("client.key"),
      "-out",
      k("client.csr"),
      "-subj",
      "/O=system:masters/CN=client",
    ]);
    ok("openssl", [
      "x509",
      "-req",
      "-in",
      k("client.csr"),
      "-CA",
      k("foreign-ca.crt"),
      "-CAkey",
      k("ca.key"),
      "-CAcreateserial",
      "-out",
      k("client.crt"),
      "-days",
      "1",
    ]);

    const backup = "/var/tmp/control-plane-test";
    ssh(
      agent.name,
      `sudo install -d -m 0700 ${backup} && sudo cp -p ${CERTS}/client.crt ${CERTS}/client.key ${backup}/`,
    );
    try {
      ssh(
        agent.name,
        `sudo sh -c 'cat > ${CERTS}/client.crt'`,
        fs.readFileSync(k("client.crt"), "utf8"),
      );
      ssh(
        agent.name,
        `sudo sh -c 'cat > ${CERTS}/client.key'`,
        fs.readFileSync(k("client.key"), "utf8"),
      );

      // The kubelet read its certificate at start: until it restarts, the node stays Ready.
      await sleep((grace + 10) * 1000);
      assert.strictEqual(readyOf(agent.name), "True", "Ready before the kubelet restart");

      ssh(agent.name, "sudo systemctl restart kubelet");
      const t0 = Date.now();
      // grace + the controller's 5 s monitor period + up to one 10 s heartbeat interval
      const limit = (grace + 5 + 10 + 5) * 1000;
      while (readyOf(agent.name) === "True") {
        assert.ok(Date.now() - t0 < limit, `still Ready ${limit / 1000} s after the restart`);
        await sleep(1000);
      }
      const took = (Date.now() - t0) / 1000;
      assert.ok(
        took >= grace - 12,
        `NotReady after ${took} s, sooner than the grace period allows`,
      );
      const journal = ssh(agent.name, "sudo journalctl -u kubelet -n 20 --no-pager");
      assert.match(journal, /heartbeat failing/);
    } finally {
      ssh(
        agent.name,
        `sudo cp -p ${backup}/client.crt ${backup}/client.key ${CERTS}/ && sudo rm -rf ${backup} && sudo systemctl restart kubelet`,
      );
    }
    const t1 = Date.now();
    while (readyOf(agent.name) !== "True") {
      assert.ok(Date.now() - t1 < 60_000, "Ready again within 60 s of restoring the certificate");
      await sleep(1000);
    }
  });
});
