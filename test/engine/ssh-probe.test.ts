// scripts/local/ssh-probe.sh against a real sshd shaped like an AKS Engine node's: it passes
// when the key, user and pins are right, and otherwise stops at the first try with one line that
// names the config key to fix. The `ssh` it runs is the test's wrapper (support/sshWrapper.ts),
// which counts the tries. "localhost" is the node behind the jump host 127.0.0.1.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./support/engine";
import { freePort, startSshd, type Sshd } from "./support/sshd";
import { sshWrapper, type SshWrapper } from "./support/sshWrapper";

const PROBE = path.join(PROJECT_ROOT, "scripts", "local", "ssh-probe.sh");

interface Probe {
  status: number;
  lines: string[];
  /** The hosts ssh was called for (the jump host's proxy calls included), in order. */
  calls: string[];
}

describe("ssh-probe.sh (one login per host before any step, over OpenSSH)", function () {
  let sshd: Sshd;
  let ssh: SshWrapper;
  let ed25519: string;

  before(async function () {
    sshd = await startSshd();
    ssh = sshWrapper(sshd);
    ed25519 = sshd.hostKeys.find((k) => k.startsWith("ssh-ed25519 "))!;
  });

  after(async function () {
    if (sshd) {
      await sshd.stop();
      fs.rmSync(sshd.dir, { recursive: true, force: true });
    }
  });

  function probe(env: Record<string, string>, opts: { port?: number; key?: string } = {}): Probe {
    ssh.takeCalls();
    const r = spawnSync("bash", [PROBE], {
      env: {
        ...process.env,
        ...ssh.env(opts.port),
        PROBE_USER: sshd.user,
        PROBE_JUMP: `127.0.0.1 ${ed25519}`,
        PROBE_NODES: `k8s-master-0 127.0.0.1 jump\nk8s-agent-0 localhost ${ed25519}`,
        PROBE_KEY_FROM: "sshPrivateKeyPath /out/azureuser_rsa",
        PROBE_KNOWN_HOSTS: "/out/known_hosts",
        PROBE_TIMEOUT: "5",
        ...env,
      },
      input: opts.key ?? fs.readFileSync(sshd.clientKeyPath, "utf8"),
      encoding: "utf8",
      timeout: 60_000,
    });
    return {
      status: r.status ?? -1,
      lines: r.stderr.split("\n").filter((l) => l !== ""),
      calls: ssh.takeCalls(),
    };
  }

  /** A key pair the sshd does not know: the private key, and the public one as "type base64". */
  function otherKey(): { private: string; public: string } {
    const file = path.join(sshd.dir, `other-${Date.now()}`);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
    const pub = fs.readFileSync(`${file}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    return { private: fs.readFileSync(file, "utf8"), public: pub };
  }

  it("passes with the right key, user and pins, one login per host", function () {
    const r = probe({});
    assert.equal(r.status, 0, r.lines.join("\n"));
    // The jump host; then the node, through a proxy call to the jump host.
    assert.deepEqual(r.calls, ["127.0.0.1", "localhost", "127.0.0.1"]);
  });

  it("stops at the first try on a key the nodes refuse, naming the key and user config", function () {
    const r = probe({}, { key: otherKey().private });
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines, [
      `config sshPrivateKey/sshPrivateKeyPath or sshUser: the jump host 127.0.0.1 refused the login as ${sshd.user} with the key of sshPrivateKeyPath /out/azureuser_rsa (${sshd.user}@127.0.0.1: Permission denied (publickey)). Set the cluster's admin key (the one given to aks-engine) and sshUser to its admin user (apimodel's adminUsername).`,
    ]);
    assert.deepEqual(r.calls, ["127.0.0.1"], "tried again");
  });

  it("stops at the first try on a user the nodes refuse", function () {
    const r = probe({ PROBE_USER: "no-such-admin" });
    assert.equal(r.status, 1);
    assert.equal(r.lines.length, 1, r.lines.join("\n"));
    assert.match(
      r.lines[0],
      /^config sshPrivateKey\/sshPrivateKeyPath or sshUser: .* as no-such-admin /,
    );
    assert.deepEqual(r.calls, ["127.0.0.1"], "tried again");
  });

  it("stops at the first try on a node whose host key is not the pinned one (a man in the middle)", function () {
    const wrong = otherKey().public;
    const r = probe({ PROBE_NODES: `k8s-agent-0 localhost ${wrong}` });
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines, [
      "config sshKnownHostsPath: node k8s-agent-0 (localhost) showed a host key that is not the one pinned for localhost in /out/known_hosts (host key verification failed): a man in the middle, or a machine re-created since the scan. Check it, then pin its key again (ssh-keyscan through the jump host).",
    ]);
  });

  it("names jumpHost when the jump host does not answer, after 3 tries", async function () {
    const closed = await freePort();
    const r = probe({}, { port: closed });
    assert.equal(r.status, 1);
    assert.deepEqual(r.lines, [
      `config jumpHost: 127.0.0.1 is unreachable over SSH (ssh: connect to host 127.0.0.1 port ${closed}: Connection refused; 3 tries). Set jumpHost to an SSH host that reaches every node (default: the API server FQDN), or check the network to it.`,
    ]);
    assert.deepEqual(r.calls, ["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });

  it("logs in to every node of a large list, several at once, and names the first failure in the list's order", function () {
    // agent-2's pin is wrong, agent-9 does not resolve (which fails sooner): agent-2 is named.
    const wrong = otherKey().public;
    const nodes = Array.from({ length: 12 }, (_, i) => {
      const address = i === 9 ? "no-such-node.invalid" : "localhost";
      return `k8s-agent-${i} ${address} ${i === 2 ? wrong : ed25519}`;
    });
    const r = probe({ PROBE_NODES: nodes.join("\n") });
    assert.equal(r.status, 1);
    assert.equal(r.lines.length, 1, r.lines.join("\n"));
    assert.match(r.lines[0], /^config sshKnownHostsPath: node k8s-agent-2 \(localhost\) /);
    // The jump host once, then each node and its proxy call through the jump host.
    assert.equal(r.calls.length, 1 + 2 * 12, r.calls.join(" "));
    assert.equal(r.calls.filter((c) => c === "no-such-node.invalid").length, 1);
  });

  it("names the node the jump host cannot reach", function () {
    const r = probe({ PROBE_NODES: `k8s-agent-1 no-such-node.invalid ${ed25519}` });
    assert.equal(r.status, 1);
    assert.equal(r.lines.length, 1, r.lines.join("\n"));
    assert.match(
      r.lines[0],
      /^ssh: node k8s-agent-1 \(no-such-node\.invalid\) is unreachable through the jump host 127\.0\.0\.1 \(.+\)\. Start it, or set config jumpHost to a host that reaches every node\.$/,
    );
  });
});
