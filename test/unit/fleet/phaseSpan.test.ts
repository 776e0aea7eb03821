// The phases a fleet preview line names: first to last changing phase, staged phases labelled.
import assert from "node:assert/strict";
import { previewLine } from "../../../tools/fleet/events";
import { phaseSpan } from "../../../tools/fleet/phaseSpan";

const STEP = "aks-rotate-certs:rotation:Rotation$command:remote:Command";
const urn = (name: string, type = STEP) => `urn:pulumi:east::aks-rotate-certs::${type}::${name}`;
const M0 = "k8s-master-12345678-0";
const step = (name: string, op = "create") => ({ urn: urn(name), op });

describe("fleet preview: the phases a cluster goes through", () => {
  const rows: [string, { urn: string; op: string }[], string][] = [
    ["nothing changes", [step(`preflight-${M0}-check`, "same")], ""],
    [
      "a cut-over from the start",
      [
        { urn: urn("ca-key", "tls:index/privateKey:PrivateKey"), op: "create" },
        { urn: urn("ssh-probe", "command:local:Command"), op: "create" },
        step(`preflight-${M0}-check`),
        step(`etcd-${M0}-restart`),
        { urn: urn("record-stack", "command:local:Command"), op: "create" },
      ],
      "preflight → record",
    ],
    [
      "a staged rotation resumed after P2",
      [
        step(`trust-${M0}-bundle`, "same"),
        step(`clients-${M0}-restart`, "same"),
        step(`leaves-${M0}-files`, "update"),
        step(`distrust-${M0}-bundle`),
      ],
      "leaves (P3) → distrust (P4)",
    ],
    [
      "steps that wait for the same one, reported in either order",
      [
        step(`preflight-${M0}-check`),
        step(`cleanup-${M0}-staging`),
        step("persist-local-apimodel"),
      ],
      "preflight → cleanup",
    ],
    ["one phase", [step(`trust-${M0}-bundle`)], "trust (P1)"],
    [
      "only new keys",
      [{ urn: urn("ca-key", "tls:index/privateKey:PrivateKey"), op: "replace" }],
      "",
    ],
  ];
  for (const [what, steps, want] of rows) it(what, () => assert.equal(phaseSpan(steps), want));

  it("stands in the summary line after the action", () =>
    assert.equal(
      previewLine(
        "east",
        "rotate",
        [M0],
        [step(`trust-${M0}-bundle`)],
        { create: 1 },
        "trust (P1)",
      ),
      "east: 1 node touched, 0 reboots, action rotate, phases trust (P1); 1 create",
    ));
});
