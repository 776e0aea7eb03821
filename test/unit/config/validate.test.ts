import assert from "node:assert/strict";
import { inspect } from "node:util";
import { validateConfig, type RawConfig } from "../../../components/config";
import { InputError } from "../../../components/types";

const MINIMAL: RawConfig = { apiModel: "_output/aks-lab", rotationId: "1" };

function problems(raw: RawConfig): string[] {
  try {
    validateConfig(raw);
    return [];
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return [...err.problems];
  }
}

describe("stack config validation", () => {
  it("fills every default from two required keys", () => {
    const c = validateConfig(MINIMAL);
    assert.deepEqual(c.pki, {
      rotationId: "1",
      keySize: 4096,
      validityHours: 262800,
      earlyRenewalHours: 0,
    });
    assert.deepEqual(c.rollout, {
      rebootStrategy: "rolling",
      maxUnavailable: { percent: 25 },
      etcdHealthTimeoutSeconds: 300,
      controlPlaneReadyTimeoutSeconds: 1200,
      nodeReadyTimeoutSeconds: 1200,
      rebootTimeoutSeconds: 1200,
    });
    assert.equal(c.ssh.verifyHostKeys, true);
    assert.equal(c.ssh.perDialTimeoutSeconds, 15);
    assert.equal(c.ssh.jumpHost, undefined);
  });

  it("names both missing required keys and how to set them", () => {
    assert.deepEqual(problems({}), [
      "config apiModel: missing. Set it to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json: pulumi config set apiModel _output/<dnsPrefix>",
      "config rotationId: missing. Set it to any label, and change it whenever you want new certificates: pulumi config set rotationId 1",
    ]);
  });

  it("rejects out-of-range numbers, unknown choices and malformed ids, all at once", () => {
    assert.deepEqual(
      problems({
        ...MINIMAL,
        keySize: "1024",
        validityHours: "ten",
        rebootStrategy: "sometimes",
        agentParallelism: "-1",
        sshVerifyHostKeys: "yes",
        nameSuffix: "1234",
        rotationId: "has space",
      }),
      [
        "config rotationId: use 1-64 letters, digits, '.', '_', ':' or '-' (it appears in plans and logs).",
        'config nameSuffix: "1234" is not an 8-digit cluster id (the digits in k8s-master-<nameSuffix>-0).',
        'config keySize: expected 2048, 3072 or 4096, got "1024".',
        'config validityHours: expected a whole number from 24 to 878400, got "ten".',
        'config rebootStrategy: expected "rolling", "all", "none", got "sometimes".',
        'config sshVerifyHostKeys: expected true or false, got "yes".',
        'config agentParallelism: expected a whole number from 1 to 100, got "-1".',
      ],
    );
  });

  it("takes the node list from the cluster unless told, and knows whether it was told", () => {
    const rows: [string | undefined, unknown][] = [
      [undefined, { source: "cluster", explicit: false }],
      ["", { source: "cluster", explicit: false }],
      ["cluster", { source: "cluster", explicit: true }],
      ["apimodel", { source: "apimodel", explicit: true }],
    ];
    for (const [nodes, expected] of rows) {
      const raw = nodes === undefined ? MINIMAL : { ...MINIMAL, nodes };
      assert.deepEqual(validateConfig(raw).inventory, expected, String(nodes));
    }
    assert.deepEqual(problems({ ...MINIMAL, nodes: "azure" }), [
      'config nodes: expected "cluster" or "apimodel", got "azure".',
    ]);
  });

  it("takes rotationMode cutover (the default, left out) or staged, and refuses anything else", () => {
    const rollout = (raw: Record<string, string>) => validateConfig({ ...MINIMAL, ...raw }).rollout;
    assert.equal("rotationMode" in rollout({}), false);
    assert.equal("rotationMode" in rollout({ rotationMode: "cutover" }), false);
    assert.equal(rollout({ rotationMode: "staged" }).rotationMode, "staged");
    assert.deepEqual(problems({ ...MINIMAL, rotationMode: "gradual" }), [
      'config rotationMode: expected "cutover", "staged", got "gradual".',
    ]);
  });

  it("takes maxUnavailable as a count or a percentage, and agentParallelism as the older name of a count", () => {
    const rollout = (raw: Record<string, string>) => validateConfig({ ...MINIMAL, ...raw }).rollout;
    assert.deepEqual(rollout({}).maxUnavailable, { percent: 25 });
    assert.deepEqual(rollout({ maxUnavailable: "3" }).maxUnavailable, { count: 3 });
    assert.deepEqual(rollout({ maxUnavailable: "50%" }).maxUnavailable, { percent: 50 });
    assert.deepEqual(rollout({ agentParallelism: "2" }).maxUnavailable, { count: 2 });
    assert.deepEqual(problems({ ...MINIMAL, maxUnavailable: "0" }), [
      'config maxUnavailable: expected a number of agents (1 or more) or a percentage of them ("25%"), got "0".',
    ]);
    assert.deepEqual(problems({ ...MINIMAL, maxUnavailable: "2", agentParallelism: "2" }), [
      "config agentParallelism: replaced by maxUnavailable: set only maxUnavailable.",
    ]);
  });

  it("accepts only AKS Engine's key sizes", () => {
    assert.deepEqual(problems({ ...MINIMAL, keySize: "2500" }), [
      'config keySize: expected 2048, 3072 or 4096, got "2500".',
    ]);
    assert.equal(validateConfig({ ...MINIMAL, keySize: "2048" }).pki.keySize, 2048);
  });

  it("refuses an early-renewal window as long as the validity", () => {
    assert.deepEqual(problems({ ...MINIMAL, validityHours: "100", earlyRenewalHours: "100" }), [
      "config earlyRenewalHours: 100 is not below validityHours (100): every certificate would be due for renewal at birth.",
    ]);
  });

  it("wants one SSH key source, and a real key", () => {
    assert.deepEqual(
      problems({
        ...MINIMAL,
        sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx",
        sshPrivateKeyPath: "k",
      }),
      [
        "config sshPrivateKey: set either sshPrivateKey (the key, as a secret) or sshPrivateKeyPath (a file), not both.",
      ],
    );
    assert.deepEqual(problems({ ...MINIMAL, sshPrivateKey: "ssh-ed25519 AAAA" }), [
      'config sshPrivateKey: is not a PEM or OpenSSH private key. Set it from the file: pulumi config set --secret sshPrivateKey -- "$(cat <key>)"',
    ]);
  });

  it("rejects a jump host with a user or port in it", () => {
    assert.deepEqual(problems({ ...MINIMAL, jumpHost: "azureuser@10.240.255.5:22" }), [
      'config jumpHost: "azureuser@10.240.255.5:22" is not a host name or IPv4 address (no user@ or :port).',
    ]);
  });

  it("refuses secrets stored in plain text in the stack", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----";
    const raw = { ...MINIMAL, sshPrivateKey: key };
    assert.throws(() => validateConfig(raw, new Set()), {
      message:
        "config sshPrivateKey: is stored in plain text. Remove it and set it again with: pulumi config set --secret sshPrivateKey …",
    });
    assert.equal(validateConfig(raw, new Set(["sshPrivateKey"])).ssh.privateKey?.reveal(), key);
  });

  it("never prints a secret", () => {
    const key =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-bytes\n-----END OPENSSH PRIVATE KEY-----";
    const c = validateConfig({ ...MINIMAL, sshPrivateKey: key });
    const printed = `${JSON.stringify(c)} ${String(c.ssh.privateKey)} ${inspect(c, { depth: 5 })}`;
    assert.doesNotMatch(printed, /secret-bytes/);
    assert.equal(c.ssh.privateKey?.reveal(), key);
  });
});
