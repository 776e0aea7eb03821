// The lab runs from wherever a user cloned the project: under /tmp (with a space in the path) and
// under a home folder, both of which a lab node shadows with its own private copy. And one lab
// fits a machine: a second checkout is refused by the host check, not allowed to break the
// first one's bridge. Runs before the shared lab (this file sorts first) and leaves none up.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { labWasTakenDown } from "./fixture";
import { lab, repoRoot, run, type RunResult } from "./run";

/** A copy of this checkout's lab/ under `root`, as a clone there would have it. */
function labCopy(root: string): string {
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(repoRoot, "lab"), path.join(root, "lab"), { recursive: true });
  return root;
}

function labAt(root: string, args: readonly string[]): Promise<RunResult> {
  return run("bash", [path.join(root, "lab", "lab.sh"), ...args], {
    env: { ...process.env, LAB_SKIP_CONTROL_PLANE: "1" },
    timeoutMs: 600_000,
  });
}

function sshTo(root: string, ip: string, command: string): Promise<RunResult> {
  const out = path.join(root, "_output", "aks-lab");
  return run("ssh", [
    "-n",
    ...["-i", path.join(out, "azureuser_rsa")],
    ...["-o", `UserKnownHostsFile="${path.join(out, "known_hosts")}"`],
    ...["-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"],
    `azureuser@${ip}`,
    command,
  ]);
}

const places = [
  {
    what: "a clone under /tmp whose path has a space",
    root: () => fs.mkdtempSync("/tmp/aks lab-"),
  },
  {
    what: "a clone under the home folder",
    root: () => fs.mkdtempSync(path.join(os.homedir(), "aks-rotate-certs-clone-")),
  },
];

describe("lab from any checkout path", function () {
  before(async function () {
    // No lab of this checkout may be up (an earlier run's), or the copies would be refused.
    const r = await lab(["down"]);
    labWasTakenDown();
    assert.equal(r.code, 0, r.stderr);
  });

  for (const place of places) {
    it(`boots, provisions and serves SSH from ${place.what}`, async () => {
      const root = labCopy(path.join(place.root(), "clone"));
      try {
        const up = await labAt(root, [
          "up",
          "--masters",
          "1",
          "--agents",
          "1",
          "--key-bits",
          "2048",
        ]);
        assert.equal(up.code, 0, `lab up from ${root} failed:\n${up.stderr}`);
        const status = await labAt(root, ["status"]);
        assert.equal(status.code, 0, status.stdout + status.stderr);
        assert.match(status.stdout, /k8s-master-\d{8}-0 +master .* running +open +healthy +ok/);
        assert.match(status.stdout, new RegExp(`state ${root}/.work/lab`));

        const hostname = await sshTo(root, "10.240.255.5", "hostname");
        assert.equal(hostname.code, 0, hostname.stderr);
        assert.match(hostname.stdout.trim(), /^k8s-master-\d{8}-0$/);
        // The operator's side (lab state with the CA key, _output with the SSH key) stays
        // invisible to the node wherever the checkout lives.
        const hidden = await sshTo(
          root,
          "10.240.0.4",
          `test ! -e '${root}/.work/lab/pki/ca.key' && test ! -e '${root}/_output/aks-lab/azureuser_rsa' && echo hidden`,
        );
        assert.equal(hidden.stdout.trim(), "hidden", hidden.stderr);

        // A second checkout (this one) is refused while the copy's lab runs, touching nothing.
        const second = await lab(["up", "--masters", "1", "--agents", "1", "--key-bits", "2048"]);
        assert.equal(second.code, 1);
        assert.match(second.stderr, /host check failed, nothing was created/);
        assert.ok(
          second.stderr.includes(`another lab is running on this machine, from ${root}`),
          second.stderr,
        );
        const still = await labAt(root, ["status"]);
        assert.equal(still.code, 0, `the first lab broke:\n${still.stdout}${still.stderr}`);
      } finally {
        const down = await labAt(root, ["down"]);
        fs.rmSync(path.dirname(root), { recursive: true, force: true });
        assert.equal(down.code, 0, down.stderr);
      }
    });
  }
});
