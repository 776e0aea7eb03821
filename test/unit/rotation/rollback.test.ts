// The rollback graph under mocks: what each node restores in which phase, the order of restores
// and restarts (the rotation's own), and nothing secret outside a secret.
import * as assert from "assert";
import type { ClusterModel } from "../../../components/cluster/model";
import { planFiles, planKubeconfigs } from "../../../components/pki/specs";
import {
  buildPlan,
  planInput,
  planRotation,
  planSteps,
  rollbackToken,
  type RotationArgs,
} from "../../../components/rotation";
import { fixtureCluster } from "../support/fixtures";
import {
  ancestors,
  isSecret,
  plain,
  recordGraph,
  ROLLOUT,
  SSH_KEY_MARKER,
  sshPlan,
  type Step,
} from "./graphMocks";

const CERTS = "/etc/kubernetes/certs";
const ADMIN = "/home/azureuser/.kube/config";

/** The rotation's input, as index.ts gives it to the rollback; the rollback reads no PKI. */
function rollbackArgs(cluster: ClusterModel): RotationArgs {
  return {
    cluster,
    files: planFiles(cluster),
    kubeconfigs: planKubeconfigs(cluster),
    pki: { content: () => assert.fail("the rollback reads no PKI") },
    ssh: sshPlan(cluster),
    rollout: ROLLOUT,
    rotationId: "r1",
    paths: { apiModel: "/tmp/out/apimodel.json", kubeconfig: "/tmp/out/kubeconfig/k.json" },
  };
}

/** Per node and phase, the paths the rollback plan restores (pure: no mocks). */
function restoredFiles(cluster: ClusterModel): Map<string, Map<string, string[]>> {
  const steps = planSteps(planRotation(planInput(rollbackArgs(cluster)), "rollback"));
  const out = new Map<string, Map<string, string[]>>();
  const phaseOf: Record<string, string> = {
    etcdrestore: "etcd",
    cprestore: "controlplane",
    kubeletrestore: "kubelet",
    kubeconfig: "kubeconfig",
  };
  for (const s of steps) {
    const phase = phaseOf[s.id.slice(s.id.lastIndexOf("-") + 1)];
    if (phase === undefined || s.run.kind !== "script") continue;
    const byPhase = out.get(s.node) ?? new Map<string, string[]>();
    byPhase.set(phase, s.run.args.slice(1) as string[]);
    out.set(s.node, byPhase);
  }
  return out;
}

