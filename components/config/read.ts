// The program's edge: stack config + the operator's files → validated inputs, before any resource
// is registered. The only place that touches pulumi.Config and the file system for inputs.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { NodeListRead } from "../cluster/inventory";
import { loadCluster } from "../cluster/load";
import type { ClusterModel } from "../cluster/model";
import { scaleSetsFromCluster } from "../cluster/mergeNodes";
import { takeInventory, type InventoryReport } from "../cluster/takeInventory";
import { readNodeList } from "./nodeList";
import { withNodeListCache } from "./nodeListCache";
import { CONFIG_KEYS, type ConfigKeyName } from "./schema";
import { resolveSsh, type SshFiles, type SshPlan } from "./ssh";
import { validateConfig, type RawConfig, type RotateConfig } from "./validate";

export interface ProgramInputs {
  readonly config: RotateConfig;
  /** The nodes to rotate are the inventory's (the cluster's node list, or apimodel.json's). */
  readonly cluster: ClusterModel;
  readonly ssh: SshPlan;
  readonly inventory: {
    readonly report: InventoryReport;
    readonly warnings: readonly string[];
    /** Why `pulumi up` must stop before touching a node; undefined when it may go ahead. */
    readonly refusal?: string;
  };
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

/** Config and apimodel.json, before the node list: what is needed to read it. */
export type ClusterInputs = Omit<ProgramInputs, "ssh" | "inventory">;

/** Validates config and reads the cluster model from apimodel.json. Throws InputError. */
export function readClusterInputs(
  raw: RawConfig = readRawConfig(),
  secretKeys: ReadonlySet<string> | undefined = readSecretKeys(),
): ClusterInputs {
  const config = validateConfig(raw, secretKeys);
  const cluster = loadCluster(config.cluster);
  const outputDir = path.dirname(cluster.sources.apiModel);
  return {
    config,
    cluster,
    paths: {
      outputDir,
      apiModel: cluster.sources.apiModel,
      kubeconfig: path.join(outputDir, "kubeconfig", `kubeconfig.${cluster.location}.json`),
    },
  };
}

/** The SSH key and known_hosts files of the config (defaults next to apimodel.json), read. */
function sshFiles(base: ClusterInputs): SshFiles {
  const { config, paths, cluster } = base;
  const privateKeyFile =
    config.ssh.privateKey === undefined
      ? path.resolve(
          config.ssh.privateKeyPath ?? path.join(paths.outputDir, `${cluster.adminUsername}_rsa`),
        )
      : undefined;
  const knownHostsFile = path.resolve(
    config.ssh.knownHostsPath ?? path.join(paths.outputDir, "known_hosts"),
  );
  return {
    privateKeyFile,
    privateKeyText: privateKeyFile === undefined ? undefined : readIfExists(privateKeyFile),
    privateKeyIsDirectory: privateKeyFile !== undefined && isDirectory(privateKeyFile),
    knownHostsFile,
    knownHostsText: readIfExists(knownHostsFile),
  };
}

/**
 * SSH access checked before the node list is read, for the nodes apimodel.json names for sure
 * (masters, availability-set agents; not the scale-set instances it can only guess): a wrong key
 * or known_hosts is reported at once, as before the program read the node list.
 */
export function checkSshAccess(base: ClusterInputs): void {
  resolveSsh(base.config, scaleSetsFromCluster(base.cluster, []), sshFiles(base));
}

/**
 * Takes the nodes to rotate from `nodeList` (config nodes decides), then resolves SSH access to
 * exactly those nodes: an extra node's host key must be pinned like the others. Throws InputError.
 */
export function completeInputs(base: ClusterInputs, nodeList: NodeListRead): ProgramInputs {
  const { model: cluster, ...inventory } = takeInventory(
    base.cluster,
    nodeList,
    base.config.inventory,
  );
  const ssh = resolveSsh(base.config, cluster, sshFiles(base));
  return { config: base.config, cluster, ssh, inventory, paths: base.paths };
}

/** What a program that did not read the node list goes by: apimodel.json, with a warning. */
export const NODE_LIST_NOT_READ: NodeListRead = { ok: false, reason: "not read" };

/**
 * Validates config, reads the cluster model and resolves SSH access, without a network read:
 * the node list is `nodeList`. Relative paths are taken from the current directory, which
 * `pulumi` sets to the project root. Throws InputError.
 */
export function readProgramInputs(
  raw: RawConfig = readRawConfig(),
  secretKeys: ReadonlySet<string> | undefined = readSecretKeys(),
  nodeList: NodeListRead = NODE_LIST_NOT_READ,
): ProgramInputs {
  return completeInputs(readClusterInputs(raw, secretKeys), nodeList);
}

/** completeInputs with the cluster's node list read from its API server (the program's way). */
export async function readProgramInputsLive(base: ClusterInputs): Promise<ProgramInputs> {
  const read = await readNodeList(base.paths.kubeconfig, base.config.operatorApiServerUrl);
  return completeInputs(base, withNodeListCache(read, base.paths.outputDir));
}
