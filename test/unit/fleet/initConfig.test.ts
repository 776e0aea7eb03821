// What `fleet init` writes for a cluster folder, and what a rerun changes: table rows.
import assert from "node:assert/strict";
import {
  configChanges,
  configPath,
  configRemovals,
  initConfig,
  type ClusterFolder,
} from "../../../tools/fleet/initConfig";

const folder: ClusterFolder = {
  dir: "/p/_output/c1",
  dnsPrefix: "c1",
  adminUsername: "azureuser",
  privateCluster: false,
};
const plain = (value: string) => ({ value, secret: false });

describe("fleet initConfig", () => {
  const rows: [
    string,
    ClusterFolder,
    { rotationId?: string; jumpHost?: string },
    object | string,
  ][] = [
    [
      "public cluster, key by path",
      folder,
      {},
      {
        apiModel: plain("./_output/c1"),
        rotationId: plain("1"),
        sshPrivateKeyPath: plain("./_output/c1/azureuser_rsa"),
        sshKnownHostsPath: plain("./_output/c1/known_hosts"),
      },
    ],
    [
      "key as secret, rotation id, jump host",
      { ...folder, keyText: "KEY" },
      { rotationId: "r9", jumpHost: "j" },
      {
        apiModel: plain("./_output/c1"),
        rotationId: plain("r9"),
        sshPrivateKey: { value: "KEY", secret: true },
        sshKnownHostsPath: plain("./_output/c1/known_hosts"),
        jumpHost: plain("j"),
      },
    ],
    [
      "private cluster without a jump host",
      { ...folder, privateCluster: true },
      {},
      "/p/_output/c1: c1 is a private cluster (no public API server to reach the nodes through): name the SSH host that reaches every node with --jump-host <host>",
    ],
  ];
  for (const [name, f, o, want] of rows) {
    it(name, () => assert.deepEqual(initConfig(f, { projectDir: "/p", ...o }), want));
  }

  const paths: [string, string, string][] = [
    ["/p", "/p/_output/c1", "./_output/c1"],
    ["/p", "/elsewhere/c1", "/elsewhere/c1"],
    ["/p", "/p2/c1", "/p2/c1"],
  ];
  for (const [project, file, want] of paths) {
    it(`config path of ${file} from ${project}`, () =>
      assert.equal(configPath(project, file), want));
  }
});

describe("fleet configChanges (reruns)", () => {
  const desired = { apiModel: plain("./a"), rotationId: plain("1") };
  const rows: [string, Record<string, string>, boolean, string[]][] = [
    ["new stack: everything", {}, false, ["apiModel", "rotationId"]],
    ["rerun: nothing", { apiModel: "./a", rotationId: "1" }, false, []],
    ["a rotation id of its own stays", { apiModel: "./a", rotationId: "2026-11" }, false, []],
    ["unless one is named", { apiModel: "./a", rotationId: "2026-11" }, true, ["rotationId"]],
    ["moved folder", { apiModel: "./b", rotationId: "1" }, false, ["apiModel"]],
  ];
  for (const [name, existing, given, want] of rows) {
    it(name, () => assert.deepEqual(Object.keys(configChanges(existing, desired, given)), want));
  }
});

describe("fleet configRemovals (the key set one way only)", () => {
  const byPath = { sshPrivateKeyPath: plain("./k") };
  const bySecret = { sshPrivateKey: { value: "KEY", secret: true } };
  const rows: [string, Record<string, string>, object, string[]][] = [
    ["path, then secret", { sshPrivateKeyPath: "./k" }, bySecret, ["sshPrivateKeyPath"]],
    ["secret, then path", { sshPrivateKey: "KEY" }, byPath, ["sshPrivateKey"]],
    ["the same way", { sshPrivateKeyPath: "./k" }, byPath, []],
    ["new stack", {}, bySecret, []],
    ["a default of Pulumi.yaml", { sshPrivateKeyPath: "" }, bySecret, []],
  ];
  for (const [name, existing, desired, want] of rows) {
    it(name, () => assert.deepEqual(configRemovals(existing, desired as never), want));
  }
});
