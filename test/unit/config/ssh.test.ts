import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  readProgramInputs,
  resolveSsh,
  validateConfig,
  type SshFiles,
} from "../../../components/config";
import { InputError } from "../../../components/types";
import { fixtureCluster, fixtureDir, tempDir } from "../support/fixtures";

const KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";
const HOSTKEY = "AAAAC3NzaC1lZDI1NTE5AAAAIHostKey";
const cluster = fixtureCluster("three-masters");
const FULL_KNOWN_HOSTS = [
  `10.240.255.5,aks-lab.local.cloudapp.azurestack.external ssh-ed25519 ${HOSTKEY}`,
  `10.240.255.6 ssh-ed25519 ${HOSTKEY}`,
  `k8s-master-12345678-2 ssh-ed25519 ${HOSTKEY}`,
  `k8s-linuxpool-12345678-0,k8s-linuxpool-12345678-1 ssh-ed25519 ${HOSTKEY}`,
].join("\n");
const FILES: SshFiles = {
  privateKeyFile: "/o/azureuser_rsa",
  privateKeyText: KEY,
  knownHostsFile: "/o/known_hosts",
  knownHostsText: FULL_KNOWN_HOSTS,
};
const CONFIG = validateConfig({ apiModel: "x", rotationId: "1" });

function problems(f: () => unknown): string[] {
  try {
    f();
    return [];
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return [...err.problems];
  }
}

describe("SSH access", () => {
  it("defaults the user to adminUsername and the jump host to the API server FQDN", () => {
    const ssh = resolveSsh(CONFIG, cluster, FILES);
    assert.equal(ssh.user, "azureuser");
    assert.equal(ssh.jumpHost.address, "aks-lab.local.cloudapp.azurestack.external");
    assert.deepEqual(ssh.jumpHost.hostKeys, [`ssh-ed25519 ${HOSTKEY}`]);
    assert.equal(ssh.privateKey.reveal(), KEY);
  });

  it("dials masters by static IP and agents by name, each with its pinned key", () => {
    const ssh = resolveSsh(CONFIG, cluster, FILES);
    assert.deepEqual(
      Object.values(ssh.nodes).map((n) => [n.node, n.address, n.hostKeys.length]),
      [
        ["k8s-master-12345678-0", "10.240.255.5", 1],
        ["k8s-master-12345678-1", "10.240.255.6", 1],
        ["k8s-master-12345678-2", "10.240.255.7", 1],
        ["k8s-linuxpool-12345678-0", "k8s-linuxpool-12345678-0", 1],
        ["k8s-linuxpool-12345678-1", "k8s-linuxpool-12345678-1", 1],
      ],
    );
  });

  it("refuses to run while any host key is unpinned", () => {
    const partial = FULL_KNOWN_HOSTS.split("\n").slice(0, 2).join("\n");
    assert.deepEqual(
      problems(() => resolveSsh(CONFIG, cluster, { ...FILES, knownHostsText: partial })),
      [
        "config sshKnownHostsPath: /o/known_hosts pins no host key for k8s-master-12345678-2, k8s-linuxpool-12345678-0, k8s-linuxpool-12345678-1. Add them (ssh-keyscan through the jump host) before rotating.",
      ],
    );
    assert.deepEqual(
      problems(() => resolveSsh(CONFIG, cluster, { ...FILES, knownHostsText: undefined })),
      [
        "config sshKnownHostsPath: /o/known_hosts: file not found. Pin the host key of the jump host and of every node there (ssh-keyscan through the jump host), or set sshVerifyHostKeys false (not recommended).",
      ],
    );
    const lax = validateConfig({ apiModel: "x", rotationId: "1", sshVerifyHostKeys: "false" });
    assert.equal(
      resolveSsh(lax, cluster, { ...FILES, knownHostsText: undefined }).verifyHostKeys,
      false,
    );
  });

  it("explains a missing key file, a wrong location and a private cluster without jump host", () => {
    const config = validateConfig({ apiModel: "x", rotationId: "1", location: "westus" });
    const privateCluster = { ...cluster, privateCluster: true };
    assert.deepEqual(
      problems(() => resolveSsh(config, privateCluster, { ...FILES, privateKeyText: undefined })),
      [
        'config location: "westus" does not match apimodel.json\'s location "local". Remove the setting or point apiModel at the right cluster.',
        "config sshPrivateKeyPath: /o/azureuser_rsa: file not found. Point it at the key given to aks-engine (--ssh / linuxProfile), or set the key itself with pulumi config set --secret sshPrivateKey.",
        "config jumpHost: missing. A private cluster has no public SSH endpoint: set it to a host that reaches the masters (e.g. the jumpbox of privateCluster.jumpboxProfile).",
      ],
    );
  });

  it("names the nodes' real nameSuffix when known_hosts pins none of the expected names", () => {
    const other = FULL_KNOWN_HOSTS.replaceAll("12345678", "11858198");
    assert.deepEqual(
      problems(() => resolveSsh(CONFIG, cluster, { ...FILES, knownHostsText: other })),
      [
        "config nameSuffix: 12345678 names no node in /o/known_hosts; its nodes are named with 11858198: set nameSuffix (or azureDeploy) to match.",
      ],
    );
    // One expected name pinned: the suffix is right, the other nodes are missing.
    const mixed = `${other}\nk8s-linuxpool-12345678-0 ssh-ed25519 ${HOSTKEY}`;
    assert.match(
      problems(() => resolveSsh(CONFIG, cluster, { ...FILES, knownHostsText: mixed })).join(),
      /pins no host key for k8s-master-12345678-2, k8s-linuxpool-12345678-1\./,
    );
    // Names of another shape (or hashed) say nothing about the suffix.
    const unrelated = `${FULL_KNOWN_HOSTS.split("\n").slice(0, 2).join("\n")}\nk8s-other-11858198-0 ssh-ed25519 ${HOSTKEY}`;
    assert.match(
      problems(() => resolveSsh(CONFIG, cluster, { ...FILES, knownHostsText: unrelated })).join(),
      /pins no host key for k8s-master-12345678-2, k8s-linuxpool-12345678-0/,
    );
  });

  it("says a key path that is a directory is one, and names the key file", () => {
    assert.deepEqual(
      problems(() =>
        resolveSsh(CONFIG, cluster, {
          ...FILES,
          privateKeyFile: "/o",
          privateKeyText: undefined,
          privateKeyIsDirectory: true,
        }),
      ),
      [
        "config sshPrivateKeyPath: /o is a directory, not the SSH private key. Point it at the key file itself (e.g. /o/azureuser_rsa, as aks-engine deploy writes it).",
      ],
    );
  });

  it("reads a whole _output folder: apimodel, azuredeploy, key and known_hosts", () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const f of ["apimodel.json", "azuredeploy.json"]) {
        fs.copyFileSync(path.join(fixtureDir("three-masters"), f), path.join(dir, f));
      }
      fs.writeFileSync(path.join(dir, "azureuser_rsa"), KEY, { mode: 0o600 });
      fs.writeFileSync(path.join(dir, "known_hosts"), FULL_KNOWN_HOSTS);
      const inputs = readProgramInputs({ apiModel: dir, rotationId: "7" });
      assert.equal(inputs.cluster.masters.length, 3);
      assert.equal(inputs.paths.kubeconfig, path.join(dir, "kubeconfig", "kubeconfig.local.json"));
      assert.equal(inputs.ssh.privateKey.reveal(), KEY);
      assert.equal(inputs.config.pki.rotationId, "7");
    } finally {
      cleanup();
    }
  });
});
