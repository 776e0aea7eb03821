import assert from "node:assert/strict";
import { compareInventory, identifyNode, recognizeNodes } from "../../../components/cluster";
import { fixtureCluster } from "../support/fixtures";
import { liveNodes, vmss } from "../support/liveNodes";

// five-masters: nameSuffix 55555555, masters 0-4, linuxpool (availability set, 2), scaleset
// (scale set, count 3).
const model = fixtureCluster("five-masters");
const S = "55555555";
const MASTERS = [0, 1, 2, 3, 4].map((i) => `k8s-master-${S}-${i}`);
const AS_AGENTS = [`k8s-linuxpool-${S}-0`, `k8s-linuxpool-${S}-1`];

describe("node inventory: names", () => {
  const rows: [string, unknown][] = [
    [`k8s-master-${S}-3`, { role: "master", index: 3 }],
    [`k8s-linuxpool-${S}-12`, { role: "agent", pool: "linuxpool", index: 12, scaleSet: false }],
    [vmss(5), { role: "agent", pool: "scaleset", index: 5, scaleSet: true }],
    [vmss(36), { role: "agent", pool: "scaleset", index: 36, scaleSet: true }],
    // A scale-set pool apimodel.json does not know, still read by AKS Engine's default prefix.
    [`k8s-newpool-${S}-vmss00000a`, { role: "agent", pool: "newpool", index: 10, scaleSet: true }],
    [`k8s-master-12345678-0`, undefined],
    ["5555k8s010", undefined],
    ["aks-nodepool1-vmss000000", undefined],
  ];
  for (const [name, identity] of rows) {
    it(`${name} → ${JSON.stringify(identity)}`, () => {
      assert.deepEqual(identifyNode(model, name), identity);
    });
  }

  it("reads a scale-set pool's vmssName prefix from apimodel.json", () => {
    const pools = [{ ...model.agentPools[1], scaleSetPrefix: "custom-vmss" }];
    assert.deepEqual(identifyNode({ nameSuffix: S, agentPools: pools }, "custom-vmss00000z"), {
      role: "agent",
      pool: "scaleset",
      index: 35,
      scaleSet: true,
    });
  });

  it("does not take a node whose role label contradicts its name", () => {
    const found = recognizeNodes(model, [
      { name: `k8s-linuxpool-${S}-0`, ready: true, roleLabel: "master" },
    ]);
    assert.deepEqual(found.unrecognized, [`k8s-linuxpool-${S}-0 (kubernetes.io/role=master)`]);
  });
});

describe("node inventory: comparison with apimodel.json", () => {
  const rows: {
    case: string;
    live: string[];
    extra?: string[];
    missing?: string[];
    unrecognized?: string[];
  }[] = [
    { case: "the same nodes", live: [...MASTERS, ...AS_AGENTS, vmss(0), vmss(1), vmss(2)] },
    {
      case: "scale-set ids 0, 2, 5 are no difference (a count is all apimodel.json holds)",
      live: [...MASTERS, ...AS_AGENTS, vmss(0), vmss(2), vmss(5)],
    },
    {
      case: "an agent added after apimodel.json was copied",
      live: [...MASTERS, ...AS_AGENTS, `k8s-linuxpool-${S}-2`],
      extra: [`k8s-linuxpool-${S}-2`],
    },
    {
      case: "an agent VM deleted by hand, and a master",
      live: [...MASTERS.slice(0, 4), AS_AGENTS[0]],
      missing: [`k8s-linuxpool-${S}-1`, `k8s-master-${S}-4`],
    },
    {
      case: "a pool apimodel.json does not have, and a foreign node",
      live: [...MASTERS, ...AS_AGENTS, `k8s-gpu-${S}-vmss000000`, "win-node-1"],
      extra: [`k8s-gpu-${S}-vmss000000`],
      unrecognized: ["win-node-1"],
    },
  ];
  for (const row of rows) {
    it(row.case, () => {
      const diff = compareInventory(model, recognizeNodes(model, liveNodes(row.live)));
      assert.deepEqual(diff, {
        extra: row.extra ?? [],
        missing: row.missing ?? [],
        unrecognized: row.unrecognized ?? [],
      });
    });
  }
});
