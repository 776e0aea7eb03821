// The lab's Kubernetes control plane, against the shared lab (fixture.ts: 3 masters, 2 agents):
// kube-apiserver, controller-manager and scheduler built from the k8s.io/kubernetes module and
// running as systemd units on every master, the stand-in kubelets on every node, the internal
// load balancer, and the workloads applied through the API.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureLab, Inventory, inventoryPath } from "./fixture";
import { run, RunResult, runOk } from "./run";

const CERTS = "/etc/kubernetes/certs";

interface Condition {
  readonly type: string;
  readonly status: string;
}
interface NodeObject {
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly status: { readonly conditions: readonly Condition[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("lab control plane (real kube-apiserver, stand-in kubelets)", function () {
  this.timeout(20 * 60 * 1000);
  let inv: Inventory;
  let tmp: string;
  let adminKubeconfig: string;
  let version: string;

  const kubectlAt = (server: string, args: readonly string[]): Promise<RunResult> =>
    run("kubectl", [
      "--kubeconfig",
      adminKubeconfig,
      "--server",
      `https://${server}:443`,
      "--request-timeout=20s",
      ...args,
    ]);
  const kubectl = (...args: string[]) => kubectlAt(inv.apiServerIP, args);
  async function json<T>(...args: string[]): Promise<T> {
    const r = await kubectl(...args, "-o", "json");
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }
  async function readyOf(node: string): Promise<string> {
    const n = await json<NodeObject>("get", "node", node);
    return n.status.conditions.find((c) => c.type === "Ready")?.status ?? "none";
  }
  /** A command on a node as the admin user, over SSH with the pinned host keys. */
  const ssh = async (node: string, command: string, input?: string): Promise<string> =>
    (await runOk("bash", ["lab/ssh.sh", node, command], { input })).stdout;
  const mainPid = (node: string, unit: string) =>
    ssh(node, `systemctl show -p MainPID --value ${unit}`).then((s) => s.trim());

  /** A CA that is not the cluster's, and a client cert shaped like AKS Engine's (CN=client,
   * O=system:masters) signed by it. */
  async function foreignClientCert(): Promise<{ crt: string; key: string }> {
    const f = (name: string) => path.join(tmp, name);
    if (!fs.existsSync(f("client.crt"))) {
      await runOk("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        f("foreign-ca.key"),
        "-out",
        f("foreign-ca.crt"),
        "-days",
        "1",
        "-subj",
        "/CN=ca",
      ]);
      await runOk("openssl", [
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        f("client.key"),
        "-out",
        f("client.csr"),
        "-subj",
        "/O=system:masters/CN=client",
      ]);
      await runOk("openssl", [
        "x509",
        "-req",
        "-in",
        f("client.csr"),
        "-CA",
        f("foreign-ca.crt"),
        "-CAkey",
        f("foreign-ca.key"),
        "-CAcreateserial",
        "-out",
        f("client.crt"),
        "-days",
        "1",
      ]);
    }
    return { crt: f("client.crt"), key: f("client.key") };
  }
  /** Polls until the node's Ready condition is (or is not) True; returns the seconds it took. */
  async function waitReady(node: string, want: boolean, limitS: number): Promise<number> {
    const t0 = Date.now();
    while (((await readyOf(node)) === "True") !== want) {
      assert.ok(Date.now() - t0 < limitS * 1000, `${node} Ready=${!want} after ${limitS} s`);
      await sleep(1000);
    }
    return (Date.now() - t0) / 1000;
  }

  before(async function () {
    inv = await ensureLab();
    adminKubeconfig = path.join(inv.outputDir, "kubeconfig", `kubeconfig.${inv.location}.json`);
    // The version the lab deploys (apimodel's orchestratorVersion), not in fixture's Inventory type.
    const raw = JSON.parse(fs.readFileSync(inventoryPath, "utf8")) as {
      orchestratorVersion: string;
    };
    version = `v${raw.orchestratorVersion}`;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "control-plane-test-"));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("lists every master and agent Ready, with AKS Engine's role labels and the master taint", async function () {
    const nodes = (
      await json<{ items: (NodeObject & { spec: { taints?: { key: string }[] } })[] }>(
        "get",
        "nodes",
      )
    ).items;
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), inv.nodes.map((n) => n.name).sort());
    for (const n of nodes) {
      const role = inv.nodes.find((x) => x.name === n.metadata.name)!.role;
      const ready = n.status.conditions.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "True", `${n.metadata.name} is not Ready`);
      assert.ok(`node-role.kubernetes.io/${role}` in n.metadata.labels, n.metadata.name);
      assert.equal(n.metadata.labels["kubernetes.azure.com/role"], role);
      const tainted = (n.spec.taints ?? []).some((t) => t.key === "node-role.kubernetes.io/master");
      assert.equal(tainted, role === "master", `${n.metadata.name} master taint`);
    }
  });

