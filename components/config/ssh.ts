// How the program reaches every node: user, key, jump host, pinned host keys. Resolved from the
// validated config and the cluster model; pure (file contents are passed in).
import type { Output } from "@pulumi/pulumi";
import type { ClusterModel } from "../cluster/model";
import { InputError, type NodeRole } from "../types";
import { hostKeysFor, parseKnownHosts, type KnownHosts } from "./knownHosts";
import { nameSuffixProblem } from "./nameSuffixHint";
import { SecretText } from "./secretText";
import type { RotateConfig } from "./validate";

export interface SshTarget {
  readonly node: string;
  readonly role: NodeRole;
  /** What to dial through the jump host: a master's static IP, or an agent's VM name. */
  readonly address: string;
  /** Pinned host keys ("type base64"); empty only when host-key verification is off. */
  readonly hostKeys: readonly string[];
}

export interface SshPlan {
  readonly user: string;
  readonly privateKey: SecretText;
  readonly jumpHost: { readonly address: string; readonly hostKeys: readonly string[] };
  /** By node name, masters first. */
  readonly nodes: Readonly<Record<string, SshTarget>>;
  readonly verifyHostKeys: boolean;
  readonly perDialTimeoutSeconds: number;
  /** Where the key and the pins come from, as an operator would fix them (messages name them). */
  readonly sources: { readonly privateKey: string; readonly knownHosts: string };
  /**
   * Set by the program to the SSH probe's URN (components/remote/probe.ts): every connection
   * waits for it, so no step reaches a node before the probe passed.
   */
  readonly probed?: Output<string>;
}

