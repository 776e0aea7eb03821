// What `fleet init` writes into a cluster's stack, decided without I/O: the stack's name and the
// config keys taken from the cluster's _output/<dnsPrefix>/ folder, and which of them a rerun
// leaves as they are.
import * as path from "node:path";

export interface ClusterFolder {
  /** The folder, absolute. */
  readonly dir: string;
  readonly dnsPrefix: string;
  readonly adminUsername: string;
  readonly privateCluster: boolean;
  /** The SSH key's text, when the operator stores it as the stack's secret. */
  readonly keyText?: string;
}

export interface InitOptions {
  readonly projectDir: string;
  readonly rotationId?: string;
  readonly jumpHost?: string;
}

export interface ConfigEntry {
  readonly value: string;
  readonly secret: boolean;
}

export type StackConfig = Readonly<Record<string, ConfigEntry>>;

/** Inside the project: relative to it (Pulumi.<stack>.yaml stays portable); else absolute. */
export function configPath(projectDir: string, file: string): string {
  const rel = path.relative(projectDir, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : `./${rel}`;
}

/** The stack's config for the folder, or the one line refusing it. */
export function initConfig(f: ClusterFolder, o: InitOptions): StackConfig | string {
  if (f.privateCluster && o.jumpHost === undefined)
    return (
      `${f.dir}: ${f.dnsPrefix} is a private cluster (no public API server to reach the nodes ` +
      "through): name the SSH host that reaches every node with --jump-host <host>"
    );
  const p = (name: string): ConfigEntry => ({
    value: configPath(o.projectDir, path.join(f.dir, name)),
    secret: false,
  });
  const key: Record<string, ConfigEntry> =
    f.keyText === undefined
      ? { sshPrivateKeyPath: p(`${f.adminUsername}_rsa`) }
      : { sshPrivateKey: { value: f.keyText, secret: true } };
  return {
    apiModel: p(""),
    rotationId: { value: o.rotationId ?? "1", secret: false },
    ...key,
    sshKnownHostsPath: p("known_hosts"),
    ...(o.jumpHost === undefined ? {} : { jumpHost: { value: o.jumpHost, secret: false } }),
  };
}

/**
 * The entries to write: those that differ from the stack's. A rotationId already set stays unless
 * the operator named one (init is no way to start a rotation by accident).
 */
export function configChanges(
  existing: Readonly<Record<string, string>>,
  desired: StackConfig,
  rotationIdGiven: boolean,
): Record<string, ConfigEntry> {
  const out: Record<string, ConfigEntry> = {};
  for (const [k, e] of Object.entries(desired)) {
    if (k === "rotationId" && !rotationIdGiven && existing[k] !== undefined) continue;
    if (existing[k] !== e.value) out[k] = e;
  }
  return out;
}

/** The raw config the program validates (components/config), from the entries. */
export function rawConfig(c: StackConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(c).map(([k, e]) => [k, e.value]));
}

/**
 * The SSH key is set one way only (validateConfig refuses both): the other way's key goes. The
 * CLI lists Pulumi.yaml's defaults with the stack's config; an empty one is not set.
 */
export function configRemovals(
  existing: Readonly<Record<string, string>>,
  desired: StackConfig,
): string[] {
  const ways = ["sshPrivateKey", "sshPrivateKeyPath"];
  return ways.filter((k) => (existing[k] ?? "") !== "" && desired[k] === undefined);
}