  it("answers /readyz on every master and through the internal LB, as the built version", async function () {
    const servers = inv.nodes.filter((n) => n.role === "master").map((n) => n.ip);
    if (inv.masterCount > 1) servers.push(inv.internalLbIP);
    for (const ip of servers) {
      const r = await kubectlAt(ip, ["get", "--raw", "/readyz"]);
      assert.equal(r.code, 0, `${ip}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), "ok", ip);
    }
    const v = await json<{ serverVersion: { gitVersion: string } }>("version");
    assert.equal(v.serverVersion.gitVersion, version);
  });

  it("verifies TLS from the host: the FQDN does not resolve there, a wrong server name is refused", async function () {
    const byName = await run("kubectl", [
      "--kubeconfig",
      adminKubeconfig,
      "--request-timeout=5s",
      "get",
      "nodes",
    ]);
    assert.notEqual(byName.code, 0, "the FQDN is not expected to resolve on the host");
    const wrongName = await kubectlAt(inv.apiServerIP, [
      "--tls-server-name",
      "not-in-the-cert.example",
      "get",
      "nodes",
    ]);
    assert.notEqual(wrongName.code, 0);
    assert.match(wrongName.stderr, /certificate/);
  });

  it("has the workloads: kube-proxy on every node, a Deployment, a StatefulSet, a bare pod", async function () {
    const ds = await json<{
      status: { desiredNumberScheduled: number; numberReady: number };
      spec: { template: { spec: { volumes: { hostPath?: { path: string } }[] } } };
    }>("-n", "kube-system", "get", "daemonset", "kube-proxy");
    assert.equal(ds.status.desiredNumberScheduled, inv.nodes.length);
    assert.equal(ds.status.numberReady, inv.nodes.length);
    assert.ok(
      ds.spec.template.spec.volumes.some((v) => v.hostPath?.path === "/var/lib/kubelet/kubeconfig"),
      "kube-proxy mounts the node kubeconfig",
    );
    for (const [kind, name] of [
      ["deployment", "web"],
      ["statefulset", "store"],
    ]) {
      const o = await json<{ status: { readyReplicas?: number } }>(
        "-n",
        "lab-workloads",
        "get",
        kind,
        name,
      );
      assert.equal(o.status.readyReplicas, 2, `${kind}/${name}`);
    }
    const pod = await json<{
      metadata: { ownerReferences?: unknown[] };
      spec: { serviceAccountName: string };
      status: { phase: string };
    }>("-n", "lab-workloads", "get", "pod", "probe");
    assert.equal(pod.metadata.ownerReferences, undefined, "the probe pod is bare");
    assert.equal(pod.spec.serviceAccountName, "probe");
    assert.equal(pod.status.phase, "Running");
  });

  it("accepts the probe service account's tokens (legacy Secret, TokenRequest), rejects a forged one", async function () {
    const admin = JSON.parse(fs.readFileSync(adminKubeconfig, "utf8")) as {
      clusters: { cluster: { "certificate-authority-data": string } }[];
    };
    const ca = path.join(tmp, "ca.crt");
    fs.writeFileSync(
      ca,
      Buffer.from(admin.clusters[0].cluster["certificate-authority-data"], "base64"),
    );
    // A token goes into a 0600 kubeconfig file, never onto a command line.
    const asProbe = (token: string): Promise<RunResult> => {
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
    const secret = await json<{ type: string; data: { token: string } }>(
      "-n",
      "lab-workloads",
      "get",
      "secret",
      "probe-token",
    );
    assert.equal(secret.type, "kubernetes.io/service-account-token");
    const legacy = Buffer.from(secret.data.token, "base64").toString();
    const requested = await kubectl(
      "-n",
      "lab-workloads",
      "create",
      "token",
      "probe",
      "--duration=10m",
    );
    assert.equal(requested.code, 0, requested.stderr);
    for (const token of [legacy, requested.stdout.trim()]) {
      const r = await asProbe(token);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /pod\/probe/);
    }
    const [h, p, s] = requested.stdout.trim().split(".");
    const forged = `${h}.${p}.${s.slice(0, -4)}${s.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    const r = await asProbe(forged);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
  });

  it("reruns up.sh without restarting anything", async function () {
    const master = inv.nodes.find((n) => n.role === "master")!.name;
    const agent = inv.nodes.find((n) => n.role === "agent")!.name;
    const before = [await mainPid(master, "kube-apiserver"), await mainPid(agent, "kubelet")];
    await runOk("bash", ["lab/control-plane/up.sh"], { timeoutMs: 600_000 });
    assert.deepEqual(
      [await mainPid(master, "kube-apiserver"), await mainPid(agent, "kubelet")],
      before,
    );
  });

  it("turns an agent NotReady when its kubelet restarts with a foreign CA's client cert, Ready again with its own", async function () {
    const agent = inv.nodes.filter((n) => n.role === "agent").at(-1)!.name;
    const master = inv.nodes.find((n) => n.role === "master")!.name;
    const cm = await ssh(master, "cat /etc/kubernetes/kube-controller-manager.env");
    const m = /--node-monitor-grace-period=(\d+)s/.exec(cm);
    assert.ok(m, "the controller-manager has --node-monitor-grace-period in seconds");
    const grace = Number(m[1]);
    assert.equal(await readyOf(agent), "True");

    const f = await foreignClientCert();
    const backup = "/var/tmp/control-plane-test";
    await ssh(
      agent,
      `sudo install -d -m 0700 ${backup} && sudo cp -p ${CERTS}/client.crt ${CERTS}/client.key ${backup}/`,
    );
    try {
      // Keys travel on stdin, never in a command line.
      await ssh(agent, `sudo sh -c 'cat > ${CERTS}/client.crt'`, fs.readFileSync(f.crt, "utf8"));
      await ssh(agent, `sudo sh -c 'cat > ${CERTS}/client.key'`, fs.readFileSync(f.key, "utf8"));

      // The kubelet read its certificate at start: until it restarts, the node stays Ready.
      await sleep((grace + 10) * 1000);
      assert.equal(await readyOf(agent), "True", "Ready while the old kubelet process runs");

      await ssh(agent, "sudo systemctl restart kubelet");
      // grace + the controller's 5 s monitor period + up to one 10 s heartbeat interval + slack
      const took = await waitReady(agent, false, grace + 5 + 10 + 5);
      assert.ok(
        took >= grace - 12,
        `NotReady after ${took} s: sooner than the grace period allows`,
      );
      const journal = await ssh(agent, "sudo journalctl -u kubelet -n 30 --no-pager");
      assert.match(journal, /HTTP 401/, "the kubelet's requests are rejected");
      console.log(
        `      ${agent} NotReady ${took.toFixed(0)} s after the kubelet restart (grace ${grace} s)`,
      );
    } finally {
      await ssh(
        agent,
        `sudo cp -p ${backup}/client.crt ${backup}/client.key ${CERTS}/ && sudo rm -rf ${backup} && sudo systemctl restart kubelet`,
      );
    }
    await waitReady(agent, true, 60); // Ready again with its own certificate
  });

  it("prefers /var/lib/kubelet/pki/kubelet-client-current.pem over client.crt, as the kubelet does", async function () {
    const agent = inv.nodes.filter((n) => n.role === "agent")[0].name;
    assert.equal(await readyOf(agent), "True");
    const f = await foreignClientCert();
    const pem = "/var/lib/kubelet/pki/kubelet-client-current.pem";
    // A stale rotated pair (here: from a foreign CA) next to a valid client.crt.
    const pair = fs.readFileSync(f.crt, "utf8") + fs.readFileSync(f.key, "utf8");
    await ssh(
      agent,
      `sudo install -d -m 0755 /var/lib/kubelet/pki && sudo sh -c 'umask 077 && cat > ${pem}' && sudo systemctl restart kubelet`,
      pair,
    );
    try {
      const took = await waitReady(agent, false, 60);
      console.log(
        `      ${agent} NotReady ${took.toFixed(0)} s after restarting with a stale ${pem}`,
      );
      const journal = await ssh(agent, "sudo journalctl -u kubelet -n 30 --no-pager");
      assert.match(journal, new RegExp(`client certificate ${pem}`));
    } finally {
      // What the rotation does on an agent: delete the rotated pair, restart the kubelet.
      await ssh(agent, `sudo rm -f ${pem} && sudo systemctl restart kubelet`);
    }
    await waitReady(agent, true, 60);
  });
});
