// Finalize under mocks: it follows the rotation's verification, checks the cluster again with the
// new PKI before removing anything, removes every node's backup and the operator's
// .before-rotation files, and runs again for a new rotation.
import * as assert from "assert";
import type { ClusterModel } from "../../../components/cluster/model";
import { finalizePlan } from "../../../components/rotation";
import { fixtureCluster, fixtureDir } from "../support/fixtures";
import { ancestors, buildGraph, isSecret, plain, SSH_KEY_MARKER, type Step } from "./graphMocks";

const apiModel = fixtureDir("three-masters") + "/apimodel.json";
const KUBECONFIG = "/tmp/out/kubeconfig/kubeconfig.local.json";

describe("finalize (action finalize)", function () {
  this.timeout(60_000);
  let cluster: ClusterModel;
  let g: Map<string, Step>;
  let masters: string[];
  let all: string[];
  const create = (name: string) => String(plain(g.get(name)!.raw.create));
  const waitsFor = (step: string, others: readonly string[]) => {
    assert.ok(g.has(step), `no step ${step}`);
    const a = ancestors(g, step);
    const missing = others.filter((o) => !a.has(o));
    assert.deepStrictEqual(missing, [], `${step} does not wait for ${missing.join(", ")}`);
  };

  before(async () => {
    cluster = fixtureCluster("three-masters");
    masters = cluster.masters.map((m) => m.name);
    all = [...masters, ...cluster.agents.map((a) => a.name)];
    g = await buildGraph(cluster, apiModel, { finalize: true });
  });

  it("plans, per node and for the operator's machine, what it removes", () => {
    const plan = finalizePlan(all, {
      apiModel: "/o/apimodel.json",
      kubeconfig: "/o/kubeconfig/k.json",
    });
    assert.deepStrictEqual(Object.keys(plan), [...all, "local"]);
    assert.deepStrictEqual(plan[all[4]], [
      "/etc/kubernetes/certs.bak (the certificates the rotation replaced)",
      "/etc/kubernetes/rotate-certs/backup (the kubelet and admin kubeconfigs it replaced)",
      "/etc/kubernetes/rotate-certs/certs (staged copies, if any are left)",
    ]);
    assert.deepStrictEqual(plan.local, [
      "/o/apimodel.json.before-rotation",
      "/o/kubeconfig/k.json.before-rotation",
    ]);
  });

  it("starts after the rotation verified, cleaned up its staging and persisted apimodel.json", () => {
    const done = [
      `verify-${masters[0]}-cluster`,
      "persist-local-apimodel",
      ...all.map((n) => `cleanup-${n}-staging`),
    ];
    for (const n of all) {
      waitsFor(`finalize-${n}-files`, done);
      assert.match(create(`finalize-${n}-files`), /remote\/verify\.sh$/);
    }
  });

  it("proves the cluster with the new PKI on master-0 before it removes anything", () => {
    const m0 = masters[0];
    waitsFor(
      `finalize-${m0}-cluster`,
      all.map((n) => `finalize-${n}-files`),
    );
    assert.match(
      create(`finalize-${m0}-cluster`),
      new RegExp(`verify-cluster\\.sh azureuser ${all.join(" ")}$`),
    );
    const removals = [
      ...all.map((n) => `finalize-${n}-backup`),
      "finalize-local-apimodel",
      "finalize-local-kubeconfig",
    ];
    for (const r of removals) waitsFor(r, [`finalize-${m0}-cluster`]);
  });

  it("removes every node's backup for the rotation, and the operator's .before-rotation files", () => {
    for (const n of all) assert.match(create(`finalize-${n}-backup`), /cleanup\.sh backup r1$/);
    assert.strictEqual(
      create("finalize-local-apimodel"),
      `rm -f -- ${apiModel}.before-rotation ${apiModel}.before-rotation.rotation-id`,
    );
    assert.strictEqual(
      create("finalize-local-kubeconfig"),
      `rm -f -- ${KUBECONFIG}.before-rotation ${KUBECONFIG}.before-rotation.rotation-id`,
    );
    const names = [...g.keys()].filter((n) => n.startsWith("finalize-"));
    assert.strictEqual(names.length, all.length * 2 + 1 + 2);
  });

  it("runs again for a new rotation, and keeps the SSH key a secret", async () => {
    const again = await buildGraph(cluster, apiModel, { finalize: true, versions: { ca: 2 } });
    for (const n of [...all.map((x) => `finalize-${x}-backup`), "finalize-local-apimodel"]) {
      assert.notDeepStrictEqual(
        plain(again.get(n)!.raw.triggers),
        plain(g.get(n)!.raw.triggers),
        `${n} would not run for a new rotation`,
      );
    }
    for (const s of g.values()) {
      if (!s.name.startsWith("finalize-")) continue;
      assert.strictEqual(s.raw.stdin, undefined, `${s.name} has stdin`);
      if (s.raw.connection !== undefined) assert.ok(isSecret(s.raw.connection), s.name);
      assert.ok(!JSON.stringify({ ...s.raw, connection: undefined }).includes(SSH_KEY_MARKER));
    }
  });
});
