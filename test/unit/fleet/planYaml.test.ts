// `fleet plan`: the matrix job each CI format gets, checked as rows of what must be in it.
import assert from "node:assert/strict";
import { matrixKey, planYaml } from "../../../tools/fleet/planYaml";

const STACKS = ["east", "west-2"];

describe("fleet plan", () => {
  const rows: [string, "github-actions" | "azure-pipelines", string[]][] = [
    [
      "GitHub Actions",
      "github-actions",
      [
        "# Written by `npm run fleet -- plan --format github-actions`: one job per stack (2),",
        "      max-parallel: 3",
        '        stack: ["east", "west-2"]',
        "      fail-fast: false",
        "    concurrency: rotate-certs-${{ matrix.stack }}",
        '      - run: npx pulumi up --stack "$STACK" --yes --non-interactive',
        '        run: npx pulumi config set rotationId "$ROTATION_ID" --stack "$STACK"',
      ],
    ],
    [
      "Azure Pipelines",
      "azure-pipelines",
      [
        "# Written by `npm run fleet -- plan --format azure-pipelines`: one job per stack (2),",
        "      maxParallel: 3",
        "        east:",
        '          stack: "east"',
        "        west_2:",
        '          stack: "west-2"',
        '      - script: npx pulumi up --stack "$(stack)" --yes --non-interactive',
      ],
    ],
  ];
  for (const [name, format, lines] of rows) {
    it(`${name}: a matrix job over the stacks, each the single stack's pulumi up`, () => {
      const yaml = planYaml(format, STACKS, 3).split("\n");
      for (const l of lines) assert.ok(yaml.includes(l), `missing line: ${l}`);
    });
  }
  it("never puts the operator's input in a command line (it goes through the environment)", () => {
    for (const f of ["github-actions", "azure-pipelines"] as const) {
      const run = planYaml(f, STACKS, 1)
        .split("\n")
        .filter((l) => /(run|script): /.test(l));
      assert.ok(
        run.every((l) => !l.includes("${{")),
        run.join("\n"),
      );
    }
  });
  const keys: [string, string][] = [
    ["east", "east"],
    ["west-2", "west_2"],
    ["a.b", "a_b"],
  ];
  for (const [stack, key] of keys)
    it(`matrix key of ${stack}`, () => assert.equal(matrixKey(stack), key));
});