describe("rollback", function () {
  this.timeout(60_000);
  let cluster: ClusterModel;
  let masters: string[];
  let agents: string[];
  let all: string[];
  let g: Map<string, Step>;
  const waitsFor = (step: string, others: readonly string[]) => {
    assert.ok(g.has(step), `no step ${step}`);
    const a = ancestors(g, step);
    const missing = others.filter((o) => !a.has(o));
    assert.deepStrictEqual(missing, [], `${step} does not wait for ${missing.join(", ")}`);
  };
  const commandLine = (name: string) => String(plain(g.get(name)!.raw.create));
  const words = (name: string) => commandLine(name).split(" ");
  const argsOf = (name: string, script: string) => {
    const w = words(name);
    const i = w.findIndex((x) => x.endsWith(`/remote/${script}`));
    assert.ok(i >= 0, `${name} does not run ${script}: ${commandLine(name)}`);
    return w.slice(i + 1);
  };

  before(async () => {
    cluster = fixtureCluster("three-masters");
    masters = cluster.masters.map((m) => m.name);
    agents = cluster.agents.map((a) => a.name);
    all = [...masters, ...agents];
    g = await recordGraph((parent) => buildPlan(parent, rollbackArgs(cluster), "rollback"));
  });

  describe("phases (pure)", () => {
    it("restores etcd's trust and certs first, the rest of a master with its control plane, the admin kubeconfig last", () => {
      const phases = restoredFiles(cluster);
      const m1 = phases.get(masters[1])!;
      assert.deepStrictEqual(
        [...m1.get("etcd")!].sort(),
        [
          "ca.crt",
          "etcdclient.crt",
          "etcdclient.key",
          "etcdpeer1.crt",
          "etcdpeer1.key",
          "etcdserver.crt",
          "etcdserver.key",
        ]
          .map((f) => `${CERTS}/${f}`)
          .sort(),
      );
      assert.deepStrictEqual(
        [...m1.get("controlplane")!].sort(),
        [
          "apiserver.crt",
          "apiserver.key",
          "ca.key",
          "client.crt",
          "client.key",
          "proxy-ca.crt",
          "proxy.crt",
          "proxy.key",
        ]
          .map((f) => `${CERTS}/${f}`)
          .sort(),
      );
      assert.deepStrictEqual(m1.get("kubeconfig"), [ADMIN]);
      assert.strictEqual(m1.get("kubelet"), undefined);
      const a0 = phases.get(agents[0])!;
      assert.deepStrictEqual([...a0.keys()], ["kubelet"]);
      assert.deepStrictEqual(
        [...a0.get("kubelet")!].sort(),
        ["ca.crt", "client.crt", "client.key"].map((f) => `${CERTS}/${f}`),
      );
    });

    it("refuses a file of a node that is not in the cluster", () => {
      assert.throws(
        () =>
          planInput({
            ...rollbackArgs(cluster),
            files: [...planFiles(cluster), { ...planFiles(cluster)[0], node: "other" }],
          }),
        /file \/etc\/kubernetes\/certs\/ca.crt for unknown node other/,
      );
    });

    it("labels workloads with a token of its own, valid for rollout-restart.sh", () => {
      assert.match(rollbackToken("r1"), /^rollback-[0-9a-f]{16}$/);
      assert.notStrictEqual(rollbackToken("r1"), rollbackToken("r2"));
      assert.strictEqual(rollbackToken("r1"), rollbackToken("r1"));
    });
  });

  describe("graph", () => {
    it("names every step rollback-<node|local>-<step>", () => {
      const re = new RegExp(`^rollback-(${[...all, "local"].join("|")})-[a-z]+$`);
      const bad = [...g.values()].filter((s) => s.type.startsWith("command:") && !re.test(s.name));
      assert.deepStrictEqual(
        bad.map((s) => s.name),
        [],
      );
      // The parent; per node deliver, check, kubeletrestart, kubeletready, verify; per master
      // etcdrestore, etcdrestart, etcdhealth, cprestore, cprestart, cpready, kubeconfig; per agent
      // kubeletrestore; on master-0 frontproxy, kubeproxy, tokens, workloads; two local restores.
      // The three-masters fixture (3 masters, 2 agents): 1 + 25 + 21 + 2 + 4 + 2 = 55.
      const expected = 1 + all.length * 5 + masters.length * 7 + agents.length + 4 + 2;
      assert.strictEqual(expected, 55);
      assert.strictEqual(g.size, expected);
    });

    it("restores nothing before every node's backup was checked", () => {
      const checks = all.map((n) => `rollback-${n}-check`);
      for (const n of all) waitsFor(`rollback-${n}-check`, [`rollback-${n}-deliver`]);
      const restores = [...g.keys()].filter((n) =>
        /-(etcd|cp|kubelet)restore$|-kubeconfig$/.test(n),
      );
      // etcd, control plane and kubeconfig per master, kubelet per agent, the local kubeconfig.
      assert.strictEqual(restores.length, masters.length * 3 + agents.length + 1);
      for (const r of restores) waitsFor(r, checks);
      // The check names every file the rollback will restore on that node.
      assert.deepStrictEqual(argsOf(`rollback-${agents[0]}-check`, "rollback.sh").slice(1).sort(), [
        `${CERTS}/ca.crt`,
        `${CERTS}/client.crt`,
        `${CERTS}/client.key`,
      ]);
      assert.strictEqual(argsOf(`rollback-${masters[0]}-check`, "rollback.sh").length, 1 + 16);
    });

    it("restarts every etcd member together, after the etcd files are back on every master", () => {
      const restores = masters.map((m) => `rollback-${m}-etcdrestore`);
      for (const m of masters) {
        assert.deepStrictEqual(
          [...g.get(`rollback-${m}-etcdrestart`)!.dependsOn].sort(),
          [...restores].sort(),
        );
        waitsFor(
          `rollback-${m}-etcdhealth`,
          masters.map((x) => `rollback-${x}-etcdrestart`),
        );
        assert.deepStrictEqual(argsOf(`rollback-${m}-etcdrestore`, "rollback.sh")[0], "restore");
      }
    });

    it("brings master-0's control plane back first, republishing its front-proxy pair, then the others", () => {
      const m0 = masters[0];
      const health = masters.map((m) => `rollback-${m}-etcdhealth`);
      waitsFor(`rollback-${m0}-cprestore`, health);
      waitsFor(`rollback-${m0}-frontproxy`, [`rollback-${m0}-cprestore`]);
      assert.deepStrictEqual(argsOf(`rollback-${m0}-frontproxy`, "frontproxy.sh"), ["--installed"]);
      waitsFor(`rollback-${m0}-cprestart`, [`rollback-${m0}-frontproxy`]);
      waitsFor(`rollback-${m0}-cpready`, [`rollback-${m0}-cprestart`]);
      for (const m of masters.slice(1)) {
        waitsFor(`rollback-${m}-cprestore`, [`rollback-${m0}-cpready`]);
        assert.ok(!g.has(`rollback-${m}-frontproxy`));
      }
      assert.ok(!ancestors(g, `rollback-${m0}-cpready`).has(`rollback-${masters[1]}-cprestore`));
    });

    it("restarts no kubelet before every control plane is back; agents one lane at a time", () => {
      const ready = masters.map((m) => `rollback-${m}-cpready`);
      for (const n of all) {
        waitsFor(`rollback-${n}-kubeletrestart`, ready);
        waitsFor(`rollback-${n}-kubeletready`, [`rollback-${n}-kubeletrestart`]);
      }
      for (const a of agents)
        waitsFor(`rollback-${a}-kubeletrestart`, [`rollback-${a}-kubeletrestore`]);
      waitsFor(`rollback-${agents[1]}-kubeletrestore`, [`rollback-${agents[0]}-kubeletready`]);
      // The Ready gates run on master-0 and name the node.
      assert.strictEqual(
        argsOf(`rollback-${agents[1]}-kubeletready`, "wait-node-ready.sh")[0],
        agents[1],
      );
    });

    it("restores the kubeconfigs after kube-proxy, and restarts pods only after that", () => {
      const m0 = masters[0];
      waitsFor(
        `rollback-${m0}-kubeproxy`,
        all.map((n) => `rollback-${n}-kubeletready`),
      );
      const kubeconfigs = [
        ...masters.map((m) => `rollback-${m}-kubeconfig`),
        "rollback-local-kubeconfig",
      ];
      for (const k of kubeconfigs) waitsFor(k, [`rollback-${m0}-kubeproxy`]);
      waitsFor(`rollback-${m0}-tokens`, kubeconfigs);
      waitsFor(`rollback-${m0}-workloads`, [`rollback-${m0}-tokens`]);
      assert.deepStrictEqual(argsOf(`rollback-${m0}-workloads`, "rollout-restart.sh").slice(0, 2), [
        rollbackToken("r1"),
        "all",
      ]);
      assert.match(
        commandLine("rollback-local-kubeconfig"),
        /restore-file\.sh \/tmp\/out\/kubeconfig\/k\.json \/tmp\/out\/kubeconfig\/k\.json\.before-rotation r1$/,
      );
    });

    it("verifies every node against its backup before it restores apimodel.json", () => {
      const verify = all.map((n) => `rollback-${n}-verify`);
      for (const v of verify) waitsFor(v, [`rollback-${masters[0]}-workloads`]);
      waitsFor("rollback-local-apimodel", verify);
      assert.strictEqual(argsOf(`rollback-${agents[1]}-verify`, "rollback.sh")[0], "verify");
    });

    it("sends nothing on stdin and keeps the SSH key a secret", () => {
      for (const s of g.values()) {
        assert.strictEqual(s.raw.stdin, undefined, `${s.name} has stdin`);
        if (s.raw.connection !== undefined) assert.ok(isSecret(s.raw.connection), s.name);
        const visible = JSON.stringify({ ...s.raw, connection: undefined });
        assert.ok(!visible.includes(SSH_KEY_MARKER), `${s.name}: SSH key outside a secret`);
      }
    });

    it("refuses a node with nothing to restore in a phase rather than restore its whole backup", async () => {
      const args = rollbackArgs(cluster);
      const files = args.files.filter((f) => f.node !== agents[0]);
      await assert.rejects(
        recordGraph((parent) => buildPlan(parent, { ...args, files }, "rollback")),
        new RegExp(`rollback-${agents[0]}-kubeletrestore has no file to restore`),
      );
    });
  });
});
