// The node scripts that need real systemd and a real API server — restart-etcd, restart-control-
// plane, restart-kubelet, wait-apiserver, wait-node-ready, rollout-restart, reissue-sa-tokens,
// list-bare-pods, verify-cluster, reboot, wait-reboot — copied to real lab nodes over SSH and run
// there as the rotation runs them (sudo -n bash <script>), each twice: the second run must do
// nothing (same files, same service PIDs and start times, same object generations). Plus the
// operator-side write-file.sh. Uses the running lab if there is one (and leaves it up), otherwise
// the shared lab of this layer. Restarts etcd on every master and the control plane once: a few
// seconds of API downtime. The certificates stay as they are; nothing is rotated here.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureLab, inventoryPath, readInventory, type Inventory } from "./fixture";
import { run } from "./run";

const REPO = path.resolve(__dirname, "../..");
const REMOTE_DIR = ".aks-rotate-certs-lab-test";
const UNITS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet"];

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const q = (w: string) => (/^[A-Za-z0-9._/:=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`);

function ssh(node: string, command: string, input?: string): Result {
  const r = spawnSync("bash", [path.join(REPO, "lab/ssh.sh"), node, command], {
    input,
    encoding: "utf8",
    timeout: 900_000,
    maxBuffer: 64 << 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
function mustSsh(node: string, command: string, input?: string): string {
  const r = ssh(node, command, input);
  assert.strictEqual(r.code, 0, `${node}: ${command} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
/** Runs a delivered script on a node as the rotation does. */
function script(node: string, name: string, args: readonly string[] = []): Result {
  return ssh(
    node,
    ["sudo", "-n", "bash", `${REMOTE_DIR}/remote/${name}`, ...args].map(q).join(" "),
  );
}

/** What a second run must not change on a node: files under /etc/kubernetes and the units. */
const STATE_SCRIPT = `
find /etc/kubernetes -xdev -printf '%p %m %u:%g %T@ ' -exec sh -c '[ -f "$1" ] && sha256sum <"$1" || echo dir' _ {} \\;
for u in ${UNITS.join(" ")}; do
  systemctl show -p Id -p MainPID -p ActiveEnterTimestampMonotonic -p NRestarts "$u.service"
done
`;
function nodeState(node: string): string {
  return mustSsh(node, "sudo -n bash -s", STATE_SCRIPT);
}
/**
 * Forgets that a unit was restarted for its current files (the state restart_unit_for keeps), so
 * the next run restarts it for real even on a lab that a rotation already went through; the run
 * then records the same digest again.
 */
function forgetRestart(node: string, ...units: string[]): void {
  const files = units.map((u) => `/etc/kubernetes/rotate-certs/state/restart-${u}`).join(" ");
  mustSsh(node, `sudo -n rm -f ${files}`);
}
function unitStart(node: string, unit: string): string {
  return mustSsh(
    node,
    `systemctl show -p MainPID -p ActiveEnterTimestampMonotonic ${unit}.service`,
  );
}

/** Pid 1 of each recorded node is still the process the lab started. */
function runningLab(): Inventory | undefined {
  if (!fs.existsSync(inventoryPath)) return undefined;
  const inv = readInventory();
  const alive = inv.nodes.every((n) => {
    try {
      const pid = fs.readFileSync(path.join(n.dir, "pid1"), "utf8").trim();
      const start = fs.readFileSync(path.join(n.dir, "pid1.start"), "utf8").trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] === start;
    } catch {
      return false;
    }
  });
  return alive ? inv : undefined;
}

describe("node scripts on real lab nodes (systemd, etcd, kube-apiserver), each run twice", function () {
  this.timeout(20 * 60 * 1000);
  let inv: Inventory;
  let masters: string[];
  let agents: string[];
  let all: string[];
  let m0: string;
  let controlPlane = false;
  const timings: Record<string, number> = {};

  /** Runs a script twice on a node; the second run must succeed and leave `state()` unchanged. */
  function twice(
    node: string,
    name: string,
    args: readonly string[] = [],
    state: () => string = () => nodeState(node),
  ): { first: Result; second: Result } {
    const t0 = Date.now();
    const first = script(node, name, args);
    timings[`${name} first (${node})`] = Date.now() - t0;
    assert.strictEqual(first.code, 0, `${name} first run failed: ${first.stderr}`);
    const before = state();
    const t1 = Date.now();
    const second = script(node, name, args);
    timings[`${name} second (${node})`] = Date.now() - t1;
    assert.strictEqual(second.code, 0, `${name} second run failed: ${second.stderr}`);
    assert.strictEqual(state(), before, `${name} on ${node}: the second run changed something`);
    return { first, second };
  }
  const kubectl = (node: string, args: string) =>
    mustSsh(
      node,
      `sudo -n kubectl --kubeconfig /var/lib/kubelet/kubeconfig --request-timeout=20s ${args}`,
    );
  // A missing prerequisite fails the test: a skipped test would vanish from the tally.
  const requireControlPlane = () => {
    assert.ok(
      controlPlane,
      `kube-apiserver is not active on ${m0}: these tests need the lab's control plane (npm run lab -- status; npm run lab -- up)`,
    );
  };

  before(async function () {
    inv = runningLab() ?? (await ensureLab());
    masters = inv.nodes.filter((n) => n.role === "master").map((n) => n.name);
    agents = inv.nodes.filter((n) => n.role === "agent").map((n) => n.name);
    all = [...masters, ...agents];
    m0 = masters[0];
    // Deliver the scripts as CopyToRemote does: into the admin's home, run through sudo -n.
    const tar = spawnSync("tar", ["-C", path.join(REPO, "scripts"), "-czf", "-", "remote"]);
    assert.strictEqual(tar.status, 0);
    for (const n of all) {
      const r = spawnSync(
        "bash",
        [
          path.join(REPO, "lab/ssh.sh"),
          n,
          `rm -rf ${REMOTE_DIR} && mkdir -p ${REMOTE_DIR} && tar -C ${REMOTE_DIR} -xzf -`,
        ],
        { input: tar.stdout },
      );
      assert.strictEqual(r.status, 0, `delivery to ${n}: ${r.stderr}`);
    }
    controlPlane = ssh(m0, "systemctl is-active --quiet kube-apiserver").code === 0;
  });

  after(() => {
    for (const n of all ?? []) ssh(n, `rm -rf ${REMOTE_DIR}`);
    console.log("      timings (ms):", JSON.stringify(timings, null, 2));
  });

  describe("etcd", () => {
    it("restart-etcd.sh restarts every member together once, then the gate passes; the second run restarts nothing", () => {
      for (const m of masters) forgetRestart(m, "etcd");
      const pids = masters.map((m) => unitStart(m, "etcd"));
      // All members at once, as the graph runs them: each restart is --no-block.
      const t0 = Date.now();
      const first = masters.map((m) => script(m, "restart-etcd.sh"));
      first.forEach((r, i) => assert.strictEqual(r.code, 0, `${masters[i]}: ${r.stderr}`));
      const gate = masters.map((m) => script(m, "wait-etcd-healthy.sh", ["120"]));
      timings["etcd restart of all members until healthy"] = Date.now() - t0;
      gate.forEach((r, i) => assert.strictEqual(r.code, 0, `${masters[i]} gate: ${r.stderr}`));
      for (const r of gate)
        assert.match(r.stdout, new RegExp(`etcd healthy: ${masters.length} members`));
      masters.forEach((m, i) => {
        assert.match(first[i].stdout, /restarted etcd at \d+/);
        assert.notStrictEqual(unitStart(m, "etcd"), pids[i], `${m}: etcd kept its PID`);
      });
      for (const m of masters) {
        const { second } = twice(m, "restart-etcd.sh");
        assert.match(second.stdout, /etcd already restarted for these files at \d+; nothing to do/);
      }
    });

    it("wait-etcd-healthy.sh passes twice and changes nothing", () => {
      twice(masters[1], "wait-etcd-healthy.sh", ["60"]);
    });
  });

  describe("control plane (systemd units, as in the lab)", () => {
    it("restart-control-plane.sh restarts apiserver, controller-manager and scheduler once per master", function () {
      requireControlPlane();
      const units = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
      for (const m of masters) {
        forgetRestart(m, ...units);
        const before = units.map((u) => unitStart(m, u));
        const t0 = Date.now();
        const { first, second } = twice(m, "restart-control-plane.sh", ["120"]);
        timings[`control plane restart + second run (${m})`] = Date.now() - t0;
        assert.match(first.stdout, /3 control-plane components current/);
        // The first run restarted each unit (new PID and start time); the second left them be.
        const after = units.map((u) => unitStart(m, u));
        units.forEach((u, i) => {
          assert.match(first.stdout, new RegExp(`restarted ${u} at \\d+`));
          assert.notStrictEqual(after[i], before[i], `${m}: ${u} not restarted`);
        });
        for (const u of units) {
          assert.match(second.stdout, new RegExp(`${u} already restarted for these files`));
        }
        const t1 = Date.now();
        const ready = twice(m, "wait-apiserver.sh", ["180"]);
        timings[`wait-apiserver both runs (${m})`] = Date.now() - t1;
        assert.match(ready.second.stdout, /kube-apiserver at https:\/\/127\.0\.0\.1:443 ready/);
      }
    });

    it("wait-apiserver.sh fails with the reason when the API server does not come up", function () {
      requireControlPlane();
      const m = masters[masters.length - 1];
      mustSsh(m, "sudo -n systemctl stop kube-apiserver");
      try {
        const r = script(m, "wait-apiserver.sh", ["4"]);
        assert.notStrictEqual(r.code, 0);
        assert.match(r.stderr, /kube-apiserver at https:\/\/127\.0\.0\.1:443 not ready after 4s/);
      } finally {
        mustSsh(m, "sudo -n systemctl start kube-apiserver");
      }
      assert.strictEqual(script(m, "wait-apiserver.sh", ["180"]).code, 0);
    });
  });

  describe("kubelets and node readiness", () => {
    it("restart-kubelet.sh restarts the kubelet once, and the node turns Ready with a fresh status", function () {
      requireControlPlane();
      const a = agents[agents.length - 1];
      forgetRestart(a, "kubelet");
      const before = unitStart(a, "kubelet");
      const { first, second } = twice(a, "restart-kubelet.sh");
      const at = /^restarted-at=(\d+)$/m.exec(first.stdout)?.[1];
      assert.ok(at, first.stdout);
      assert.strictEqual(/^restarted-at=(\d+)$/m.exec(second.stdout)?.[1], at);
      assert.match(second.stdout, /kubelet already restarted for these files/);
      assert.match(first.stdout, /restarted kubelet at \d+/);
      assert.notStrictEqual(unitStart(a, "kubelet"), before);
      const t0 = Date.now();
      const ready = twice(m0, "wait-node-ready.sh", [a, at, "180"]);
      timings[`node Ready after kubelet restart (${a})`] = Date.now() - t0;
      assert.match(ready.second.stdout, new RegExp(`${a} Ready \\(status posted since ${at}\\)`));
    });

    it("wait-node-ready.sh refuses a Ready status older than the restart", function () {
      requireControlPlane();
      const future = String(Math.floor(Date.now() / 1000) + 3600);
      const r = script(m0, "wait-node-ready.sh", [agents[0], future, "5"]);
      assert.notStrictEqual(r.code, 0);
      assert.match(
        r.stderr,
        new RegExp(`${agents[0]} not Ready with a status posted since ${future} after 5s`),
      );
    });
  });

  describe("workloads and service accounts", () => {
    const token = `lab-${crypto.randomBytes(4).toString("hex")}`;
    const generation = (kind: string, ns: string, name: string) =>
      kubectl(m0, `get ${kind} ${name} -n ${ns} -o jsonpath={.metadata.generation}`).trim();

    it("rollout-restart.sh restarts a workload once per token; kube-system rollouts are waited for", function () {
      requireControlPlane();
      const state = () =>
        `${generation("deployment", "lab-workloads", "web")} ${generation("daemonset", "kube-system", "kube-proxy")}`;
      const before = state();
      const web = twice(
        m0,
        "rollout-restart.sh",
        [token, "lab-workloads/deployment/web", "300"],
        state,
      );
      assert.match(web.first.stdout, /restarted lab-workloads\/deployment\/web/);
      assert.match(web.second.stdout, new RegExp(`0 restarted, 1 already restarted for ${token}`));
      const t0 = Date.now();
      const proxy = twice(
        m0,
        "rollout-restart.sh",
        [token, "kube-system/daemonset/kube-proxy", "300"],
        state,
      );
      timings["kube-proxy rollout (first run, waited)"] = Date.now() - t0;
      assert.match(proxy.first.stdout, /restarted kube-system\/daemonset\/kube-proxy/);
      const [webBefore, proxyBefore] = before.split(" ").map(Number);
      const [webAfter, proxyAfter] = state().split(" ").map(Number);
      assert.strictEqual(webAfter, webBefore + 1);
      assert.strictEqual(proxyAfter, proxyBefore + 1);
      const missing = script(m0, "rollout-restart.sh", [token, "lab-workloads/deployment/nope"]);
      assert.strictEqual(missing.code, 0);
      assert.match(
        missing.stdout,
        /no deployment lab-workloads\/nope in the cluster; nothing to restart/,
      );
    });

    it("reissue-sa-tokens.sh re-issues a token the API server key did not sign in the same Secret, once, and keeps the others", function () {
      requireControlPlane();
      const ns = `scripts-lab-${crypto.randomBytes(3).toString("hex")}`;
      // A legacy token secret holding a JWT signed by a key that is not apiserver.key.
      const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
      const b64u = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const body = `${b64u({ alg: "RS256" })}.${b64u({ iss: "kubernetes/serviceaccount", sub: "x" })}`;
      const jwt = `${body}.${crypto.sign("sha256", Buffer.from(body), privateKey).toString("base64url")}`;
      const manifest = {
        apiVersion: "v1",
        kind: "List",
        items: [
          { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
          { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "t", namespace: ns } },
          {
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/service-account-token",
            metadata: {
              name: "stale-token",
              namespace: ns,
              annotations: { "kubernetes.io/service-account.name": "t" },
            },
            data: { token: Buffer.from(jwt).toString("base64") },
          },
          {
            // No token: the token controller fills it in, signed by the current apiserver.key.
            apiVersion: "v1",
            kind: "Secret",
            type: "kubernetes.io/service-account-token",
            metadata: {
              name: "fresh-token",
              namespace: ns,
              annotations: { "kubernetes.io/service-account.name": "t" },
            },
          },
        ],
      };
      mustSsh(
        m0,
        "sudo -n kubectl --kubeconfig /var/lib/kubelet/kubeconfig apply -f -",
        JSON.stringify(manifest),
      );
      try {
        const secrets = () =>
          kubectl(
            m0,
            "get secrets -A --field-selector type=kubernetes.io/service-account-token -o name",
          )
            .split("\n")
            .filter(Boolean)
            .sort()
            .join(" ");
        const filled = () =>
          ssh(
            m0,
            `sudo -n kubectl --kubeconfig /var/lib/kubelet/kubeconfig get secret fresh-token -n ${ns} -o jsonpath={.data.token}`,
          ).stdout.length > 0;
        for (let i = 0; i < 30 && !filled(); i++) spawnSync("sleep", ["1"]);
        assert.ok(filled(), "the token controller did not fill fresh-token in 30 s");
        const get = (name: string, path: string) =>
          kubectl(m0, `get secret ${name} -n ${ns} -o jsonpath={${path}}`);
        const uid = get("stale-token", ".metadata.uid");
        const freshToken = get("fresh-token", ".data.token");
        // The same set of token Secrets before and after (none deleted): `twice` checks that the
        // second run leaves it as the first did.
        const before = secrets();
        assert.match(before, /secret\/stale-token/);
        const { first, second } = twice(m0, "reissue-sa-tokens.sh", [], secrets);
        assert.strictEqual(secrets(), before);
        assert.match(first.stdout, new RegExp(`reissued ${ns}/stale-token`));
        assert.match(first.stdout, /1 reissued, [1-9]\d* already signed by the current key/);
        assert.match(second.stdout, /0 reissued, [1-9]\d* already signed by the current key/);
        // The same Secret (uid), now holding a token the controller issued, not the forged one.
        assert.strictEqual(get("stale-token", ".metadata.uid"), uid);
        const token = Buffer.from(get("stale-token", ".data.token"), "base64").toString();
        assert.notStrictEqual(token, jwt);
        assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
        // A token the current apiserver.key signed is kept as it was.
        assert.strictEqual(get("fresh-token", ".data.token"), freshToken);
      } finally {
        ssh(
          m0,
          `sudo -n kubectl --kubeconfig /var/lib/kubelet/kubeconfig delete namespace ${ns} --wait=false`,
        );
      }
    });

    it("list-bare-pods.sh lists the lab's bare pod and nothing it owns, the same both times", function () {
      requireControlPlane();
      const { first, second } = twice(m0, "list-bare-pods.sh");
      assert.strictEqual(second.stdout, first.stdout);
      assert.match(first.stdout, /^bare-pod lab-workloads\/probe$/m);
      assert.doesNotMatch(first.stdout, /bare-pod lab-workloads\/web-/);
    });
  });

  describe("verify-cluster.sh", () => {
    const OLD = "/etc/kubernetes/rotate-certs/backup/home/azureuser/.kube/config";

    it("fails while the 'old' admin kubeconfig is still accepted, passes once it is not", function () {
      requireControlPlane();
      // A lab rotated before holds the pre-rotation admin kubeconfig there, which this test must
      // neither overwrite nor skip: it needs a lab that was never rotated.
      assert.notStrictEqual(
        ssh(m0, `sudo -n test -e ${OLD}`).code,
        0,
        `${m0} has ${OLD}: this lab was rotated before; this test needs a fresh one (npm run lab -- down; npm run lab -- up)`,
      );
      mustSsh(m0, `sudo -n install -D -m 0600 /home/azureuser/.kube/config ${OLD}`);
      try {
        const same = script(m0, "verify-cluster.sh", ["azureuser", ...all]);
        assert.notStrictEqual(same.code, 0);
        assert.match(same.stderr, /old admin kubeconfig still accepted/);
        assert.match(same.stderr, /the API server still accepts the old admin client certificate/);

        // An admin kubeconfig from another CA stands for the pre-rotation one.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
        try {
          const sh = (c: string) =>
            assert.strictEqual(spawnSync("bash", ["-c", c], { cwd: dir }).status, 0, c);
          sh(
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=other-ca 2>/dev/null",
          );
          sh(
            "openssl req -newkey rsa:2048 -nodes -keyout c.key -out c.csr -subj /O=system:masters/CN=client 2>/dev/null",
          );
          sh(
            "openssl x509 -req -in c.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out c.crt 2>/dev/null",
          );
          const b64 = (f: string) => fs.readFileSync(path.join(dir, f)).toString("base64");
          const old = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
              {
                name: "c",
                cluster: {
                  server: `https://${inv.fqdn}`,
                  "certificate-authority-data": b64("ca.crt"),
                },
              },
            ],
            users: [
              {
                name: "u",
                user: { "client-certificate-data": b64("c.crt"), "client-key-data": b64("c.key") },
              },
            ],
            contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
            "current-context": "c",
          };
          mustSsh(m0, `sudo -n install -m 0600 /dev/stdin ${OLD}`, JSON.stringify(old));
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
        const { first } = twice(m0, "verify-cluster.sh", ["azureuser", ...all]);
        assert.match(first.stdout, /old admin kubeconfig rejected/);
        assert.match(first.stdout, new RegExp(`rotation verified: ${all.length} nodes Ready`));
      } finally {
        ssh(m0, `sudo -n rm -f ${OLD}`);
      }
    });
  });

  describe("reboots", () => {
    const CONTAINER_REBOOT_OK = "/etc/kubernetes/container-reboot-ok";

    it("reboot.sh refuses, before recording anything, on a lab node that would not come back", () => {
      const a = agents[0];
      // A lab that restarts its nodes says so with the marker; take it away for this test.
      const hadMarker = ssh(a, `test -e ${CONTAINER_REBOOT_OK}`).code === 0;
      if (hadMarker) mustSsh(a, `sudo -n mv ${CONTAINER_REBOOT_OK} ${CONTAINER_REBOOT_OK}.off`);
      try {
        const token = `lab-${crypto.randomBytes(4).toString("hex")}`;
        const before = nodeState(a);
        for (let i = 0; i < 2; i++) {
          const r = script(a, "reboot.sh", [token]);
          assert.notStrictEqual(r.code, 0);
          assert.match(
            r.stderr,
            /not rebooting: this node is a container \(\S+\) whose manager does not restart it/,
          );
        }
        assert.strictEqual(nodeState(a), before);
        const wait = script(a, "wait-reboot.sh", [token]);
        assert.notStrictEqual(wait.code, 0);
        assert.match(wait.stderr, new RegExp(`no reboot recorded for ${token} on this node`));
        // …and the pre-flight gate says so before a rotation touches anything.
        const pre = script(a, "preflight.sh", [
          "--reboot",
          a,
          "agent",
          "/etc/kubernetes/certs/ca.crt",
        ]);
        assert.notStrictEqual(pre.code, 0);
        assert.match(
          pre.stderr,
          new RegExp(`preflight: ${a}: cannot reboot: this node is a container`),
        );
        assert.strictEqual(
          script(a, "preflight.sh", [a, "agent", "/etc/kubernetes/certs/ca.crt"]).code,
          0,
        );
      } finally {
        if (hadMarker) mustSsh(a, `sudo -n mv ${CONTAINER_REBOOT_OK}.off ${CONTAINER_REBOOT_OK}`);
      }
    });

    it("reboot.sh reboots once and wait-reboot.sh sees the new boot (lab nodes that restart)", async function () {
      const a = agents[0];
      // Runs once the lab restarts a node after `systemctl reboot` and says so on the node.
      assert.strictEqual(
        ssh(a, `test -e ${CONTAINER_REBOOT_OK}`).code,
        0,
        `${a} has no ${CONTAINER_REBOOT_OK} (lab/node/init.sh writes it): rebuild the lab (npm run lab -- down; npm run lab -- up)`,
      );
      const token = `lab-${crypto.randomBytes(4).toString("hex")}`;
      const r = script(a, "reboot.sh", [token, "2"]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(script(a, "reboot.sh", [token, "2"]).stdout, /already scheduled; nothing to do/);
      const t0 = Date.now();
      let back: Result | undefined;
      while (Date.now() - t0 < 300_000) {
        await new Promise((res) => setTimeout(res, 3000));
        const w = script(a, "wait-reboot.sh", [token, "120"]);
        if (w.code === 0) {
          back = w;
          break;
        }
      }
      assert.ok(back, "node did not come back within 300 s");
      timings[`reboot until wait-reboot passes (${a})`] = Date.now() - t0;
      const at = /^booted-at=(\d+)$/m.exec(back.stdout)?.[1];
      assert.ok(at);
      const again = twice(a, "wait-reboot.sh", [token, "120"]);
      assert.strictEqual(/^booted-at=(\d+)$/m.exec(again.second.stdout)?.[1], at);
      assert.match(twice(a, "reboot.sh", [token]).second.stdout, /already rebooted for/);
    });

    it("wait-boot.sh (operator side) outlasts a node that refuses logins for 10 s after boot", async function () {
      const a = agents[0];
      const node = inv.nodes.find((n) => n.name === a)!;
      const jump = inv.nodes.find((n) => n.role === "master" && n.index === 0)!;
      const known = fs.readFileSync(inv.knownHosts, "utf8").split("\n");
      const pin = (name: string) =>
        known
          .find((l) => l.startsWith(`${name},`) && l.includes(" ssh-ed25519 "))!
          .replace(/^\S+ /, "");
      // The fault: pam_nologin refuses logins until systemd-user-sessions runs, 10 s late.
      const dropIn = "/etc/systemd/system/systemd-user-sessions.service.d/50-lab-delay.conf";
      mustSsh(
        a,
        `sudo -n mkdir -p ${path.dirname(dropIn)} && printf '[Service]\\nExecStartPre=/bin/sleep 10\\n' | sudo -n tee ${dropIn} >/dev/null && sudo -n systemctl daemon-reload`,
      );
      try {
        const token = `lab-${crypto.randomBytes(4).toString("hex")}`;
        assert.strictEqual(script(a, "reboot.sh", [token, "2"]).code, 0);
        // Beside the wait, plain logins every second: they must meet the refusal.
        const refusals: string[] = [];
        let probing = true;
        const probe = (async () => {
          while (probing) {
            const r = await run("ssh", [
              "-n",
              ...["-i", inv.sshKey, "-o", `UserKnownHostsFile="${inv.knownHosts}"`],
              ...["-o", "BatchMode=yes", "-o", "ConnectTimeout=2"],
              `${inv.adminUsername}@${node.ip}`,
              "true",
            ]);
            if (/Permission denied|Connection closed by/.test(r.stderr)) refusals.push(r.stderr);
            await new Promise((res) => setTimeout(res, 1000));
          }
        })();
        const t0 = Date.now();
        const wait = await run(
          "bash",
          [
            path.join(REPO, "scripts/local/wait-boot.sh"),
            inv.adminUsername,
            node.ip,
            pin(a),
            jump.ip,
            pin(jump.name),
            ["sudo", "-n", "bash", `${REMOTE_DIR}/remote/wait-reboot.sh`, token, "120"].join(" "),
            "300",
          ],
          { input: fs.readFileSync(inv.sshKey, "utf8"), timeoutMs: 330_000 },
        );
        probing = false;
        await probe;
        timings[`reboot with a 10 s login refusal until wait-boot passes (${a})`] = Date.now() - t0;
        assert.strictEqual(wait.code, 0, wait.stderr);
        assert.match(wait.stdout, /^booted-at=\d+$/m);
        assert.match(wait.stderr, /answered after ([2-9]|\d{2,}) tries/);
        assert.ok(
          refusals.length > 0,
          "no login was refused during the boot: the fault did not happen",
        );
      } finally {
        mustSsh(a, `sudo -n rm -f ${dropIn} && sudo -n systemctl daemon-reload`);
      }
    });
  });

  describe("write-file.sh (operator side)", () => {
    it("writes once, keeps the file it replaced each time it replaces one, and a second run changes nothing", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-file-"));
      try {
        const dest = path.join(dir, "kubeconfig", "kubeconfig.local.json");
        const backup = `${dest}.before-rotation`;
        fs.mkdirSync(path.dirname(dest));
        fs.writeFileSync(dest, "old\n");
        const run = (content: string, file = "write-file.sh", args = [dest, backup]) =>
          spawnSync("bash", [path.join(REPO, "scripts/local", file), ...args], {
            input: content,
            encoding: "utf8",
          });
        assert.match(
          run("new\n").stdout,
          /kept the previous .* as .*before-rotation\nwrite-file: wrote/,
        );
        const stat = fs.statSync(dest);
        const second = run("new\n");
        assert.match(second.stdout, /unchanged/);
        assert.strictEqual(fs.statSync(dest).mtimeMs, stat.mtimeMs);
        assert.strictEqual((stat.mode & 0o777).toString(8), "600");
        assert.strictEqual(fs.readFileSync(backup, "utf8"), "old\n", "a rerun keeps the backup");
        // The next rotation replaces "new": the backup re-arms with it (a rollback goes back one).
        run("newer\n");
        assert.strictEqual(fs.readFileSync(backup, "utf8"), "new\n", "the backup did not re-arm");
        assert.strictEqual((fs.statSync(backup).mode & 0o777).toString(8), "600");
        assert.strictEqual(run("").status, 1);
        // restore-file.sh, the rollback's counterpart: puts the backup back, once.
        assert.match(run("", "restore-file.sh").stdout, /restored/);
        assert.strictEqual(fs.readFileSync(dest, "utf8"), "new\n");
        const m = fs.statSync(dest).mtimeMs;
        assert.match(run("", "restore-file.sh").stdout, /already equals/);
        assert.strictEqual(fs.statSync(dest).mtimeMs, m);
        assert.strictEqual(run("", "restore-file.sh", [dest, `${dest}.missing`]).status, 1);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("tags the copy with its rotation: another rotation's rollback leaves the file as it is", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-file-"));
      try {
        const dest = path.join(dir, "apimodel.json");
        const backup = `${dest}.before-rotation`;
        fs.writeFileSync(dest, "r0\n");
        const run = (file: string, args: string[], input = "") =>
          spawnSync("bash", [path.join(REPO, "scripts/local", file), dest, backup, ...args], {
            input,
            encoding: "utf8",
          });
        assert.strictEqual(run("write-file.sh", ["r1"], "r1\n").status, 0);
        assert.strictEqual(fs.readFileSync(`${backup}.rotation-id`, "utf8"), "r1\n");
        // Rotation r2 was interrupted before it replaced the file: its rollback keeps r1's file.
        const r2 = run("restore-file.sh", ["r2"]);
        assert.strictEqual(r2.status, 0);
        assert.match(
          r2.stdout,
          /rotation r2 did not replace .* \(its copy is rotation r1's\): left as it is/,
        );
        assert.strictEqual(fs.readFileSync(dest, "utf8"), "r1\n");
        // r1's rollback puts r0's back; an untagged copy (before tags) is restored too.
        assert.strictEqual(run("restore-file.sh", ["r1"]).status, 0);
        assert.strictEqual(fs.readFileSync(dest, "utf8"), "r0\n");
        fs.writeFileSync(dest, "r1\n");
        fs.rmSync(`${backup}.rotation-id`);
        assert.strictEqual(run("restore-file.sh", ["r9"]).status, 0);
        assert.strictEqual(fs.readFileSync(dest, "utf8"), "r0\n");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("fails with one line naming the folder when it cannot write there, the file left whole", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-file-"));
      const dest = path.join(dir, "apimodel.json");
      fs.writeFileSync(dest, "old\n");
      // Read-only for root too: a read-only bind mount over the folder.
      execFileSync("bash", [
        "-c",
        `mount --bind '${dir}' '${dir}' && mount -o remount,bind,ro '${dir}'`,
      ]);
      try {
        const r = spawnSync(
          "bash",
          [path.join(REPO, "scripts/local/write-file.sh"), dest, `${dest}.before-rotation`, "r1"],
          { input: "new\n", encoding: "utf8" },
        );
        assert.strictEqual(r.status, 1);
        assert.strictEqual(
          r.stderr.trim(),
          `write-file: cannot write in ${dir} (read-only, full or not this user's): make it writable and run pulumi up again`,
        );
        assert.strictEqual(fs.readFileSync(dest, "utf8"), "old\n");
        assert.deepStrictEqual(fs.readdirSync(dir), ["apimodel.json"]);
      } finally {
        execFileSync("umount", [dir]);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
