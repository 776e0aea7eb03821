// The facts of the passphrase rule (stackSecrets.ts), read from the stack, its settings file, the
// cluster's folder and the environment the CLI handed to the program.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  LAB_MARKER,
  secretsProviderOf,
  stackSecretsRefusal,
  type StackSecretsFacts,
} from "./stackSecrets";

function readIfFile(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The passphrase the CLI uses, as it reads it (secrets/passphrase/manager.go): the variable when
 * set (even empty), else the file's content without surrounding white space.
 */
export function passphraseFromEnv(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined || file === "") return undefined;
  return readIfFile(path.resolve(cwd, file))?.trim();
}

/** The cluster's _output folder: apiModel itself, or the folder of its apimodel.json. */
function clusterDirOf(apiModel: string | undefined, cwd: string): string | undefined {
  if (apiModel === undefined || apiModel.trim() === "") return undefined;
  const p = path.resolve(cwd, apiModel.trim());
  return p.endsWith(".json") ? path.dirname(p) : p;
}

export interface StackSecretsSources {
  readonly stack: string;
  readonly apiModel: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** The project folder, where Pulumi.<stack>.yaml is and relative paths start. */
  readonly cwd: string;
}

export function readStackSecretsFacts(src: StackSecretsSources): StackSecretsFacts {
  const clusterDir = clusterDirOf(src.apiModel, src.cwd);
  return {
    stack: src.stack,
    clusterDir,
    labCluster: clusterDir !== undefined && fs.existsSync(path.join(clusterDir, LAB_MARKER)),
    secretsProvider: secretsProviderOf(readIfFile(path.join(src.cwd, `Pulumi.${src.stack}.yaml`))),
    passphrase: passphraseFromEnv(src.env, src.cwd),
  };
}

/** The refusal line for the running stack, or undefined. Reads before any resource exists. */
export function checkStackSecrets(
  src: StackSecretsSources = {
    stack: pulumi.getStack(),
    apiModel: new pulumi.Config().get("apiModel"),
    env: process.env,
    cwd: process.cwd(),
  },
): string | undefined {
  return stackSecretsRefusal(readStackSecretsFacts(src));
}
