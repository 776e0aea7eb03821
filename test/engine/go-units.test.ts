// The Go unit tests of this project's own engine parts (Node.js language host, command and tls
// plugins in tools/pulumi/go): key encodings, certificate chains, renewal-window and trigger
// diffs, command lifecycle, plugin discovery. The smoke test drives the same code end to end.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "./support/engine";

describe("the engine's own Go parts", function () {
  it("pass their Go unit tests", function () {
    const r = spawnSync("go", ["test", "-count=1", "./..."], {
      cwd: path.join(PROJECT_ROOT, "tools", "pulumi", "go"),
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: process.env.GOFLAGS ?? "-buildvcs=false" },
      encoding: "utf8",
      timeout: 15 * 60 * 1000,
    });
    assert.equal(r.status, 0, `go test failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /ok\s+\S+pulumi-resource-tls/);
    assert.match(r.stdout, /ok\s+\S+pulumi-resource-command/);
    assert.match(r.stdout, /ok\s+\S+pulumi-language-nodejs/);
  });
});
