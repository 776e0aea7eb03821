// fleet up's live progress board: the phase of each step from its URN, one line per phase change,
// and the table a terminal shows.
import { strict as assert } from "node:assert";
import { phaseOf, ProgressBoard } from "../../../tools/fleet/progress";

const urn = (type: string, name: string) =>
  `urn:pulumi:east::aks-rotate-certs::aks-rotate-certs:rotation:Rotation$${type}::${name}`;
const remote = (name: string) => urn("command:remote:Command", name);

describe("fleet up progress", () => {
  it("takes a step's phase from its name's first word; keys for tls; nothing else", () => {
    assert.equal(phaseOf(remote("kubelet-k8s-master-12345678-0-restart")), "kubelet");
    assert.equal(phaseOf(urn("command:local:Command", "persist-local-apimodel")), "persist");
    assert.equal(phaseOf(urn("tls:index/privateKey:PrivateKey", "ca-key")), "keys");
    assert.equal(phaseOf("urn:pulumi:east::aks-rotate-certs::pulumi:pulumi:Stack::x"), undefined);
    assert.equal(phaseOf(urn("pulumi:pulumi:StackReference", "self")), undefined);
  });

  it("prints one line per phase change per cluster, and counts the steps", () => {
    const b = new ProgressBoard(["east", "west"]);
    assert.equal(
      b.started("east", remote("preflight-n0-check")),
      "east: preflight (preflight-n0-check)",
    );
    assert.equal(b.started("east", remote("preflight-n1-check")), undefined);
    assert.equal(b.started("west", remote("stage-n0-certs")), "west: stage (stage-n0-certs)");
    assert.equal(b.started("east", remote("stage-n0-certs")), "east: stage (stage-n0-certs)");
    assert.equal(b.started("nowhere", remote("stage-n0-certs")), undefined);
    b.finished("west", "failed");
    assert.deepEqual(b.render(), [
      "cluster  phase            steps  last step",
      "east     stage                3  stage-n0-certs",
      "west     failed               1  stage-n0-certs",
    ]);
  });

  it("shows a cluster whose update has not started as waiting", () => {
    assert.deepEqual(new ProgressBoard(["a-long-cluster-name"]).render(), [
      "cluster              phase            steps  last step",
      "a-long-cluster-name  waiting              0  ",
    ]);
  });
});
