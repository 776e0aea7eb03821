// Compatibility pin: the resources the program registers for the three-masters fixture, per
// action — URN parts (type, parent, name), the inputs the command provider diffs (create, stdin,
// triggers), dependencies and secret outputs. A stack rotated by an earlier version must see no
// change from a refactor of the graph code; an intended change rewrites the pin
// (UPDATE_GOLDEN=1 npm run test:unit) and shows up in review as a diff of golden/*.json.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { tempDir } from "../support/fixtures";
import { installMocks, interceptRegistrations } from "../support/pulumiMocks";
import { runProgram, useOperatorPassphrase, writeOutputFolder } from "../support/program";
import { normalizer, pinned, type Pinned } from "./goldenRecord";

const GOLDEN_DIR = path.join(__dirname, "golden");
const ACTIONS = ["rotate", "finalize", "rollback"] as const;

async function record(dir: string, action: string): Promise<Pinned[]> {
  await installMocks();
  const out: Pinned[] = [];
  const normalize = normalizer(dir);
  interceptRegistrations((req) => out.push(pinned(req, normalize)));
  await runProgram({ apiModel: dir, rotationId: "r1", sshVerifyHostKeys: "false", action });
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return out.sort((a, b) => a.urn.localeCompare(b.urn));
}

describe("registered resources stay as pinned (stack compatibility)", function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  useOperatorPassphrase();
  before(() => {
    ({ dir, cleanup } = tempDir());
    writeOutputFolder(dir);
  });
  after(() => cleanup());

  for (const action of ACTIONS) {
    it(`action ${action}: same URNs, inputs and dependencies as golden/${action}.json`, async () => {
      const got = await record(dir, action);
      const file = path.join(GOLDEN_DIR, `${action}.json`);
      if (process.env.UPDATE_GOLDEN === "1") {
        fs.mkdirSync(GOLDEN_DIR, { recursive: true });
        fs.writeFileSync(file, JSON.stringify(got, null, 1) + "\n");
      }
      const want = JSON.parse(fs.readFileSync(file, "utf8")) as Pinned[];
      assert.deepEqual(
        got.map((p) => p.urn),
        want.map((p) => p.urn),
      );
      for (const [i, p] of got.entries()) assert.deepEqual(p, want[i], p.urn);
    });
  }
});
