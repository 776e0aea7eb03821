// The timeline tool (tools/timeline): engine events to spans, spans to rows and phases, the
// dependency graph from the state, the critical path, the chart. Tables, and a fixture recorded
// from a real engine run (tools/timeline/record-fixture.sh).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseEvents, spansOf, type EngineEvent } from "../../../tools/timeline/events";
import { criticalPath, stateResources, stepDependencies } from "../../../tools/timeline/graph";
import { parseArgs, summary } from "../../../tools/timeline/main";
import { orderRows, place } from "../../../tools/timeline/rows";
import { lanes, renderSvg, tickStep } from "../../../tools/timeline/svg";
import { buildTimeline, pathByPhase, type TimelineStep } from "../../../tools/timeline/timeline";
import { scanText } from "../../support/secretScan";

const FIXTURES = path.join(__dirname, "fixtures");
const read = (f: string) => fs.readFileSync(path.join(FIXTURES, f), "utf8");
const fixture = () =>
  buildTimeline(parseEvents(read("events.jsonl")), stateResources(JSON.parse(read("state.json"))));

const M0 = "k8s-master-12345678-0";
const M1 = "k8s-master-12345678-1";
const A0 = "k8s-agentpool1-12345678-0";
const urn = (type: string, name: string) =>
  `urn:pulumi:s::p::aks:rotation:Rotation$${type}::${name}`;
const CMD = "command:remote:Command";

let seq = 0;
const pre = (t: number, op: string, u: string, type = CMD, custom = true): EngineEvent => ({
  sequence: seq++,
  timestamp: t,
  resourcePreEvent: { metadata: { op, urn: u, type, custom } },
});
const out = (t: number, op: string, u: string, type = CMD, custom = true): EngineEvent => ({
  sequence: seq++,
  timestamp: t,
  resOutputsEvent: { metadata: { op, urn: u, type, custom } },
});

