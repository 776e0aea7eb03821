// Runs index.ts (the program) under the unit mocks with a given stack config, and prepares the
// operator's _output folder it reads.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../../../components/config";
import { fixtureDir } from "./fixtures";

const INDEX = path.resolve(__dirname, "../../../index.ts");

export const FAKE_SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n";

/** The passphrase of an operator's own stack: the unit stack ("unit") is not the lab's. */
export const OPERATOR_PASSPHRASE = "unit-test-passphrase";

/**
 * Mocha hooks for the enclosing describe: the program runs under an operator's own passphrase
 * (the stack-secrets check refuses the lab's, or none, for a cluster the lab did not make), and
 * the environment is as it was afterwards.
 */
export function useOperatorPassphrase(): void {
  const saved = process.env.PULUMI_CONFIG_PASSPHRASE;
  before(() => {
    process.env.PULUMI_CONFIG_PASSPHRASE = OPERATOR_PASSPHRASE;
  });
  after(() => {
    if (saved === undefined) delete process.env.PULUMI_CONFIG_PASSPHRASE;
    else process.env.PULUMI_CONFIG_PASSPHRASE = saved;
  });
}

/**
 * Runs index.ts afresh (under mocks already installed) with the given stack config, as the SDK's
 * run.js does: the module exports an async function, whose result is the stack outputs.
 */
export async function runProgram(
  config: Record<string, string>,
  secretKeys: string[] = [],
): Promise<Record<string, unknown>> {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [`${CONFIG_NAMESPACE}:${k}`, v])),
    secretKeys.map((k) => `${CONFIG_NAMESPACE}:${k}`),
  );
  delete require.cache[INDEX];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-run the program module
  const main = require(INDEX) as () => Promise<Record<string, unknown>>;
  return main();
}

/** Copies the three-masters fixture's apimodel.json and azuredeploy.json, adds the admin's key. */
export function writeOutputFolder(dir: string): void {
  for (const f of ["apimodel.json", "azuredeploy.json"]) {
    fs.copyFileSync(path.join(fixtureDir("three-masters"), f), path.join(dir, f));
  }
  fs.writeFileSync(path.join(dir, "azureuser_rsa"), FAKE_SSH_KEY, { mode: 0o600 });
}
