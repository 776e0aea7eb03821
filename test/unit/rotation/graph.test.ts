// The rotation graph as registered under mocks: names, triggers that change exactly when the
// content they guard changes, no key material outside secrets. Its order is tested on the plan
// itself, without mocks (planRotation.test.ts).
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
  graphArgs,
  assertRegisteredAsPlanned,
} from "./graphMocks";
import { planInput, planRotation, planSteps } from "../../../components/rotation";

const apiModel = fixtureDir("three-masters") + "/apimodel.json";

describe("rotation graph (three masters, two agents)", function () {
  this.timeout(60_000);
  let cluster: ClusterModel;
  let g: Map<string, Step>;
  let masters: string[];
  let agents: string[];
  let all: string[];
  const names = (re: RegExp) => [...g.keys()].filter((n) => re.test(n));

  before(async () => {
    cluster = fixtureCluster("three-masters");
    masters = cluster.masters.map((m) => m.name);
    agents = cluster.agents.map((a) => a.name);
    all = [...masters, ...agents];
    g = await buildGraph(cluster, apiModel);
  });

  it("registers exactly the plan's steps, each depending on what it waits for and the steps it reads", () => {
    const steps = planSteps(planRotation(planInput(graphArgs(cluster, apiModel)), "rotate"));
    assertRegisteredAsPlanned(g, steps);
    assert.ok(ancestors(g, "persist-local-apimodel").has(`preflight-${all[4]}-check`));
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
