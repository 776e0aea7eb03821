// The program's edge: stack config + the operator's files → validated inputs, before any resource
// is registered. The only place that touches pulumi.Config and the file system for inputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadCluster } from "../cluster/load";
import type { ClusterModel } from "../cluster/model";
import { CONFIG_KEYS, type ConfigKeyName } from "./schema";
import { resolveSsh, type SshPlan } from "./ssh";
import { validateConfig, type RawConfig, type RotateConfig } from "./validate";

export interface ProgramInputs {
  readonly config: RotateConfig;
  readonly cluster: ClusterModel;
  readonly ssh: SshPlan;
  readonly paths: {
    /** The cluster's `_output/<dnsPrefix>/` folder (absolute). */
    readonly outputDir: string;
    readonly apiModel: string;
    /** `kubeconfig/kubeconfig.<location>.json` in the output folder: the admin kubeconfig. */
    readonly kubeconfig: string;
  };
}

/** Every key of the project's namespace, as strings (secrets in plain text, in memory only). */
export function readRawConfig(config = new pulumi.Config()): RawConfig {
  const raw: Partial<Record<ConfigKeyName, string>> = {};
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKeyName[]) {
    raw[key] = config.get(key);
  }
  return raw;
}

/**
 * The keys of the project's namespace that the stack stores encrypted, or undefined when the SDK
 * cannot tell (the check is then skipped). Uses the SDK's isConfigSecret, which it exports but
 * does not declare in its typings.
 */
export function readSecretKeys(config = new pulumi.Config()): ReadonlySet<string> | undefined {
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean })
    .isConfigSecret;
  if (typeof isSecret !== "function") return undefined;
  const keys = Object.keys(CONFIG_KEYS).filter((k) => isSecret(`${config.name}:${k}`));
  return new Set(keys);
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) && fs.statSync(file).isFile()
    ? fs.readFileSync(file, "utf8")
    : undefined;
}

function isDirectory(file: string): boolean {
  return fs.existsSync(file) && fs.statSync(file).isDirectory();
}

/**
 * Validates config, reads the cluster model and resolves SSH access. Relative paths are taken
 * from the current directory, which `pulumi` sets to the project root. Throws InputError.
 */
export function readProgramInputs(
  raw: RawConfig = readRawConfig(),
  secretKeys: ReadonlySet<string> | undefined = readSecretKeys(),
): ProgramInputs {
  const config = validateConfig(raw, secretKeys);
  const cluster = loadCluster(config.cluster);
  const outputDir = path.dirname(cluster.sources.apiModel);
  const privateKeyFile =
    config.ssh.privateKey === undefined
      ? path.resolve(
          config.ssh.privateKeyPath ?? path.join(outputDir, `${cluster.adminUsername}_rsa`),
        )
      : undefined;
  const knownHostsFile = path.resolve(
    config.ssh.knownHostsPath ?? path.join(outputDir, "known_hosts"),
  );
  const ssh = resolveSsh(config, cluster, {
    privateKeyFile,
    privateKeyText: privateKeyFile === undefined ? undefined : readIfExists(privateKeyFile),
    privateKeyIsDirectory: privateKeyFile !== undefined && isDirectory(privateKeyFile),
    knownHostsFile,
    knownHostsText: readIfExists(knownHostsFile),
  });
  return {
    config,
    cluster,
    ssh,
    paths: {
      outputDir,
      apiModel: cluster.sources.apiModel,
      kubeconfig: path.join(outputDir, "kubeconfig", `kubeconfig.${cluster.location}.json`),
    },
  };
}
