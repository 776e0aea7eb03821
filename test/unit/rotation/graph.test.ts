// The rotation graph under mocks: for each step, the steps it must wait for; triggers that change
// exactly when the content they guard changes; no key material outside secrets.
import * as assert from "assert";
import type { ClusterModel } from "../../../components/cluster/model";
import { fixtureCluster, fixtureDir } from "../support/fixtures";
import {
  ancestors,
  buildGraph,
  isSecret,
  KEY_MARKER,
  plain,
  SSH_KEY_MARKER,
  type Step,
} from "./graphMocks";

const apiModel = fixtureDir("three-masters") + "/apimodel.json";

describe("rotation graph (three masters, two agents)", function () {
  this.timeout(60_000);
  let cluster: ClusterModel;
  let g: Map<string, Step>;
  let masters: string[];
  let agents: string[];
  let all: string[];
  const names = (re: RegExp) => [...g.keys()].filter((n) => re.test(n));
  const waitsFor = (step: string, others: readonly string[]) => {
    assert.ok(g.has(step), `no step ${step}`);
    const a = ancestors(g, step);
    const missing = others.filter((o) => !a.has(o));
    assert.deepStrictEqual(missing, [], `${step} does not wait for ${missing.join(", ")}`);
  };

  before(async () => {
    cluster = fixtureCluster("three-masters");
    masters = cluster.masters.map((m) => m.name);
    agents = cluster.agents.map((a) => a.name);
    all = [...masters, ...agents];
    g = await buildGraph(cluster, apiModel);
  });

  it("names every step <phase>-<node>-<step>", () => {
    const phases =
      "deliver|preflight|stage|etcd|frontproxy|controlplane|kubelet|kubeproxy|kubeconfig|reboot|serviceaccounts|verify|cleanup|persist";
    const nodeAlt = [...all, "local"].join("|");
    const re = new RegExp(`^(${phases})-(${nodeAlt})-[a-z]+$`);
    const bad = [...g.values()].filter((s) => s.type.startsWith("command:") && !re.test(s.name));
    assert.deepStrictEqual(
      bad.map((s) => s.name),
      [],
    );
  });

  it("stages and backs up nothing before every node passed preflight", () => {
    const preflight = all.map((n) => `preflight-${n}-check`);
    for (const n of all) {
      waitsFor(`stage-${n}-certs`, preflight);
      waitsFor(`stage-${n}-backup`, preflight);
    }
  });

  it("backs a node up after staging it (backup.sh reads the staged manifest), for the rotation id", () => {
    for (const n of all) {
      assert.deepStrictEqual(g.get(`stage-${n}-backup`)!.dependsOn, [`stage-${n}-certs`]);
      assert.match(String(plain(g.get(`stage-${n}-backup`)!.raw.create)), / azureuser r1$/);
    }
  });

  it("removes every node's staged copies once the cluster verified, again when it is staged again", () => {
    for (const n of all) {
      const cleanup = g.get(`cleanup-${n}-staging`);
      assert.ok(cleanup, `no cleanup-${n}-staging`);
      assert.deepStrictEqual(
        [...cleanup.dependsOn].sort(),
        [`stage-${n}-certs`, `verify-${masters[0]}-cluster`].sort(),
      );
      assert.match(String(plain(cleanup.raw.create)), /remote\/cleanup\.sh staging$/);
      assert.ok(
        (plain(cleanup.raw.triggers) as unknown[]).includes(`stage-${n}-certs-id`),
        `cleanup-${n}-staging does not re-run with its stage step`,
      );
    }
    // Nothing of the rotation waits for the cleanup, and finalize is not there unless asked.
    assert.ok(![...g.values()].some((s) => s.dependsOn.some((d) => d.startsWith("cleanup-"))));
    assert.deepStrictEqual(names(/^finalize-/), []);
  });

  it("swaps etcd only once every node is staged and backed up, and restarts all members together", () => {
    const staged = all.flatMap((n) => [`stage-${n}-certs`, `stage-${n}-backup`]);
    const installs = masters.map((m) => `etcd-${m}-install`);
    for (const m of masters) {
      waitsFor(`etcd-${m}-install`, staged);
      // Each restart waits for the swap on every master, and for nothing of another restart.
      assert.deepStrictEqual(
        [...g.get(`etcd-${m}-restart`)!.dependsOn].sort(),
        [...installs].sort(),
      );
      waitsFor(
        `etcd-${m}-health`,
        masters.map((x) => `etcd-${x}-restart`),
      );
    }
  });

  it("restarts master-0's control plane first, after the etcd gate and the front-proxy pair", () => {
    const health = masters.map((m) => `etcd-${m}-health`);
    waitsFor(`frontproxy-${masters[0]}-etcd`, health);
    waitsFor(`controlplane-${masters[0]}-restart`, [...health, `frontproxy-${masters[0]}-etcd`]);
    for (const m of masters.slice(1)) {
      waitsFor(`controlplane-${m}-install`, [`controlplane-${masters[0]}-ready`]);
    }
    assert.ok(
      !ancestors(g, `controlplane-${masters[0]}-ready`).has(`controlplane-${masters[1]}-install`),
    );
  });

  it("restarts no kubelet before the API server swap on every master", () => {
    const ready = masters.map((m) => `controlplane-${m}-ready`);
    for (const n of all) waitsFor(`kubelet-${n}-restart`, ready);
    for (const a of agents) waitsFor(`kubelet-${a}-restart`, [`kubelet-${a}-install`]);
  });

  it("gates each kubelet on its node being Ready and runs agents one lane at a time", () => {
    for (const n of all) waitsFor(`kubelet-${n}-ready`, [`kubelet-${n}-restart`]);
    waitsFor(`kubelet-${agents[1]}-install`, [`kubelet-${agents[0]}-ready`]);
  });

  it("runs agents in parallel lanes when agentParallelism allows", async () => {
    const g2 = await buildGraph(cluster, apiModel, { rollout: { agentParallelism: 2 } });
    assert.ok(!ancestors(g2, `kubelet-${agents[1]}-restart`).has(`kubelet-${agents[0]}-ready`));
    assert.ok(!ancestors(g2, `kubelet-${agents[0]}-restart`).has(`kubelet-${agents[1]}-ready`));
  });

  it("restarts kube-proxy after every kubelet, then writes the kubeconfigs", () => {
    const kubelets = all.map((n) => `kubelet-${n}-ready`);
    waitsFor(`kubeproxy-${masters[0]}-restart`, kubelets);
    for (const m of masters)
      waitsFor(`kubeconfig-${m}-install`, [`kubeproxy-${masters[0]}-restart`]);
    waitsFor("kubeconfig-local-write", [`kubeproxy-${masters[0]}-restart`]);
  });

  it("reboots only the apimodel's nodes, one at a time, each back and Ready before the next", () => {
    const rebooted = names(/^reboot-.*-reboot$/).map((n) =>
      n.slice("reboot-".length, -"-reboot".length),
    );
    assert.deepStrictEqual(rebooted.sort(), [...all].sort());
    const order = [...masters, ...agents];
    for (let i = 1; i < order.length; i++) {
      waitsFor(`reboot-${order[i]}-reboot`, [`reboot-${order[i - 1]}-ready`]);
    }
    for (const m of masters)
      waitsFor(`reboot-${m}-ready`, [`reboot-${m}-wait`, `reboot-${m}-etcd`]);
    waitsFor(`reboot-${order[0]}-reboot`, [
      "kubeconfig-local-write",
      ...masters.map((m) => `kubeconfig-${m}-install`),
    ]);
  });

  it("reboots every node in one wave with strategy all, and none with strategy none", async () => {
    const gAll = await buildGraph(cluster, apiModel, { rollout: { rebootStrategy: "all" } });
    for (const n of all) {
      const a = ancestors(gAll, `reboot-${n}-reboot`);
      assert.ok(![...a].some((x) => x.startsWith("reboot-")), `${n} waits for another reboot`);
      assert.ok(ancestors(gAll, `serviceaccounts-${masters[0]}-tokens`).has(`reboot-${n}-ready`));
    }
    const gNone = await buildGraph(cluster, apiModel, { rollout: { rebootStrategy: "none" } });
    assert.deepStrictEqual(
      [...gNone.keys()].filter((n) => n.startsWith("reboot-")),
      [],
    );
    assert.ok(
      ancestors(gNone, `serviceaccounts-${masters[0]}-tokens`).has("kubeconfig-local-write"),
    );
  });

  it("asks every node that will reboot to prove at the gate that it would come back", async () => {
    const preflightArgs = (graph: Map<string, Step>, n: string) =>
      String(plain(graph.get(`preflight-${n}-check`)!.raw.create)).split(" ");
    for (const n of all) assert.ok(preflightArgs(g, n).includes("--reboot"), n);
    const gNone = await buildGraph(cluster, apiModel, { rollout: { rebootStrategy: "none" } });
    for (const n of all) assert.ok(!preflightArgs(gNone, n).includes("--reboot"), n);
  });

  it("restarts no pod before the kubelets, kube-proxy and the reboots", () => {
    const m0 = masters[0];
    const before = [
      ...all.map((n) => `kubelet-${n}-ready`),
      `kubeproxy-${m0}-restart`,
      ...all.map((n) => `reboot-${n}-ready`),
    ];
    waitsFor(`serviceaccounts-${m0}-tokens`, before);
    waitsFor(`serviceaccounts-${m0}-workloads`, [`serviceaccounts-${m0}-tokens`, ...before]);
  });

  it("verifies after the workloads restart and persists apimodel.json only after verification", () => {
    const m0 = masters[0];
    for (const n of all) waitsFor(`verify-${n}-files`, [`serviceaccounts-${m0}-workloads`]);
    waitsFor(
      `verify-${m0}-cluster`,
      all.map((n) => `verify-${n}-files`),
    );
    waitsFor("persist-local-apimodel", [`verify-${m0}-cluster`]);
  });

  it("puts no key material in any command line, and none outside a secret", () => {
    const b64Marker = Buffer.from(KEY_MARKER).toString("base64").slice(0, 16);
    const redact = (v: unknown): unknown => {
      if (isSecret(v)) return "[secret]";
      if (Array.isArray(v)) return v.map(redact);
      if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
      }
      return v;
    };
    for (const s of g.values()) {
      const create = JSON.stringify(plain(s.raw.create ?? ""));
      for (const marker of [KEY_MARKER, SSH_KEY_MARKER, "PRIVATE KEY", b64Marker]) {
        assert.ok(!create.includes(marker), `${s.name}: key material in the command line`);
      }
      const visible = JSON.stringify(redact(s.raw));
      for (const marker of [KEY_MARKER, SSH_KEY_MARKER, b64Marker]) {
        assert.ok(!visible.includes(marker), `${s.name}: key material outside a secret`);
      }
    }
  });

  it("sends key material on stdin only with logging off and stdout/stderr secret", () => {
    const withKeys = [...g.values()].filter((s) => s.raw.stdin !== undefined);
    assert.deepStrictEqual(
      withKeys.map((s) => s.name).sort(),
      [
        ...all.map((n) => `stage-${n}-certs`),
        // the SSH key, for the wait on the operator's machine for each rebooted node
        ...all.map((n) => `reboot-${n}-wait`),
        "kubeconfig-local-write",
        "persist-local-apimodel",
      ].sort(),
    );
    for (const s of withKeys) {
      assert.ok(isSecret(s.raw.stdin), `${s.name}: stdin not secret`);
      assert.strictEqual(s.raw.logging, "none", `${s.name}: logging`);
      for (const o of ["stdout", "stderr"]) {
        assert.ok(s.additionalSecretOutputs.includes(o), `${s.name}: ${o} not secret`);
      }
    }
    // …and it does carry the keys: master-0's bundle holds ca.key.
    const bundle = plain(g.get(`stage-${masters[0]}-certs`)!.raw.stdin) as string;
    const caKey = bundle.split("\n").find((l) => l.startsWith("/etc/kubernetes/certs/ca.key "))!;
    assert.match(
      Buffer.from(caKey.split(" ")[4], "base64").toString(),
      new RegExp(`${KEY_MARKER} ca v1`),
    );
  });

  it("connects through the jump host with pinned host keys and a secret SSH key", () => {
    const conn = (name: string) => g.get(name)!.raw.connection;
    assert.ok(isSecret(conn(`stage-${agents[0]}-certs`)));
    const agent = plain(conn(`stage-${agents[0]}-certs`)) as Record<
      string,
      Record<string, unknown>
    >;
    assert.strictEqual(agent.host, agents[0]);
    assert.strictEqual(agent.hostKey, `ssh-ed25519 AAAA${agents[0]}`);
    assert.strictEqual(agent.proxy.host, cluster.masters[0].ip);
    assert.strictEqual(agent.proxy.hostKey, "ssh-ed25519 AAAAjump");
    const jump = plain(conn(`stage-${masters[0]}-certs`)) as Record<string, unknown>;
    assert.strictEqual(jump.proxy, undefined);
  });

  it("waits for a rebooted node from the operator's machine, by the same route and pins", () => {
    const create = (n: string) => String(plain(g.get(`reboot-${n}-wait`)!.raw.create));
    assert.ok(
      create(agents[0]).includes(
        ` azureuser ${agents[0]} 'ssh-ed25519 AAAA${agents[0]}' ${cluster.masters[0].ip} 'ssh-ed25519 AAAAjump' `,
      ),
      create(agents[0]),
    );
    // The jump host itself is reached directly: no jump, no jump pin.
    assert.match(create(masters[0]), / azureuser \S+ 'ssh-ed25519 [^']+' - - /);
  });

  describe("triggers", () => {
    const triggers = (graph: Map<string, Step>) =>
      new Map([...graph.values()].map((s) => [s.name, JSON.stringify(plain(s.raw.triggers))]));
    const changed = (a: Map<string, Step>, b: Map<string, Step>) => {
      const ta = triggers(a);
      const tb = triggers(b);
      return [...ta.keys()].filter((k) => ta.get(k) !== tb.get(k)).sort();
    };

    it("are the same when nothing changed", async () => {
      assert.deepStrictEqual(changed(g, await buildGraph(cluster, apiModel)), []);
    });

    it("a new kubelet client pair re-runs the kubelet, control-plane and node-wide steps, not etcd", async () => {
      const diff = changed(g, await buildGraph(cluster, apiModel, { versions: { client: 2 } }));
      for (const n of all) {
        for (const s of [
          `stage-${n}-certs`,
          `kubelet-${n}-restart`,
          `reboot-${n}-reboot`,
          `verify-${n}-files`,
        ]) {
          assert.ok(diff.includes(s), `${s} not re-run`);
        }
      }
      for (const m of masters) assert.ok(diff.includes(`controlplane-${m}-restart`));
      for (const a of agents) assert.ok(diff.includes(`kubelet-${a}-install`));
      const unexpected = diff.filter((d) =>
        /^(etcd-|frontproxy-|kubeconfig-|serviceaccounts-.*-tokens)/.test(d),
      );
      assert.deepStrictEqual(unexpected, []);
    });

    it("a new etcd server cert re-runs the etcd swap on masters and leaves agents' kubelets alone", async () => {
      const diff = changed(g, await buildGraph(cluster, apiModel, { versions: { etcdserver: 2 } }));
      for (const m of masters) {
        for (const s of [`etcd-${m}-install`, `etcd-${m}-restart`, `etcd-${m}-health`])
          assert.ok(diff.includes(s), s);
      }
      for (const a of agents) {
        for (const s of [`stage-${a}-certs`, `kubelet-${a}-restart`, `reboot-${a}-reboot`]) {
          assert.ok(!diff.includes(s), `${s} re-run for a file it does not hold`);
        }
      }
      assert.ok(!diff.includes(`serviceaccounts-${masters[0]}-tokens`));
      assert.ok(!diff.some((d) => d.startsWith("frontproxy-")));
    });

    it("a new API server key re-runs the service-account token cleanup", async () => {
      const diff = changed(g, await buildGraph(cluster, apiModel, { versions: { apiserver: 2 } }));
      assert.ok(diff.includes(`serviceaccounts-${masters[0]}-tokens`));
      assert.ok(!diff.some((d) => d.startsWith("etcd-")));
    });
  });
});
