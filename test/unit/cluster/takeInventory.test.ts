import assert from "node:assert/strict";
import {
  takeInventory,
  type InventoryChoice,
  type NodeListRead,
} from "../../../components/cluster";
import { fixtureCluster } from "../support/fixtures";
import { liveNodes, vmss } from "../support/liveNodes";

const model = fixtureCluster("five-masters");
const S = "55555555";
const MASTERS = [0, 1, 2, 3, 4].map((i) => `k8s-master-${S}-${i}`);
const AS_AGENTS = [`k8s-linuxpool-${S}-0`, `k8s-linuxpool-${S}-1`];
const SERVER = "https://10.240.255.4";

const read = (names: string[]): NodeListRead => ({
  ok: true,
  server: SERVER,
  nodes: liveNodes(names),
});
const UNSET: InventoryChoice = { source: "cluster", explicit: false };
const CLUSTER: InventoryChoice = { source: "cluster", explicit: true };
const APIMODEL: InventoryChoice = { source: "apimodel", explicit: true };

describe("node inventory: the nodes the rotation covers", () => {
  const rows: {
    case: string;
    read: NodeListRead;
    choice: InventoryChoice;
    rotated: string[];
    refusal?: RegExp;
    warning?: RegExp;
  }[] = [
    {
      case: "scale-set ids 0, 2, 5: those three instances, and up may go ahead",
      read: read([...MASTERS, ...AS_AGENTS, vmss(0), vmss(2), vmss(5)]),
      choice: UNSET,
      rotated: [...MASTERS, ...AS_AGENTS, vmss(0), vmss(2), vmss(5)],
    },
    {
      case: "a difference with config nodes unset: listed, and up stops",
      read: read([...MASTERS, AS_AGENTS[0], `k8s-linuxpool-${S}-2`]),
      choice: UNSET,
      rotated: [...MASTERS, AS_AGENTS[0], `k8s-linuxpool-${S}-2`],
      refusal:
        /^node inventory: the cluster's node list and apimodel\.json differ \(in the cluster only: k8s-linuxpool-55555555-2; in apimodel\.json only: k8s-linuxpool-55555555-1\)\. Nothing was touched\. Choose .*pulumi config set nodes cluster .* pulumi config set nodes apimodel/,
    },
    {
      case: "the same difference with nodes=cluster: the nodes that exist",
      read: read([...MASTERS, AS_AGENTS[0], `k8s-linuxpool-${S}-2`]),
      choice: CLUSTER,
      rotated: [...MASTERS, AS_AGENTS[0], `k8s-linuxpool-${S}-2`],
      warning: /^node inventory: not rotated: k8s-linuxpool-55555555-1\.$/,
    },
    {
      case: "the same difference with nodes=apimodel: its list, scale sets still the cluster's",
      read: read([...MASTERS, AS_AGENTS[0], `k8s-linuxpool-${S}-2`, vmss(7)]),
      choice: APIMODEL,
      rotated: [...MASTERS, ...AS_AGENTS, vmss(7)],
      warning: /^node inventory: not rotated: k8s-linuxpool-55555555-2\.$/,
    },
    {
      case: "API unreachable: apimodel.json's nodes, with a warning that says so",
      read: { ok: false, server: SERVER, reason: "connect ETIMEDOUT" },
      choice: UNSET,
      rotated: [...MASTERS, ...AS_AGENTS, vmss(0), vmss(1), vmss(2)],
      warning:
        /^node inventory: could not read the node list from https:\/\/10\.240\.255\.4 \(connect ETIMEDOUT\); rotating the nodes apimodel\.json implies, scale-set pools as instances 0\.\.count-1\.$/,
    },
    {
      case: "a foreign node with nodes=cluster: it cannot be rotated, up stops",
      read: read([...MASTERS, ...AS_AGENTS, "win-node-1"]),
      choice: CLUSTER,
      rotated: [...MASTERS, ...AS_AGENTS],
      refusal: /^node inventory: cannot rotate win-node-1: not named as AKS Engine names/,
    },
    {
      case: "a foreign node with nodes=apimodel: left alone, up may go ahead",
      read: read([...MASTERS, ...AS_AGENTS, "win-node-1"]),
      choice: APIMODEL,
      rotated: [...MASTERS, ...AS_AGENTS],
    },
    {
      case: "another cluster's node list (a wrong nameSuffix) with nodes=cluster: up stops",
      read: read(["k8s-master-11111111-0"]),
      choice: CLUSTER,
      rotated: [],
      refusal: /^node inventory: cannot rotate k8s-master-11111111-0: /,
    },
  ];
  for (const row of rows) {
    it(row.case, () => {
      const inv = takeInventory(model, row.read, row.choice);
      assert.deepEqual(
        [...inv.model.masters, ...inv.model.agents].map((n) => n.name),
        row.rotated,
      );
      if (row.refusal) assert.match(inv.refusal ?? "", row.refusal);
      else assert.equal(inv.refusal, undefined);
      if (row.warning)
        assert.ok(
          inv.warnings.some((w) => row.warning!.test(w)),
          inv.warnings.join("\n"),
        );
    });
  }

  it("keeps apimodel.json's static IP for a master and lists each rotated node's state", () => {
    const nodes = liveNodes([...MASTERS, AS_AGENTS[0], vmss(2)]).map((n) =>
      n.name === vmss(2) ? { ...n, ready: false, internalIp: "10.240.0.9" } : n,
    );
    const inv = takeInventory(model, { ok: true, server: SERVER, nodes }, CLUSTER);
    assert.equal(inv.model.masters[0].ip, "10.240.255.250");
    const pool = inv.model.agentPools.find((p) => p.name === "scaleset")!;
    assert.deepEqual([pool.count, pool.instanceNamesAssumed], [1, false]);
    assert.deepEqual(inv.report.nodes.slice(-2), [
      `k8s-linuxpool-${S}-0 agent - Ready`,
      `${vmss(2)} agent 10.240.0.9 NotReady`,
    ]);
    assert.deepEqual(inv.report.inApimodelOnly, [`k8s-linuxpool-${S}-1`]);
    assert.equal(inv.report.readFrom, `${SERVER}: 7 nodes`);
    assert.ok(inv.warnings.some((w) => w.startsWith(`node inventory: not Ready: ${vmss(2)};`)));
    assert.ok(
      inv.warnings.includes(
        "node inventory: scale-set pool scaleset has 1 instances in the cluster, apimodel.json counts 3; rotating the cluster's.",
      ),
      inv.warnings.join("\n"),
    );
  });
});
