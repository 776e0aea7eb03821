// The rotation as data, without mocks or engine: for clusters of 1, 3 and 5 masters, the phases
// of each mode, the steps of each phase counted from the cluster's shape, what each step waits
// for, the kubelet lanes, the reboot waves and who reboots.
import assert from "node:assert/strict";
import type { ClusterModel } from "../../../components/cluster/model";
import type { MaxUnavailable, RebootStrategy } from "../../../components/config";
import { nodePlans, planRotation, planSteps, type PlanMode } from "../../../components/rotation";
import { fixtureCluster, type FixtureName } from "../support/fixtures";
import { ROLLOUT } from "./graphMocks";
import { before, count, planInputFor } from "./planFacts";

function plan(cluster: ClusterModel, mode: PlanMode, rollout: Partial<typeof ROLLOUT> = {}) {
  const input = planInputFor(cluster, rollout);
  return { input, phases: planRotation(input, mode) };
}

const SHAPES: readonly FixtureName[] = ["one-master", "three-masters", "five-masters"];

describe("planRotation (pure)", () => {
  for (const shape of SHAPES) {
    const cluster = fixtureCluster(shape);
    const M = cluster.masters.length;
    const A = cluster.agents.length;
    const N = M + A;

    describe(`${shape}: ${M} masters, ${A} agents`, () => {
      it("rotate: phases in order, steps counted from the shape (rolling reboots, one lane)", () => {
        assert.deepEqual(count(plan(cluster, "rotate").phases), {
          gate: 2 * N, // scripts delivered, preflight
          stage: 2 * N, // staged, backed up
          etcd: 3 * M, // install, restart, health
          controlplane: 1 + 3 * M, // front-proxy in etcd; install, restart, ready
          kubelet: 2 * M + 3 * A, // (agents install) restart, Ready
          kubeconfig: 1 + M + 1, // kube-proxy, each master, the operator's copy
          reboot: 4 * M + 3 * A, // reboot, wait, (masters: etcd), Ready
          serviceaccounts: 4, // tokens, workloads, bare pods, extension-apiserver-authentication
          verify: N + 1, // each node's files, the cluster
          persist: N + 1, // staging removed per node, apimodel.json
        });
      });

      it("finalize: the rotation's phases, then one that removes every backup", () => {
        const phases = plan(cluster, "finalize").phases;
        assert.deepEqual(
          phases.slice(0, -1).map((p) => p.name),
          plan(cluster, "rotate").phases.map((p) => p.name),
        );
        assert.deepEqual(count(phases.slice(-1)), { finalize: N + 1 + N + 2 });
      });

      it("rollback: the rotation's order without staging and reboots", () => {
        assert.deepEqual(count(plan(cluster, "rollback").phases), {
          gate: 2 * N,
          etcd: 3 * M,
          controlplane: 1 + 3 * M,
          kubelet: 2 * M + 3 * A,
          kubeconfig: 1 + M + 1,
          serviceaccounts: 2,
          verify: N + 1,
        });
      });

      for (const mode of ["rotate", "finalize", "rollback"] as const) {
        it(`${mode}: every step waits only for steps planned before it, and ids are unique`, () => {
          const seen = new Set<string>();
          for (const s of planSteps(plan(cluster, mode).phases)) {
            for (const w of s.waitsFor)
              assert.ok(seen.has(w), `${s.id} waits for ${w}, planned later`);
            assert.ok(!seen.has(s.id), `two steps ${s.id}`);
            seen.add(s.id);
          }
        });
      }
    });
  }

  describe("order (three masters, two agents)", () => {
    const cluster = fixtureCluster("three-masters");
    const [m0, m1, m2] = cluster.masters.map((m) => m.name);
    const [a0, a1] = cluster.agents.map((a) => a.name);
    const steps = planSteps(plan(cluster, "rotate").phases);
    const WAITS: [string, string[]][] = [
      [`stage-${a1}-certs`, [m0, m1, m2, a0, a1].map((n) => `preflight-${n}-check`)],
      [`etcd-${m2}-install`, [`stage-${a0}-backup`, `stage-${m0}-backup`]],
      [`etcd-${m0}-restart`, [`etcd-${m1}-install`, `etcd-${m2}-install`]],
      [`frontproxy-${m0}-etcd`, [`etcd-${m0}-health`, `etcd-${m1}-health`, `etcd-${m2}-health`]],
      [`controlplane-${m1}-install`, [`controlplane-${m0}-ready`, `frontproxy-${m0}-etcd`]],
      [`kubelet-${a0}-install`, [`controlplane-${m1}-ready`, `controlplane-${m2}-ready`]],
      [`kubelet-${a1}-install`, [`kubelet-${a0}-ready`]],
      [`kubeproxy-${m0}-restart`, [`kubelet-${m2}-ready`, `kubelet-${a1}-ready`]],
      [`reboot-${m0}-reboot`, [`kubeconfig-${m2}-install`, "kubeconfig-local-write"]],
      [`reboot-${m1}-reboot`, [`reboot-${m0}-ready`, `reboot-${m0}-etcd`]],
      [`reboot-${a0}-reboot`, [`reboot-${m0}-ready`]],
      [`reboot-${a1}-reboot`, [`reboot-${a0}-ready`]],
      [`serviceaccounts-${m0}-tokens`, [`reboot-${a1}-ready`, `reboot-${m2}-ready`]],
      [`verify-${m0}-cluster`, [`verify-${a1}-files`, `serviceaccounts-${m0}-workloads`]],
      ["persist-local-apimodel", [`verify-${m0}-cluster`]],
    ];
    for (const [step, waits] of WAITS) {
      it(`${step.replace(/k8s-(master|linuxpool)-\d+-/, "$1-")} waits for ${waits.length} earlier steps`, () => {
        const b = before(steps, step);
        assert.deepEqual(
          waits.filter((w) => !b.has(w)),
          [],
        );
      });
    }

    it("reboots the agents beside masters 1 and 2, never beside master-0", () => {
      assert.ok(!before(steps, `reboot-${a0}-reboot`).has(`reboot-${m1}-ready`));
      assert.ok(!before(steps, `reboot-${m2}-reboot`).has(`reboot-${a0}-ready`));
    });

    it("restarts no master's control plane together with master-0's", () => {
      assert.ok(!before(steps, `controlplane-${m0}-install`).has(`controlplane-${m1}-ready`));
      assert.ok(!before(steps, `controlplane-${m1}-install`).has(`controlplane-${m2}-ready`));
    });
  });

  describe("kubelet batches (five masters, five agents)", () => {
    const cluster = fixtureCluster("five-masters");
    const agents = cluster.agents.map((a) => a.name);
    const [a0, a1, a2, a3] = agents;
    // maxUnavailable → for each agent, the agents whose Ready its kubelet install waits for.
    const BATCHES: [MaxUnavailable, string[][]][] = [
      [{ count: 1 }, [[], [a0], [a1], [a2], [a3]]],
      [{ count: 2 }, [[], [], [a0, a1], [a0, a1], [a2, a3]]],
      [{ percent: 40 }, [[], [], [a0, a1], [a0, a1], [a2, a3]]],
      [{ percent: 10 }, [[], [a0], [a1], [a2], [a3]]],
      [{ count: 5 }, [[], [], [], [], []]],
      [{ percent: 100 }, [[], [], [], [], []]],
    ];
    for (const [max, previous] of BATCHES) {
      it(`maxUnavailable ${JSON.stringify(max)}: each batch waits for the whole batch before`, () => {
        const steps = planSteps(plan(cluster, "rotate", { maxUnavailable: max }).phases);
        const got = agents.map((a) => {
          const waits = steps.find((s) => s.id === `kubelet-${a}-install`)!.waitsFor;
          return agents.filter((o) => waits.includes(`kubelet-${o}-ready`));
        });
        assert.deepEqual(got, previous);
        // Masters' kubelets never wait for an agent's.
        const m = cluster.masters[4].name;
        const b = before(steps, `kubelet-${m}-restart`);
        assert.ok(agents.every((x) => !b.has(`kubelet-${x}-ready`)));
      });
    }
  });

  describe("reboots (three masters, two agents)", () => {
    const cluster = fixtureCluster("three-masters");
    const names = [...cluster.masters, ...cluster.agents].map((n) => n.name);
    // strategy → reboot waves, as lists of node indexes, and the waves each one follows.
    const WAVES: [RebootStrategy, [number[], number[]][]][] = [
      [
        "rolling",
        [
          [[0], []],
          [[1], [0]],
          [[2], [1]],
          [[3], [0]],
          [[4], [3]],
        ],
      ],
      ["all", [[[0, 1, 2, 3, 4], []]]],
      ["none", []],
    ];
    for (const [strategy, waves] of WAVES) {
      it(`${strategy}: ${waves.length} waves, each after the ones it follows are Ready`, () => {
        const { input, phases } = plan(cluster, "rotate", { rebootStrategy: strategy });
        const steps = planSteps(phases);
        const reboots = steps.filter((s) => s.id.endsWith("-reboot") && s.id.startsWith("reboot-"));
        assert.equal(reboots.length, waves.flatMap(([w]) => w).length);
        for (const [w, [wave, after]] of waves.entries()) {
          for (const i of wave) {
            const b = before(steps, `reboot-${names[i]}-reboot`);
            for (const p of after.flatMap((a) => waves[a][0])) {
              assert.ok(b.has(`reboot-${names[p]}-ready`));
            }
            // Neither the wave's own nodes nor any later wave's come before it.
            for (const o of waves.slice(w).flatMap(([later]) => later)) {
              assert.ok(!b.has(`reboot-${names[o]}-wait`));
            }
          }
        }
        const rebooting = Object.values(nodePlans(input, phases)).map((p) => p.reboot);
        assert.deepEqual(
          rebooting,
          names.map(() => strategy !== "none"),
        );
        const preflight = steps.filter((s) => s.id.startsWith("preflight-"));
        for (const s of preflight) {
          assert.equal(
            s.run.kind === "script" && s.run.args[0] === "--reboot",
            strategy !== "none",
          );
        }
      });
    }
  });

  it("shows per node the services its steps restart", () => {
    const cluster = fixtureCluster("three-masters");
    const { input, phases } = plan(cluster, "rotate");
    const plans = nodePlans(input, phases);
    assert.deepEqual(plans[cluster.masters[1].name].restarts, [
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
      "kube-scheduler",
      "kubelet",
    ]);
    assert.deepEqual(plans[cluster.agents[0].name].restarts, ["kubelet"]);
  });
});
