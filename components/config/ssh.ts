// How the program reaches every node: user, key, jump host, pinned host keys. Resolved from the
// validated config and the cluster model; pure (file contents are passed in).
import type { Output } from "@pulumi/pulumi";
import type { ClusterModel } from "../cluster/model";
import { InputError, type NodeRole } from "../types";
import { hostKeysFor, parseKnownHosts } from "./knownHosts";
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

  // aks-engine normalizes --location the same way (lower case, no spaces).
  const normalize = (l: string): string => l.toLowerCase().replace(/\s+/g, "");
  if (
    config.cluster.location !== undefined &&
    normalize(config.cluster.location) !== normalize(cluster.location)
  ) {
    problems.push(
      `config location: ${JSON.stringify(config.cluster.location)} does not match apimodel.json's location ` +
        `${JSON.stringify(cluster.location)}. Remove the setting or point apiModel at the right cluster.`,
    );
  }

  let privateKey = config.ssh.privateKey;
  if (privateKey === undefined) {
    if (files.privateKeyIsDirectory === true) {
      problems.push(
        `config sshPrivateKeyPath: ${files.privateKeyFile} is a directory, not the SSH private key. Point it at ` +
          `the key file itself (e.g. ${files.privateKeyFile}/${cluster.adminUsername}_rsa, as aks-engine deploy writes it).`,
      );
    } else if (files.privateKeyText === undefined) {
      problems.push(
        `config sshPrivateKeyPath: ${files.privateKeyFile}: file not found. Point it at the key given to aks-engine ` +
          "(--ssh / linuxProfile), or set the key itself with pulumi config set --secret sshPrivateKey.",
      );
    } else if (!PRIVATE_KEY.test(files.privateKeyText)) {
      problems.push(
        `config sshPrivateKeyPath: ${files.privateKeyFile}: not a PEM or OpenSSH private key.`,
      );
    } else {
      privateKey = new SecretText(files.privateKeyText);
    }
  }

  let jumpAddress = config.ssh.jumpHost;
  if (jumpAddress === undefined) {
    if (cluster.privateCluster) {
      problems.push(
        "config jumpHost: missing. A private cluster has no public SSH endpoint: set it to a host that " +
          "reaches the masters (e.g. the jumpbox of privateCluster.jumpboxProfile).",
      );
    }
    jumpAddress = cluster.apiServerFqdn;
  }

  const targets = [
    ...cluster.masters.map((m) => ({
      node: m.name,
      role: m.role,
      address: m.ip!,
      aliases: [m.name],
    })),
    ...cluster.agents.map((a) => ({ node: a.name, role: a.role, address: a.name, aliases: [] })),
  ];
  const known =
    files.knownHostsText === undefined ? undefined : parseKnownHosts(files.knownHostsText);
  const keysFor = (names: readonly string[]): string[] =>
    known === undefined ? [] : [...new Set(names.flatMap((n) => hostKeysFor(known, n)))];

  if (config.ssh.verifyHostKeys) {
    if (known === undefined) {
      problems.push(
        `config sshKnownHostsPath: ${files.knownHostsFile}: file not found. Pin the host key of the jump host and ` +
          "of every node there (ssh-keyscan through the jump host), or set sshVerifyHostKeys false (not recommended).",
      );
    } else {
      for (const p of known.problems)
        problems.push(`config sshKnownHostsPath: ${files.knownHostsFile}: ${p}.`);
      const missing = [
        ...(keysFor([jumpAddress]).length === 0 ? [jumpAddress] : []),
        ...targets
          .filter((t) => keysFor([t.address, ...t.aliases]).length === 0)
          .map((t) => t.node),
      ];
      const wrongSuffix = nameSuffixProblem(cluster, known, files.knownHostsFile);
      if (missing.length > 0 && wrongSuffix !== undefined) {
        problems.push(wrongSuffix);
      } else if (missing.length > 0) {
        problems.push(
          `config sshKnownHostsPath: ${files.knownHostsFile} pins no host key for ${missing.join(", ")}. ` +
            "Add them (ssh-keyscan through the jump host) before rotating.",
        );
      }
    }
  }

  if (problems.length > 0 || privateKey === undefined) throw new InputError(problems);
  return {
    user: config.ssh.user ?? cluster.adminUsername,
    privateKey,
    jumpHost: { address: jumpAddress, hostKeys: keysFor([jumpAddress]) },
    nodes: Object.fromEntries(
      targets.map((t) => [
        t.node,
        {
          node: t.node,
          role: t.role,
          address: t.address,
          hostKeys: keysFor([t.address, ...t.aliases]),
        },
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
