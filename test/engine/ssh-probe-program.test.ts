// The program's SSH probe through the real engine: `pulumi up` of the project, whose jump host is
// the test sshd (through the ssh wrapper), stops at the probe with one line naming the config key
// to fix, after one try, and no step reaches a node: no delivery or preflight step is registered.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rowConfig, writeGoodOutputFolder } from "../support/badInputs";
import { ENGINE_CHOICE, pulumi } from "./support/engine";
import { projectStack, type ProjectStack } from "./support/project";
import { startSshd, type Sshd } from "./support/sshd";
import { sshWrapper, type SshWrapper } from "./support/sshWrapper";

const STACK = "ssh-probe";

describe("the program stops at the SSH probe before any step reaches a node (npx pulumi)", function () {
  let sshd: Sshd;
  let ssh: SshWrapper;
  let work: string;
  let out: string;
  let stack: ProjectStack;

  before(async function () {
    assert.ok(
      fs.existsSync(ENGINE_CHOICE),
      `no engine set up (${ENGINE_CHOICE}): run npm run setup`,
    );
    sshd = await startSshd();
    ssh = sshWrapper(sshd);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-ssh-probe-"));
    stack = projectStack(work, STACK, { PULUMI_CONFIG_PASSPHRASE: "engine-ssh-probe-test" });
    out = path.join(work, "out");
    fs.mkdirSync(out);
    writeGoodOutputFolder(out);
  });

  after(async function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
    if (sshd) {
      await sshd.stop();
      fs.rmSync(sshd.dir, { recursive: true, force: true });
    }
  });

  /** `pulumi up` with the jump host 127.0.0.1 pinned with `jumpPin` and the given SSH key. */
  function up(key: string, jumpPin: string): { status: number; output: string } {
    fs.writeFileSync(path.join(out, "azureuser_rsa"), key, { mode: 0o600 });
    const pins = fs
      .readFileSync(path.join(out, "known_hosts"), "utf8")
      .replace(/^127\.0\.0\.1 .*\n?/m, "");
    fs.writeFileSync(path.join(out, "known_hosts"), `${pins.trimEnd()}\n127.0.0.1 ${jumpPin}\n`);
    const config = {
      jumpHost: "127.0.0.1",
      sshUser: sshd.user,
      keySize: "2048",
      rebootStrategy: "none",
    };
    stack.setConfig(rowConfig({ name: "probe", config, firstLine: "" }, out));
    ssh.takeCalls();
    const r = pulumi(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK], {
      cwd: stack.project,
      env: { ...stack.env, ...ssh.env() },
    });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  }

  /** The step's errors in the Diagnostics, first line each. */
  function probeErrors(output: string): string[] {
    const lines = output.split("\n").map((l) => l.trim());
    const group = lines.slice(lines.indexOf("command:local:Command (ssh-probe):") + 1);
    return group.slice(0, group.indexOf("")).filter((l) => l.startsWith("error: "));
  }

  function assertNoNodeStep(output: string): void {
    assert.doesNotMatch(
      output,
      /(deliver|preflight)-k8s-\S+/,
      "a step that reaches a node was registered",
    );
  }

  const ed25519 = (): string => sshd.hostKeys.find((k) => k.startsWith("ssh-ed25519 "))!;

  it("a key that is not the cluster's: names sshPrivateKey/sshPrivateKeyPath and sshUser, once", function () {
    const file = path.join(sshd.dir, "not-the-cluster-key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
    const r = up(fs.readFileSync(file, "utf8"), ed25519());
    assert.notEqual(r.status, 0, r.output);
    assert.equal(
      probeErrors(r.output)[0],
      `error: config sshPrivateKey/sshPrivateKeyPath or sshUser: the jump host 127.0.0.1 refused the login as ${sshd.user} with the key of sshPrivateKeyPath ${out}/azureuser_rsa (${sshd.user}@127.0.0.1: Permission denied (publickey)). Set the cluster's admin key (the one given to aks-engine) and sshUser to its admin user (apimodel's adminUsername).`,
      r.output,
    );
    assert.deepEqual(ssh.takeCalls(), ["127.0.0.1"], "tried again");
    assertNoNodeStep(r.output);
  });

  it("a jump host showing another host key (a man in the middle): names sshKnownHostsPath", function () {
    const r = up(fs.readFileSync(sshd.clientKeyPath, "utf8"), `ssh-ed25519 ${otherEd25519()}`);
    assert.notEqual(r.status, 0, r.output);
    assert.equal(
      probeErrors(r.output)[0],
      `error: config sshKnownHostsPath: the jump host 127.0.0.1 showed a host key that is not the one pinned for 127.0.0.1 in ${out}/known_hosts (host key verification failed): a man in the middle, or a machine re-created since the scan. Check it, then pin its key again (ssh-keyscan through the jump host).`,
      r.output,
    );
    assert.deepEqual(ssh.takeCalls(), ["127.0.0.1"], "tried again");
    assertNoNodeStep(r.output);
  });

  /** The base64 of an ed25519 key that is not the sshd's. */
  function otherEd25519(): string {
    const file = path.join(sshd.dir, "not-the-host-key");
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.pub`, { force: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
    return fs.readFileSync(`${file}.pub`, "utf8").split(" ")[1];
  }
});