describe("timeline", () => {
  it("places each resource on its node's row, coloured by its phase", () => {
    // urn name, type, component → row, phase (undefined: no step of its own)
    const TABLE: [string, string, boolean, [string, string] | undefined][] = [
      [`etcd-${M0}-restart`, CMD, false, [M0, "etcd"]],
      [`kubelet-${A0}-ready`, CMD, false, [A0, "kubelet"]],
      [`reboot-${M1}-wait`, "command:local:Command", false, [M1, "reboot"]],
      ["kubeconfig-local-write", "command:local:Command", false, ["local", "kubeconfig"]],
      ["persist-local-apimodel", "command:local:Command", false, ["local", "persist"]],
      ["oddname", "command:local:Command", false, ["local", "local"]],
      ["rotation-pki-ca-key", "tls:index/privateKey:PrivateKey", false, ["pki", "pki"]],
      ["record-configmap", "kubernetes:core/v1:ConfigMap", false, ["local", "record"]],
      ["rotation", "aks-rotate-certs:rotation:Rotation", true, undefined],
      ["p-t", "pulumi:pulumi:Stack", false, undefined],
      ["default_1_2_1", "pulumi:providers:command", false, undefined],
    ];
    for (const [name, type, component, want] of TABLE) {
      const p = place(urn(type, name), type, component);
      assert.deepEqual(p === undefined ? undefined : [p.row, p.phase], want, name);
    }
  });

  it("orders rows: masters, agents (by index), local, pki", () => {
    const rows = ["pki", "local", "agent-10", "k8s-master-1-1", "agent-2", "k8s-master-1-0"];
    assert.deepEqual(orderRows(rows), [
      "k8s-master-1-0",
      "k8s-master-1-1",
      "agent-2",
      "agent-10",
      "local",
      "pki",
    ]);
  });

  it("spans a step from its first event to its outputs, deletions apart", () => {
    const a = urn(CMD, `etcd-${M0}-restart`);
    const b = urn(CMD, `etcd-${M1}-restart`);
    const c = urn(CMD, `etcd-${M1}-health`);
    const d = urn(CMD, `verify-${M0}-files`);
    const log = spansOf([
      { sequence: seq++, timestamp: 100, preludeEvent: {} } as EngineEvent,
      pre(101, "create-replacement", a),
      pre(101, "replace", a),
      out(104, "create-replacement", a),
      out(104, "replace", a),
      pre(104, "same", b),
      out(104, "same", b),
      pre(105, "update", c),
      { sequence: seq++, timestamp: 107, diagnosticEvent: { urn: c, severity: "error" } },
      pre(106, "create", d),
      pre(108, "delete-replaced", a),
      out(109, "delete-replaced", a),
      { sequence: seq++, timestamp: 110, summaryEvent: { result: "failed" } },
    ]);
    // urn → op, start, end, status
    const want = [
      [a, "replace", 101, 104, "done"],
      [b, "same", 104, 104, "done"],
      [c, "update", 105, 107, "failed"],
      [d, "create", 106, 110, "unfinished"],
    ];
    assert.deepEqual(
      log.spans.map((s) => [s.urn, s.op, s.start, s.end, s.status]),
      want,
    );
    assert.deepEqual([log.start, log.end, log.result], [100, 110, "failed"]);
  });

  it("names the line of an event log that is not JSON, and says when there is none", () => {
    assert.throws(() => parseEvents('{"sequence":0}\n\nnot json\n'), /line 3 is not JSON/);
    assert.throws(() => spansOf(parseEvents("")), /no engine events: pulumi up stopped before/);
  });

  it("reads a stack export, one that never deployed too", () => {
    const r = { urn: "urn:x::a", type: CMD };
    assert.deepEqual(stateResources({ deployment: { resources: [r] } }), [r]);
    assert.deepEqual(stateResources({ version: 3, deployment: { manifest: {} } }), []);
    assert.throws(() => stateResources({}), /not a stack export/);
    assert.throws(() => stateResources(null), /not a stack export/);
  });

  it("reads dependencies from the state, through components and providers", () => {
    const [k, s0, s1, e0, comp, prov, cm] = ["k", "s0", "s1", "e0", "comp", "prov", "cm"].map(
      (n) => `urn:x::${n}`,
    );
    const state = [
      { urn: comp, type: "aks-rotate-certs:index:ClusterRecord" },
      { urn: k, type: "tls:index/privateKey:PrivateKey" },
      { urn: s0, type: CMD, parent: comp, dependencies: [k] },
      { urn: s1, type: CMD, parent: comp, dependencies: [k] },
      { urn: e0, type: CMD, dependencies: [comp] },
      { urn: prov, type: "pulumi:providers:kubernetes", dependencies: [e0] },
      {
        urn: cm,
        type: "kubernetes:core/v1:ConfigMap",
        provider: `${prov}::1234`,
        dependencies: [],
      },
    ];
    const deps = stepDependencies(state, new Set([k, s0, s1, e0, cm]));
    assert.deepEqual(Object.fromEntries(deps), {
      [k]: [],
      [s0]: [k],
      [s1]: [k],
      [e0]: [s0, s1],
      [cm]: [e0],
    });
  });

  it("finds the longest chain by measured durations, not by count", () => {
    // a(0-2) → b(2-3) → d(10-11); a → c(2-10) → d: the chain through c weighs 2 + 8 + 1
    const steps = [
      { id: "a", start: 0, end: 2 },
      { id: "b", start: 2, end: 3 },
      { id: "c", start: 2, end: 10 },
      { id: "d", start: 10, end: 11 },
      { id: "lone", start: 0, end: 5 },
    ];
    const deps = new Map([
      ["b", ["a"]],
      ["c", ["a"]],
      ["d", ["b", "c", "unknown"]],
    ]);
    assert.deepEqual(criticalPath(steps, deps), { seconds: 11, steps: ["a", "c", "d"] });
    assert.deepEqual(criticalPath([], new Map()), { seconds: 0, steps: [] });
  });

  it("builds the recorded run's timeline and its critical path", () => {
    const t = fixture();
    assert.deepEqual(t.rows, [M0, M1, A0, "local", "pki"]);
    assert.deepEqual(t.phases, ["pki", "stage", "etcd", "controlplane", "kubelet", "kubeconfig"]);
    assert.equal(t.steps.length, 14);
    // The program's sleeps: stage 1, etcd install 1 + master-1's restart 2, control plane 2 + 1,
    // the agent's kubelet 3, kubeconfig 1 (whole seconds; each step a second or so more at most).
    const cp = t.criticalPath;
    assert.ok(cp.seconds >= 11 && cp.seconds <= 14, `critical path ${cp.seconds} s`);
    assert.equal(cp.steps[cp.steps.length - 1], "kubeconfig-local-write");
    for (const s of [`etcd-${M1}-restart`, `controlplane-${M0}-restart`, `kubelet-${A0}-restart`]) {
      assert.ok(cp.steps.includes(s), `${s} on the critical path ${cp.steps.join(" ")}`);
    }
    assert.ok(t.seconds >= cp.seconds);
    const write = t.steps.find((s) => s.name === "kubeconfig-local-write");
    assert.deepEqual(write?.after, [
      `kubelet-${M0}-restart`,
      `kubelet-${M1}-restart`,
      `kubelet-${A0}-restart`,
    ]);
    assert.deepEqual(
      pathByPhase(t).map((p) => p.phase),
      ["pki", "stage", "etcd", "controlplane", "kubelet", "kubeconfig"],
    );
  });

  it("keeps the recorded fixture free of keys (keep.jq dropped the SDK's debug lines)", () => {
    for (const f of ["events.jsonl", "state.json"]) assert.deepEqual(scanText(read(f), f), []);
    assert.ok(!read("events.jsonl").includes('"severity":"debug"'));
  });

  it("filters the raw stream before it reaches a disk: no debug lines, no inputs or outputs", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY-----";
    const state = { urn: "urn:x::k", custom: true, inputs: { pem: key }, outputs: { pem: key } };
    const raw = [
      { sequence: 0, timestamp: 1, preludeEvent: { config: { "p:sshPrivateKey": key } } },
      { sequence: 1, timestamp: 1, diagnosticEvent: { severity: "debug", message: key } },
      {
        sequence: 2,
        timestamp: 2,
        resourcePreEvent: {
          metadata: {
            op: "create",
            urn: "urn:x::k",
            type: "tls:index/privateKey:PrivateKey",
            old: null,
            new: state,
          },
        },
      },
      { sequence: 3, timestamp: 3, diagnosticEvent: { severity: "info", message: "restarted\\n" } },
    ];
    const kept = execFileSync(
      "jq",
      ["-c", "-f", path.join(__dirname, "../../../tools/timeline/keep.jq")],
      {
        input: raw.map((e) => JSON.stringify(e)).join("\n"),
        encoding: "utf8",
      },
    );
    assert.deepEqual(scanText(kept, "kept"), []);
    assert.deepEqual(parseEvents(kept), [
      { sequence: 0, timestamp: 1, preludeEvent: {} },
      {
        sequence: 2,
        timestamp: 2,
        resourcePreEvent: {
          metadata: {
            op: "create",
            urn: "urn:x::k",
            type: "tls:index/privateKey:PrivateKey",
            custom: true,
          },
        },
      },
      { sequence: 3, timestamp: 3, diagnosticEvent: { severity: "info", message: "restarted\\n" } },
    ]);
  });

  it("draws a row per node, a bar per step, a legend and an axis", () => {
    const t = fixture();
    const svg = renderSvg(t, { title: "fixture" });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200"/);
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, t.steps.length);
    for (const row of t.rows) assert.ok(svg.includes(`>${row}</text>`), row);
    for (const phase of [...t.phases, "critical path"]) assert.ok(svg.includes(`>${phase}</text>`));
    assert.ok(svg.includes(">0 s</text>") && svg.includes(">10 s</text>"));
    const labelY = (r: string) =>
      Number(new RegExp(`<text x="8" y="([\\d.]+)"[^>]*>${r}<`).exec(svg)?.[1]);
    const ys = t.rows.map(labelY);
    assert.deepEqual(
      [...ys].sort((a, b) => a - b),
      ys,
      "rows drawn top to bottom in order",
    );
    assert.ok(ys.every((y) => y > 0));
  });

  it("ticks every 1, 2, 5, 10, … seconds, at most about 12 of them", () => {
    const TABLE: [number, number][] = [
      [5, 1],
      [13, 2],
      [60, 5],
      [264, 30],
      [752, 120],
      [4000, 600],
    ];
    for (const [seconds, step] of TABLE) assert.equal(tickStep(seconds), step, String(seconds));
  });

  it("stacks overlapping steps of a row in lanes, sequential ones in one", () => {
    const s = (start: number, end: number) => ({ start, end }) as TimelineStep;
    const steps = [s(0, 4), s(1, 2), s(2, 3), s(4, 6), s(5, 5)];
    const { lane, count } = lanes(steps);
    assert.deepEqual(
      steps.map((x) => lane.get(x)),
      [0, 1, 1, 0, 1],
    );
    assert.equal(count, 2);
  });

  it("reads its arguments and prints the ratio of the wall time to the critical path", () => {
    assert.deepEqual(parseArgs(["--events", "e", "--state", "-", "--out", "o", "--wall", "12.5"]), {
      events: "e",
      state: "-",
      out: "o",
      wall: 12.5,
      title: undefined,
    });
    assert.throws(() => parseArgs(["--events", "e"]), /missing argument/);
    assert.throws(() => parseArgs(["--bogus", "x"]), /bad argument '--bogus'/);
    assert.throws(
      () => parseArgs(["--events", "e", "--state", "s", "--out", "o", "--wall", "0"]),
      /--wall/,
    );
    const t = fixture();
    const lines = summary(t, t.criticalPath.seconds * 1.5);
    assert.match(lines[1], /^critical path: \d+ s over \d+ steps \(s per phase: pki 0 → stage/);
    assert.match(
      lines[lines.length - 1],
      /^wall \/ critical path: 1\.50 \(wall [\d.]+ s, measured\)$/,
    );
  });
});
