// The fleet's command line: each row an argv and what it parses to (a few fields), or the exact
// problem line.
import assert from "node:assert/strict";
import { parseArgs, type FleetArgs } from "../../../tools/fleet/args";

const ok: [string, string[], Partial<FleetArgs>][] = [
  [
    "init, folders",
    ["init", "a", "b"],
    { verb: "init", positional: ["a", "b"], keyAsSecret: false },
  ],
  [
    "init, options",
    ["init", "a", "--jump-host", "j", "--key-as-secret", "--rotation-id", "r"],
    { jumpHost: "j", keyAsSecret: true, rotationId: "r" },
  ],
  ["status defaults", ["status"], { json: false, warnDays: 30, concurrency: 4 }],
  ["status json", ["status", "--json", "--warn-days", "0"], { json: true, warnDays: 0 }],
  ["preview all", ["preview"], { positional: [], diff: false }],
  [
    "preview some",
    ["preview", "s1", "s2", "--concurrency", "2", "--diff"],
    { positional: ["s1", "s2"], concurrency: 2, diff: true },
  ],
  [
    "up",
    ["up", "--rotation-id", "2026-12", "s1", "--stop-on-failure"],
    { rotationId: "2026-12", positional: ["s1"], stopOnFailure: true, concurrency: 4 },
  ],
  ["plan", ["plan", "--format", "azure-pipelines"], { format: "azure-pipelines" }],
];

const bad: [string, string[], string][] = [
  ["no verb", [], 'fleet: unknown verb ""'],
  ["unknown verb", ["rotate"], 'fleet: unknown verb "rotate"'],
  ["unknown option", ["status", "--jsn"], "fleet status: unknown option --jsn"],
  ["option of another verb", ["preview", "--json"], "fleet preview: unknown option --json"],
  ["missing value", ["status", "--warn-days"], "fleet status: --warn-days needs a value"],
  [
    "value is an option",
    ["up", "--rotation-id", "--stop-on-failure"],
    "fleet up: --rotation-id needs a value",
  ],
  [
    "not a number",
    ["status", "--warn-days", "ten"],
    'fleet status: --warn-days needs a whole number ≥ 0, not "ten"',
  ],
  [
    "zero concurrency",
    ["up", "--rotation-id", "r", "--concurrency", "0"],
    'fleet up: --concurrency needs a whole number ≥ 1, not "0"',
  ],
  ["init without folder", ["init"], "fleet init: name at least one _output/<dnsPrefix>/ folder"],
  [
    "up without rotation id",
    ["up", "s1"],
    "fleet up: --rotation-id is required (the new rotation's label)",
  ],
  [
    "plan without format",
    ["plan"],
    "fleet plan: --format github-actions|azure-pipelines is required",
  ],
  [
    "plan, other format",
    ["plan", "--format", "gitlab"],
    'fleet plan: --format must be github-actions or azure-pipelines, not "gitlab"',
  ],
  ["status with a stack", ["status", "s1"], "fleet status: unexpected argument s1"],
];

describe("fleet parseArgs", () => {
  for (const [name, argv, want] of ok) {
    it(name, () => {
      const got = parseArgs(argv);
      assert.notEqual(typeof got, "string", String(got));
      const picked = Object.fromEntries(Object.keys(want).map((k) => [k, (got as never)[k]]));
      assert.deepEqual(picked, want);
    });
  }
  for (const [name, argv, line] of bad) {
    it(`refuses: ${name}`, () => assert.equal(parseArgs(argv), line));
  }
});

describe("fleet parseArgs: plan's concurrency", () => {
  it("takes --concurrency for the matrix's parallel jobs", () => {
    const got = parseArgs(["plan", "--format", "github-actions", "--concurrency", "2"]);
    assert.equal(typeof got === "string" ? got : got.concurrency, 2);
  });
});
