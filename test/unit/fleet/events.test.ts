// The engine events the fleet reads: the node a step is about, a preview's summary line, the
// step an update failed at. Table rows.
import assert from "node:assert/strict";
import { failingStep, nodeOf, previewLine } from "../../../tools/fleet/events";

const urn = (type: string, name: string) => `urn:pulumi:east::aks-rotate-certs::${type}::${name}`;
const STEP = "aks-rotate-certs:rotation:Rotation$command:remote:Command";
const M0 = "k8s-master-12345678-0";
const M1 = "k8s-master-12345678-1";
const A10 = "k8s-linuxpool-12345678-10";
const A1 = "k8s-linuxpool-12345678-1";

describe("fleet events: nodes and failing steps", () => {
  const nodes: [string, string | undefined][] = [
    [`preflight-${M0}-check`, M0],
    [`kubelet-${A10}-restart`, A10],
    [`kubelet-${A1}-restart`, A1],
    ["ssh-probe", undefined],
  ];
  for (const [name, want] of nodes) {
    it(`${name} is about ${want ?? "no node"}`, () =>
      assert.equal(nodeOf(urn(STEP, name), [M0, M1, A1, A10]), want));
  }

  it("summarizes a preview: nodes touched, reboots, action, operations", () => {
    const steps = [
      { urn: urn(STEP, `preflight-${M0}-check`), op: "create" },
      { urn: urn(STEP, `reboot-${M0}-reboot`), op: "create" },
      { urn: urn(STEP, `preflight-${M1}-check`), op: "same" },
      { urn: urn("tls:index/privateKey:PrivateKey", "ca-key"), op: "create" },
    ];
    assert.equal(
      previewLine("east", "rotate", [M0, M1], steps, { create: 3, same: 1 }),
      "east: 1 node touched, 1 reboot, action rotate; 3 create",
    );
    assert.equal(
      previewLine("west", "finalize", [M0], [], { same: 9 }),
      "west: 0 nodes touched, 0 reboots, action finalize; no changes",
    );
  });

  const failures: [
    string,
    { urn?: string; severity: string; message: string }[],
    ReturnType<typeof failingStep>,
  ][] = [
    [
      "a step's errors, not the stack's",
      [
        { severity: "warning", message: "w" },
        {
          urn: urn("pulumi:pulumi:Stack", "aks-rotate-certs-east"),
          severity: "error",
          message: "update failed",
        },
        {
          urn: urn(STEP, `preflight-${M0}-check`),
          severity: "error",
          message: "etcd is not healthy\nline 2",
        },
      ],
      { step: `preflight-${M0}-check`, log: ["etcd is not healthy", "line 2"] },
    ],
    [
      "only the program's error",
      [{ urn: urn("pulumi:pulumi:Stack", "x"), severity: "error", message: "invalid input: x" }],
      { step: "program", log: ["invalid input: x"] },
    ],
    ["no error at all", [{ severity: "info", message: "i" }], undefined],
  ];
  for (const [name, diags, want] of failures) {
    it(`failing step: ${name}`, () => assert.deepEqual(failingStep(diags), want));
  }
});
