// The passphrase rule: the lab's public passphrase (or none) protects the lab's own cluster only.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  LAB_MARKER,
  LAB_PASSPHRASE,
  passphraseFromEnv,
  readStackSecretsFacts,
  secretsProviderOf,
  stackSecretsRefusal,
  type StackSecretsFacts,
} from "../../../components/config";
import { tempDir } from "../support/fixtures";

const ROOT = path.resolve(__dirname, "../../..");
const FIX =
  "put a passphrase of your own in a file and export PULUMI_CONFIG_PASSPHRASE_FILE=<file> " +
  "(unset PULUMI_CONFIG_PASSPHRASE), or use a secrets provider: pulumi stack init " +
  "--secrets-provider azurekeyvault://<vault>.vault.azure.net/keys/<key> (an existing stack: " +
  "pulumi stack change-secrets-provider <provider>).";

const LAB: StackSecretsFacts = {
  stack: "dev",
  clusterDir: "/p/_output/aks-lab",
  labCluster: true,
  secretsProvider: "passphrase",
  passphrase: LAB_PASSPHRASE,
};
const REAL: StackSecretsFacts = {
  stack: "mycluster",
  clusterDir: "/p/_output/mycluster",
  labCluster: false,
  secretsProvider: "passphrase",
  passphrase: LAB_PASSPHRASE,
};

describe("stack secrets: the passphrase rule", () => {
  const cases: [string, StackSecretsFacts, string | undefined][] = [
    ["lab stack, lab passphrase: ok", LAB, undefined],
    [
      "lab stack, no passphrase in the environment: ok",
      { ...LAB, passphrase: undefined },
      undefined,
    ],
    [
      "non-lab stack, lab passphrase: refused",
      REAL,
      `stack "mycluster" is not the lab's (no .aks-lab in /p/_output/mycluster), yet its keys would be encrypted with the lab's public passphrase: ${FIX}`,
    ],
    [
      "non-lab stack, empty passphrase: refused",
      { ...REAL, passphrase: "" },
      `stack "mycluster" is not the lab's (no .aks-lab in /p/_output/mycluster), yet its keys would be encrypted with an empty passphrase: ${FIX}`,
    ],
    [
      "non-lab stack, no passphrase the program can see: refused",
      { ...REAL, passphrase: undefined, clusterDir: undefined },
      `stack "mycluster" is not the lab's (no apiModel set), yet its keys would be encrypted with a passphrase this program cannot see (neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set): ${FIX}`,
    ],
    ["non-lab stack, its own passphrase: ok", { ...REAL, passphrase: "correct horse" }, undefined],
    [
      "non-lab stack, secretsprovider azurekeyvault: ok",
      { ...REAL, secretsProvider: "azurekeyvault://v.vault.azure.net/keys/k", passphrase: "" },
      undefined,
    ],
    [
      "non-lab stack, the backend's service: ok",
      { ...REAL, secretsProvider: "service", passphrase: undefined },
      undefined,
    ],
  ];
  for (const [name, facts, want] of cases) {
    it(name, () => assert.equal(stackSecretsRefusal(facts), want));
  }

  it("says it in one line", () => {
    assert.doesNotMatch(stackSecretsRefusal(REAL)!, /\n/);
  });

  it("reads the secrets provider of Pulumi.<stack>.yaml as the CLI does", () => {
    assert.equal(secretsProviderOf(undefined), "passphrase");
    assert.equal(secretsProviderOf("config:\n  a:b: c\nencryptionsalt: v1:x:y\n"), "passphrase");
    assert.equal(
      secretsProviderOf(
        "secretsprovider: azurekeyvault://v.vault.azure.net/keys/k\nencryptedkey: abc\n",
      ),
      "azurekeyvault://v.vault.azure.net/keys/k",
    );
    assert.equal(secretsProviderOf('secretsprovider: "awskms://alias/x"\n'), "awskms://alias/x");
    assert.equal(secretsProviderOf("secretsprovider: passphrase\n"), "passphrase");
    assert.equal(
      secretsProviderOf("secretsprovider: default\nencryptionsalt: v1:a\n"),
      "passphrase",
    );
    assert.equal(secretsProviderOf("config:\n  a:b: c\n"), "service");
  });

  it("reads the passphrase as the CLI does: the variable first (even empty), else the file trimmed", () => {
    const { dir, cleanup } = tempDir();
    try {
      fs.writeFileSync(path.join(dir, "pass"), "  from-file \n");
      assert.equal(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE_FILE: "pass" }, dir), "from-file");
      assert.equal(
        passphraseFromEnv(
          { PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "pass" },
          dir,
        ),
        "",
      );
      assert.equal(passphraseFromEnv({}, dir), undefined);
      assert.equal(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE_FILE: "missing" }, dir), undefined);
    } finally {
      cleanup();
    }
  });

  it("knows the lab's cluster by the marker in its folder, not by the stack's name", () => {
    const { dir, cleanup } = tempDir();
    try {
      const lab = path.join(dir, "_output", "aks-lab");
      fs.mkdirSync(lab, { recursive: true });
      fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "encryptionsalt: v1:a:b\n");
      const env = { PULUMI_CONFIG_PASSPHRASE: LAB_PASSPHRASE };
      const read = (apiModel: string) =>
        readStackSecretsFacts({ stack: "dev", apiModel, env, cwd: dir });
      assert.equal(read("_output/aks-lab").labCluster, false, "no marker yet");
      assert.match(stackSecretsRefusal(read("_output/aks-lab"))!, /^stack "dev" is not the lab's/);
      fs.writeFileSync(path.join(lab, LAB_MARKER), "made by the lab\n");
      assert.deepEqual(read("_output/aks-lab"), {
        stack: "dev",
        clusterDir: lab,
        labCluster: true,
        secretsProvider: "passphrase",
        passphrase: LAB_PASSPHRASE,
      });
      assert.equal(read("_output/aks-lab/apimodel.json").labCluster, true);
      assert.equal(stackSecretsRefusal(read("_output/aks-lab")), undefined);
    } finally {
      cleanup();
    }
  });

  it("uses the passphrase lab-env.sh gives the lab, and the marker lab/lib/output.sh writes", () => {
    const labEnv = fs.readFileSync(path.join(ROOT, "tools/pulumi/lab-env.sh"), "utf8");
    assert.match(labEnv, new RegExp(`export PULUMI_CONFIG_PASSPHRASE="${LAB_PASSPHRASE}"`));
    const envSh = fs.readFileSync(path.join(ROOT, "tools/pulumi/env.sh"), "utf8");
    assert.doesNotMatch(envSh, new RegExp(LAB_PASSPHRASE), "env.sh exports the lab's passphrase");
    const output = fs.readFileSync(path.join(ROOT, "lab/lib/output.sh"), "utf8");
    assert.match(output, new RegExp(`>"\\$\\{dir\\}/${LAB_MARKER.replace(".", "\\.")}"`));
  });
});
