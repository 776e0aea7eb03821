// The Go unit tests of this project's own engine parts (Node.js language host, command and tls
// plugins in tools/pulumi/go): key encodings, certificate chains, renewal-window and trigger
// diffs, command lifecycle, plugin discovery; the conformance suite (upstream facts as data in
// tools/pulumi/go/testdata/upstream-facts.json) and the SDK check (every name the installed
// @pulumi/command and @pulumi/tls send or read is known to the plugins). The smoke test drives
// the same code end to end.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "./support/engine";

/** Runs `go test` in tools/pulumi/go with build.sh's settings (CGO off, GOFLAGS). */
function goTest(args: string[]): string {
  const r = spawnSync("go", ["test", "-count=1", ...args], {
    cwd: path.join(PROJECT_ROOT, "tools", "pulumi", "go"),
    env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: process.env.GOFLAGS ?? "-buildvcs=false" },
    encoding: "utf8",
    timeout: 15 * 60 * 1000,
  });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("the engine's own Go parts", function () {
  let verbose: string;

  before(function () {
    verbose = goTest(["-v", "./..."]);
  });

  it("pass their Go unit tests", function () {
    assert.match(verbose, /ok\s+\S+pulumi-resource-tls/);
    assert.match(verbose, /ok\s+\S+pulumi-resource-command/);
    assert.match(verbose, /ok\s+\S+pulumi-language-nodejs/);
    assert.doesNotMatch(verbose, /--- SKIP/);
  });

  it("conform to the upstream facts", function () {
    for (const name of [
      // command
      "Diff",
      "DialSchedule",
      "DialTimeout",
      "ErrorText",
      "HostKeyNegotiation",
      "IDs",
      "CheckDefaultsNothing",
      // tls
      "PEMTypes",
      "IDsAndSerial",
      "ValidityTimes",
      "ReadyForRenewal",
      "Defaults",
    ]) {
      assert.match(verbose, new RegExp(`--- PASS: TestConformance${name}\\b`), name);
    }
    assert.equal((verbose.match(/--- PASS: TestConformanceDiff\b/g) ?? []).length, 2);
  });

  it("know every name the installed SDKs send or read", function () {
    const passed = verbose.match(/--- PASS: TestSDKNamesAreKnown/g) ?? [];
    assert.equal(passed.length, 2, "the SDK check ran for @pulumi/command and @pulumi/tls");
  });
});
