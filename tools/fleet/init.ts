// `fleet init <output-dir>...`: one stack per cluster, named after its dnsPrefix, its config from
// the folder aks-engine deploy wrote, checked by the program's own validation before anything is
// created; the lab's public passphrase refused for a cluster the lab did not make.
import * as fs from "node:fs";
import * as path from "node:path";
import { Stack, type LocalWorkspace } from "@pulumi/pulumi/automation";
import { loadCluster } from "../../components/cluster";
import {
  checkSshAccess,
  LAB_MARKER,
  passphraseFromEnv,
  readClusterInputs,
  secretsProviderOf,
  stackSecretsRefusal,
} from "../../components/config";
import { InputError } from "../../components/types";
import type { FleetArgs } from "./args";
import {
  configChanges,
  configRemovals,
  initConfig,
  rawConfig,
  type StackConfig,
} from "./initConfig";
import { projectDir, stackConfig, stackNames, workspace } from "./workspace";

/** The folder's stack config, checked as `pulumi preview` would check it; or the refusal line. */
function folderConfig(
  dir: string,
  args: FleetArgs,
): { stack: string; config: StackConfig } | string {
  let cluster;
  try {
    cluster = loadCluster({ apiModel: dir });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return `${dir}: not an AKS Engine output folder (${err.problems[0] ?? err.message}); no stack made`;
  }
  const keyFile = path.join(dir, `${cluster.adminUsername}_rsa`);
  const keyText =
    args.keyAsSecret && fs.existsSync(keyFile) ? fs.readFileSync(keyFile, "utf8") : undefined;
  const config = initConfig(
    {
      dir,
      dnsPrefix: cluster.dnsPrefix,
      adminUsername: cluster.adminUsername,
      privateCluster: cluster.privateCluster,
      keyText,
    },
    { projectDir: projectDir(), rotationId: args.rotationId, jumpHost: args.jumpHost },
  );
  if (typeof config === "string") return config;
  try {
    checkSshAccess(
      readClusterInputs(rawConfig(config), new Set(keyText === undefined ? [] : ["sshPrivateKey"])),
    );
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return `${dir}: ${err.problems.join(" ")}`;
  }
  return { stack: cluster.dnsPrefix, config };
}

function stackFile(stack: string): string {
  return path.join(projectDir(), `Pulumi.${stack}.yaml`);
}

function readIfFile(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/** The lab's public passphrase (or none) only for the lab's own cluster (stackSecrets.ts). */
function secretsRefusal(stack: string, dir: string, args: FleetArgs): string | undefined {
  return stackSecretsRefusal({
    stack,
    clusterDir: dir,
    labCluster: fs.existsSync(path.join(dir, LAB_MARKER)),
    secretsProvider: args.secretsProvider ?? secretsProviderOf(readIfFile(stackFile(stack))),
    passphrase: passphraseFromEnv(process.env, projectDir()),
  });
}

/**
 * The stack's config; empty when the CLI refuses to read it because a required key is missing
 * (Pulumi.yaml requires apiModel and rotationId): an init that stopped half-way, completed now.
 */
async function currentConfig(stack: Stack): Promise<Record<string, string>> {
  try {
    return await stackConfig(stack);
  } catch (err) {
    if (/missing configuration value/.test(String(err))) return {};
    throw err;
  }
}

/** Creates or completes one cluster's stack; returns the line to print and whether it failed. */
async function initOne(
  ws: LocalWorkspace,
  dirArg: string,
  args: FleetArgs,
): Promise<[string, boolean]> {
  // npm run starts in the package; the operator named the folder from where they were.
  const dir = path.resolve(process.env.INIT_CWD ?? ".", dirArg);
  const folder = folderConfig(dir, args);
  if (typeof folder === "string") return [folder, false];
  const exists = (await stackNames(ws)).includes(folder.stack);
  const refusal = secretsRefusal(folder.stack, dir, args);
  if (refusal !== undefined) return [refusal, false];
  const stack = exists
    ? await Stack.select(folder.stack, ws)
    : await Stack.create(folder.stack, ws);
  const current = exists ? await currentConfig(stack) : {};
  const changes = configChanges(current, folder.config, args.rotationId !== undefined);
  if (Object.keys(changes).length > 0) await stack.setAllConfig(changes);
  const removals = configRemovals(current, folder.config);
  if (removals.length > 0) await stack.removeAllConfig(removals);
  const keys = [...Object.keys(changes), ...removals.map((k) => `-${k}`)].join(", ");
  const what = exists ? (keys === "" ? "unchanged" : `updated ${keys}`) : `created (${keys})`;
  return [`${folder.stack}: ${what}`, true];
}

export async function runInit(args: FleetArgs): Promise<number> {
  const ws = await workspace(args.secretsProvider);
  let failed = 0;
  for (const dir of args.positional) {
    const [line, ok] = await initOne(ws, dir, args);
    (ok ? console.log : console.error)(line);
    if (!ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}