export interface SshFiles {
  /** Path and content of the SSH private key file, when the key comes from a file. */
  readonly privateKeyFile?: string;
  readonly privateKeyText?: string;
  /** The key path names a directory (then privateKeyText is undefined). */
  readonly privateKeyIsDirectory?: boolean;
  readonly knownHostsFile: string;
  /** undefined when the file does not exist. */
  readonly knownHostsText?: string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export function resolveSsh(config: RotateConfig, cluster: ClusterModel, files: SshFiles): SshPlan {
  const problems: string[] = [];
  locationProblem(config, cluster, problems);
  const privateKey = config.ssh.privateKey ?? keyFromFile(files, cluster, problems);
  const jumpAddress = jumpHostAddress(config, cluster, problems);
  const targets = sshTargets(cluster);
  const known =
    files.knownHostsText === undefined ? undefined : parseKnownHosts(files.knownHostsText);
  const keysFor = (names: readonly string[]): string[] =>
    known === undefined ? [] : [...new Set(names.flatMap((n) => hostKeysFor(known, n)))];
  if (config.ssh.verifyHostKeys) {
    const unpinned = [
      ...(keysFor([jumpAddress]).length === 0 ? [jumpAddress] : []),
      ...targets.filter((t) => keysFor(namesOf(t)).length === 0).map((t) => t.node),
    ];
    pinProblems({ cluster, files, known, unpinned }, problems);
  }
  if (problems.length > 0 || privateKey === undefined) throw new InputError(problems);
  return {
    user: config.ssh.user ?? cluster.adminUsername,
    privateKey,
    jumpHost: { address: jumpAddress, hostKeys: keysFor([jumpAddress]) },
    nodes: Object.fromEntries(
      targets.map((t) => [
        t.node,
        { node: t.node, role: t.role, address: t.address, hostKeys: keysFor(namesOf(t)) },
      ]),
    ),
    verifyHostKeys: config.ssh.verifyHostKeys,
    perDialTimeoutSeconds: config.ssh.perDialTimeoutSeconds,
    sources: {
      privateKey:
        config.ssh.privateKey === undefined
          ? `sshPrivateKeyPath ${files.privateKeyFile}`
          : "sshPrivateKey (the stack's secret)",
      knownHosts: files.knownHostsFile,
    },
  };
}

/** config location, when set, must be apimodel.json's (aks-engine normalizes it the same way). */
function locationProblem(config: RotateConfig, cluster: ClusterModel, problems: string[]): void {
  const normalize = (l: string): string => l.toLowerCase().replace(/\s+/g, "");
  const location = config.cluster.location;
  if (location !== undefined && normalize(location) !== normalize(cluster.location)) {
    problems.push(
      `config location: ${JSON.stringify(location)} does not match apimodel.json's location ` +
        `${JSON.stringify(cluster.location)}. Remove the setting or point apiModel at the right cluster.`,
    );
  }
}

/** The key from sshPrivateKeyPath (or its default), or a problem naming what is wrong with it. */
function keyFromFile(
  files: SshFiles,
  cluster: ClusterModel,
  problems: string[],
): SecretText | undefined {
  const file = files.privateKeyFile;
  if (files.privateKeyIsDirectory === true) {
    problems.push(
      `config sshPrivateKeyPath: ${file} is a directory, not the SSH private key. Point it at ` +
        `the key file itself (e.g. ${file}/${cluster.adminUsername}_rsa, as aks-engine deploy writes it).`,
    );
  } else if (files.privateKeyText === undefined) {
    problems.push(
      `config sshPrivateKeyPath: ${file}: file not found. Point it at the key given to aks-engine ` +
        "(--ssh / linuxProfile), or set the key itself with pulumi config set --secret sshPrivateKey.",
    );
  } else if (!PRIVATE_KEY.test(files.privateKeyText)) {
    problems.push(`config sshPrivateKeyPath: ${file}: not a PEM or OpenSSH private key.`);
  } else {
    return new SecretText(files.privateKeyText);
  }
  return undefined;
}

/** config jumpHost, or the API server's FQDN (master-0's public SSH); required when private. */
function jumpHostAddress(config: RotateConfig, cluster: ClusterModel, problems: string[]): string {
  if (config.ssh.jumpHost !== undefined) return config.ssh.jumpHost;
  if (cluster.privateCluster) {
    problems.push(
      "config jumpHost: missing. A private cluster has no public SSH endpoint: set it to a host that " +
        "reaches the masters (e.g. the jumpbox of privateCluster.jumpboxProfile).",
    );
  }
  return cluster.apiServerFqdn;
}

interface Target {
  readonly node: string;
  readonly role: NodeRole;
  readonly address: string;
  readonly aliases: readonly string[];
}

/** Masters by static IP (their name as an alias in known_hosts), agents by VM name. */
function sshTargets(cluster: ClusterModel): Target[] {
  return [
    ...cluster.masters.map((m) => ({
      node: m.name,
      role: m.role,
      address: m.ip!,
      aliases: [m.name],
    })),
    ...cluster.agents.map((a) => ({ node: a.name, role: a.role, address: a.name, aliases: [] })),
  ];
}

const namesOf = (t: Target): string[] => [t.address, ...t.aliases];

/** What is wrong with the pins: no known_hosts, its own problems, hosts it does not pin. */
function pinProblems(
  facts: {
    readonly cluster: ClusterModel;
    readonly files: SshFiles;
    readonly known: KnownHosts | undefined;
    readonly unpinned: readonly string[];
  },
  problems: string[],
): void {
  const { cluster, files, known, unpinned } = facts;
  if (known === undefined) {
    problems.push(
      `config sshKnownHostsPath: ${files.knownHostsFile}: file not found. Pin the host key of the jump host and ` +
        "of every node there (ssh-keyscan through the jump host), or set sshVerifyHostKeys false (not recommended).",
    );
    return;
  }
  for (const p of known.problems)
    problems.push(`config sshKnownHostsPath: ${files.knownHostsFile}: ${p}.`);
  if (unpinned.length === 0) return;
  const wrongSuffix = nameSuffixProblem(cluster, known, files.knownHostsFile);
  problems.push(
    wrongSuffix ??
      `config sshKnownHostsPath: ${files.knownHostsFile} pins no host key for ${unpinned.join(", ")}. ` +
        "Add them (ssh-keyscan through the jump host) before rotating.",
  );
}
