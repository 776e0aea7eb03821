// The staged rotation (rotationMode "staged") as data, without mocks: who does what in which
// phase, the gates between phases, masters one at a time with the etcd leader moved away first,
// agents in maxUnavailable batches, and files that end as the cut-over leaves them.
import assert from "node:assert/strict";
import type { ClusterModel } from "../../../components/cluster/model";
import type { MaxUnavailable } from "../../../components/config";
import {
  nodePlans,
  nodeIndex,
  planRotation,
  planSteps,
  STAGED_PHASES,
} from "../../../components/rotation";
import { fixtureCluster, type FixtureName } from "../support/fixtures";
import { before, count, planInputFor } from "./planFacts";

function plan(cluster: ClusterModel, max: MaxUnavailable = { count: 1 }, staged = true) {
  const input = planInputFor(cluster, {
    maxUnavailable: max,
    rebootStrategy: "none",
    ...(staged ? { rotationMode: "staged" as const } : {}),
  });
  return { input, phases: planRotation(input, "rotate") };
}

/** Who does what in which phase: a master's and an agent's steps, in order. */
const MASTER_STEPS = {
  trust: ["leader", "signer", "bundle", "etcd-restart", "etcd-health", "restart", "ready"],
  leaves: ["leader", "etcd-leaves", "leaves", "sakey", "signer", "etcd-restart", "etcd-health"],
  distrust: ["leader", "ca", "signer", "unbundle", "etcd-restart", "etcd-health", "restart"],
};
const KUBELET = ["kubelet-restart", "kubelet-ready"];
const AGENT = ["files", ...KUBELET];

const SHAPES: readonly FixtureName[] = ["one-master", "three-masters", "five-masters"];

