// The warning for a stack moved between plugin sets (components/remote/pluginSet.ts), through the
// real engine: `pulumi up` of a fresh stack warns nothing; an up after an update recorded by the
// other set warns once in its preview, naming both; the next one, recorded by this set, warns
// nothing again. The record is read in previews only (an update rewrites the checkpoint it reads).
//
// The other set: with AKS_PLUGIN_HOME (say, upstream's plugins) the first up runs with that set
// and the second with the project's own (`npm run setup`), a real move. Without it only the own
// set exists here, so the record of the first up is rewritten to upstream's (stack export and
// import), which is what an update by upstream's plugins leaves.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ENGINE_CHOICE,
  PLUGIN_HOME,
  PLUGIN_SET,
  copyFixtureBesideComponents,
  engineEnv,
  pulumiOk,
} from "./support/engine";

const FIXTURE = path.join(__dirname, "fixtures", "plugin-set");
const STACK = "plugin-set";
const OWN = "aks-rotate-certs-own";
const setName = (s: string): string => (s === "own" ? OWN : s);

type Deployment = {
  deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] };
};

/** With AKS_PLUGIN_HOME: the environment of the project's own plugins, the other set. */
const ownSetEnv = (): NodeJS.ProcessEnv =>
  PLUGIN_HOME ? { PULUMI_HOME: engineEnv({ PULUMI_HOME: "" }).PULUMI_HOME } : {};

describe("the warning for a stack moved between plugin sets (npx pulumi)", function () {
  let work: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  /** stdout and stderr of `pulumi args… --stack plugin-set`. */
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    pulumiOk([...args, "--stack", STACK], { cwd: project, env: { ...env, ...extra } });
  /** `pulumi up`, with the preview it runs first (where the record is read). */
  const up = (extra: NodeJS.ProcessEnv = {}, flags: string[] = []): string => {
    const r = run(["up", "--yes", "--non-interactive", ...flags], extra);
    return `${r.stdout}\n${r.stderr}`;
  };
  /** The warnings of the run's Diagnostics (the CLI also shows each as the run goes). */
  const warnings = (out: string): string[] =>
    out
      .slice(Math.max(0, out.indexOf("Diagnostics:")))
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("warning: plugin sets changed"));

  before(function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-plugin-set-"));
    fs.mkdirSync(path.join(work, "state"));
    project = copyFixtureBesideComponents(FIXTURE, work);
    env = {
      PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine-plugin-set-test",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    pulumiOk(["stack", "init", STACK, "--non-interactive"], { cwd: project, env });
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("warns nothing on a stack's first update", function () {
    const out = up();
    assert.doesNotMatch(out, /plugin sets changed/);
    const sets = JSON.parse(run(["stack", "output", "pluginSets", "--json"]).stdout) as unknown;
    const want = setName(PLUGIN_SET);
    assert.deepEqual(sets, { command: want, tls: want }, "the first update's record");
  });

  it("warns once, naming both sets, on an update after one by the other set", function () {
    // A real move with AKS_PLUGIN_HOME (now the project's own plugins); else a rewritten record.
    const previous = PLUGIN_HOME ? setName(PLUGIN_SET) : "upstream";
    if (!PLUGIN_HOME) recordPluginSets(previous);
    const out = up(ownSetEnv());
    const now = PLUGIN_HOME ? OWN : setName(PLUGIN_SET);
    assert.deepEqual(
      warnings(out),
      [
        `warning: plugin sets changed: this stack's previous update ran with command ${previous}, tls ${previous}; ` +
          `this run uses command ${now}, tls ${now}. The two implementations store some inputs differently, ` +
          "so a stack moved between them may re-run commands on the nodes (tools/pulumi/README.md, " +
          '"Which plugin set made a stack"): read pulumi preview before pulumi up, or run with the previous set.',
      ],
      out,
    );
  });

  it("warns nothing once the stack's record is this set's, and reading the record is no change", function () {
    const out = up(ownSetEnv(), ["--expect-no-changes"]);
    assert.doesNotMatch(out, /plugin sets changed/);
  });

  /** Rewrites the stack's recorded pluginSets output, as an update by `set`'s plugins leaves it. */
  function recordPluginSets(set: string): void {
    const state = JSON.parse(run(["stack", "export"]).stdout) as Deployment;
    const root = state.deployment.resources?.find((r) => r.type === "pulumi:pulumi:Stack");
    assert.ok(root?.outputs, "no stack outputs to rewrite");
    root.outputs.pluginSets = { command: set, tls: set };
    const file = path.join(work, "state.json");
    fs.writeFileSync(file, JSON.stringify(state));
    run(["stack", "import", "--file", file]);
  }
});