describe("staged rotation plan (pure)", () => {
  for (const shape of SHAPES) {
    const cluster = fixtureCluster(shape);
    const M = cluster.masters.length;
    const A = cluster.agents.length;
    const N = M + A;
    const { input, phases } = plan(cluster);
    const steps = planSteps(phases);
    const ix = nodeIndex(input);
    const m0 = ix.master0;

    describe(`${shape}: ${M} masters, ${A} agents`, () => {
      it("phases in order, steps counted from the shape", () => {
        assert.deepEqual(count(phases), {
          gate: 2 * N,
          stage: 2 * N,
          // turns; the bundle published; the bundle kubeconfig (when apimodel.json names the old CA)
          trust: 9 * M + 3 * A + 1 + (input.operatorCas === undefined ? 0 : 1),
          clients: 1, // every workload restarted
          leaves: 11 * M + 1 + 3 * A + M + 4, // turns, front-proxy; kubeconfigs, tokens, workloads, served
          distrust: 10 * M + 3 * A + 1, // turns; extension-apiserver-authentication rewritten
          reboot: 0,
          serviceaccounts: 4,
          verify: N + 1,
          persist: N + 1,
        });
      });

      it("who does what in which phase (the preview's per-node phases)", () => {
        const all = nodePlans(input, phases);
        // Keys "<nn> <phase>", numbered in the plan's order (the CLI sorts keys).
        const named = (n: string) =>
          Object.entries(all[n].phases ?? {}).map(([k, v]) => [k.slice(3), v] as const);
        const staged = (n: string) =>
          Object.fromEntries(named(n).filter(([p]) => STAGED_PHASES.includes(p as never)));
        assert.deepEqual(Object.keys(all[m0].phases ?? {}), [
          ...["01 gate", "02 stage", "03 trust", "04 clients", "05 leaves", "06 distrust"],
          ...["08 serviceaccounts", "09 verify", "10 persist"],
        ]);
        for (const m of ix.masters) {
          const fp = m === m0 ? ["frontproxy"] : [];
          const [l, el, ...rest] = MASTER_STEPS.leaves;
          assert.deepEqual(staged(m), {
            trust: [...MASTER_STEPS.trust, ...KUBELET, ...(m === m0 ? ["published"] : [])],
            leaves: [
              l,
              el,
              ...fp,
              ...rest,
              "restart",
              "ready",
              ...KUBELET,
              "kubeconfig",
              ...(m === m0 ? ["tokens", "workloads", "served"] : []),
            ],
            distrust: [
              ...MASTER_STEPS.distrust,
              "ready",
              ...KUBELET,
              ...(m === m0 ? ["authn"] : []),
            ],
            ...(m === m0 ? { clients: ["workloads"] } : {}),
          });
        }
        for (const a of ix.agents) {
          assert.deepEqual(staged(a), { trust: AGENT, leaves: AGENT, distrust: AGENT });
        }
      });

      it("masters one at a time: each turn starts once the master before is Ready again", () => {
        for (const phase of ["trust", "leaves", "distrust"]) {
          for (let i = 1; i < M; i++) {
            const prev = `${phase}-${ix.masters[i - 1]}-kubelet-ready`;
            assert.ok(before(steps, `${phase}-${ix.masters[i]}-leader`).has(prev), prev);
          }
        }
      });

      it("the etcd leader moves away before the member's files change and it restarts", () => {
        for (const phase of ["trust", "leaves", "distrust"]) {
          for (const m of ix.masters) {
            const restart = before(steps, `${phase}-${m}-etcd-restart`);
            assert.ok(restart.has(`${phase}-${m}-leader`));
            const health = before(steps, `${phase}-${m}-restart`);
            assert.ok(health.has(`${phase}-${m}-etcd-health`), "control plane after etcd 3/3");
          }
        }
      });

      it("never two etcd members restarting at once", () => {
        const restarts = steps.filter((s) => s.id.endsWith("-etcd-restart")).map((s) => s.id);
        for (const a of restarts)
          for (const b of restarts)
            if (a < b) assert.ok(before(steps, a).has(b) || before(steps, b).has(a), `${a} ${b}`);
      });

      it("agents start once every master's turn is done", () => {
        for (const phase of ["trust", "leaves", "distrust"]) {
          const last = `${phase}-${ix.masters[M - 1]}-kubelet-ready`;
          for (const a of ix.agents) assert.ok(before(steps, `${phase}-${a}-files`).has(last));
        }
      });

      it("gates: each phase starts after the gate of the one before", () => {
        const gates: [string, string][] = [
          [`clients-${m0}-workloads`, `trust-${m0}-published`],
          [`leaves-${m0}-leader`, `clients-${m0}-workloads`],
          [`distrust-${m0}-leader`, `leaves-${m0}-served`],
          [`serviceaccounts-${m0}-tokens`, `distrust-${m0}-authn`],
        ];
        for (const [step, gate] of gates) assert.ok(before(steps, step).has(gate), step);
        for (const n of ix.all) {
          assert.ok(before(steps, `trust-${m0}-published`).has(`trust-${n}-kubelet-ready`));
          assert.ok(before(steps, `leaves-${m0}-tokens`).has(`leaves-${n}-kubelet-ready`));
          assert.ok(before(steps, `distrust-${m0}-authn`).has(`distrust-${n}-kubelet-ready`));
        }
      });

      it("every file ends installed from the staged copy, as the cut-over leaves it", () => {
        for (const n of ix.all) {
          const last = new Map<string, string>();
          for (const s of steps.filter((s) => s.node === n && s.run.kind === "script")) {
            if (s.run.kind !== "script") continue;
            for (const w of s.run.args)
              if (typeof w === "string" && w.startsWith("/")) last.set(w, s.run.script);
          }
          for (const p of ix.paths(n)) assert.equal(last.get(p), "install.sh", `${n} ${p}`);
        }
      });
    });
  }

  it("agents in maxUnavailable batches: a batch waits for every node of the batch before", () => {
    const cluster = fixtureCluster("five-masters");
    const agents = cluster.agents.map((a) => a.name);
    const steps = planSteps(plan(cluster, { count: 2 }).phases);
    for (let i = 2; i < agents.length; i++) {
      const first = before(steps, `trust-${agents[i]}-files`);
      assert.ok(first.has(`trust-${agents[i - 2]}-kubelet-ready`));
      if (i % 2 === 1) assert.ok(!first.has(`trust-${agents[i - 1]}-kubelet-ready`));
    }
  });

  it("rollback of a staged rotation points the signer flags back before each control plane restarts", () => {
    const cluster = fixtureCluster("three-masters");
    for (const staged of [true, false]) {
      const { input } = plan(cluster, { count: 1 }, staged);
      const steps = planSteps(planRotation(input, "rollback"));
      for (const m of cluster.masters.map((x) => x.name)) {
        const signer = steps.find((s) => s.id === `rollback-${m}-signer`);
        assert.equal(signer !== undefined, staged, m);
        if (staged) {
          assert.deepEqual(signer!.run, { kind: "script", script: "signer.sh", args: ["final"] });
          assert.ok(before(steps, `rollback-${m}-cprestart`).has(signer!.id));
        }
      }
    }
  });

  it("stages again when a staged script that reads the staging changes; the cut-over does not", () => {
    const cluster = fixtureCluster("three-masters");
    const n = cluster.masters[0].name;
    const stageOf = (staged: boolean) =>
      planSteps(plan(cluster, { count: 1 }, staged).phases).find(
        (s) => s.id === `stage-${n}-certs`,
      )!;
    const hashes = (staged: boolean) =>
      stageOf(staged).triggers.flatMap((w) =>
        typeof w === "object" && "scriptHash" in w ? [w.scriptHash] : [],
      );
    assert.deepEqual(hashes(false), ["install.sh", "frontproxy.sh"]);
    assert.deepEqual(hashes(true), [
      "install.sh",
      "frontproxy.sh",
      "trust.sh",
      "signer.sh",
      "staged-gate.sh",
    ]);
  });

  it("the cut-over plan is untouched by the staged mode's existence", () => {
    const cluster = fixtureCluster("three-masters");
    const cut = plan(cluster, { count: 1 }, false);
    assert.ok(!cut.phases.some((p) => ["trust", "leaves", "distrust"].includes(p.name)));
    for (const n of Object.values(nodePlans(cut.input, cut.phases)))
      assert.equal("phases" in n, false);
  });
});
