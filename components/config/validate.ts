// Stack config (raw strings) → RotateConfig, validated at the edge. Pure: every problem is
// reported at once, one line each, worded "config <key>: <what is wrong>. <what to do>".
import { InputError } from "../types";
import {
  CONFIG_KEYS,
  KEY_SIZES,
  NODE_INVENTORY_SOURCES,
  REBOOT_STRATEGIES,
  ROTATION_MODES,
  ROTATION_ACTIONS,
  type ConfigKeyName,
  type NodeInventorySource,
  type RebootStrategy,
  type RotationMode,
  type RotationAction,
} from "./schema";
import { isApiServerUrl } from "./apiServerUrl";
import { configReader, type ConfigReader, type RawConfig } from "./configReader";
import {
  DEFAULT_MAX_UNAVAILABLE,
  parseMaxUnavailable,
  type MaxUnavailable,
} from "./maxUnavailable";
import { SecretText } from "./secretText";

export type { RawConfig };

export interface RotateConfig {
  /**
   * @default "rotate"; "rollback" reinstalls the nodes' pre-rotation backup, "finalize" removes
   * it (docs/rotation.md)
   */
  readonly action: RotationAction;
  readonly cluster: {
    /** The `_output/<dnsPrefix>/` folder or its apimodel.json, as given (relative to the project). */
    readonly apiModel: string;
    /** @default - azuredeploy.json next to apimodel.json */
    readonly azureDeploy?: string;
    /** @default - parameters.nameSuffix.defaultValue of azuredeploy.json */
    readonly nameSuffix?: string;
    /** @default - apimodel.json's location; when set it must match */
    readonly location?: string;
  };
  readonly ssh: {
    /** @default - linuxProfile.adminUsername */
    readonly user?: string;
    /** Inline key (secret) or a path; @default - `<adminUsername>_rsa` next to apimodel.json */
    readonly privateKey?: SecretText;
    readonly privateKeyPath?: string;
    /** @default - known_hosts next to apimodel.json */
    readonly knownHostsPath?: string;
    /** @default true: every node's host key must be pinned in the known_hosts file */
    readonly verifyHostKeys: boolean;
    /** @default - the API server FQDN (the public LB maps port 22 to master-0) */
    readonly jumpHost?: string;
    readonly perDialTimeoutSeconds: number;
  };
  /**
   * Where the machine running `pulumi` reaches the API server (for the cluster record written
   * through @pulumi/kubernetes). @default - the admin kubeconfig's server (the FQDN)
   */
  readonly operatorApiServerUrl?: string;
  readonly pki: {
    readonly rotationId: string;
    readonly keySize: number;
    readonly validityHours: number;
    readonly earlyRenewalHours: number;
  };
  /**
   * The node list to rotate. Unset means "cluster", but a difference from apimodel.json then
   * stops `pulumi up`: only an operator who chose a source knowingly goes ahead with one.
   */
  readonly inventory: {
    readonly source: NodeInventorySource;
    /** The operator set config `nodes`. */
    readonly explicit: boolean;
  };
  readonly rollout: {
    /** cutover (default) or staged: the CA trusted side by side, no API downtime. */
    readonly rotationMode?: RotationMode;
    readonly rebootStrategy: RebootStrategy;
    /** Agents whose kubelet restarts, or who reboot, at once (kubelets: masters all together). */
    readonly maxUnavailable: MaxUnavailable;
    readonly etcdHealthTimeoutSeconds: number;
    readonly controlPlaneReadyTimeoutSeconds: number;
    readonly nodeReadyTimeoutSeconds: number;
    readonly rebootTimeoutSeconds: number;
  };
}

/**
 * @param secretKeys the keys stored encrypted in the stack; when given, a secret key (sshPrivateKey)
 *   stored in plain text is a problem. Omitted in pure tests.
 */
export function validateConfig(raw: RawConfig, secretKeys?: ReadonlySet<string>): RotateConfig {
  const r = configReader(raw);
  if (secretKeys !== undefined) secretsInPlainText(r, secretKeys);
  const ids = clusterIds(r);
  const access = sshAccess(r);
  const operatorApiServerUrl = r.matching(
    "operatorApiServerUrl",
    isApiServerUrl,
    (v) => `${JSON.stringify(v)} is not https://<host>[:<port>] (no path).`,
  );
  const pki = pkiSettings(r);
  const rebootStrategy = r.choice("rebootStrategy", REBOOT_STRATEGIES, "rolling", ", ");
  const rotationMode = r.choice("rotationMode", ROTATION_MODES, "cutover", ", ");
  const action = r.choice("action", ROTATION_ACTIONS, "rotate", ", ");
  const nodes = r.choice("nodes", NODE_INVENTORY_SOURCES, "cluster", " or ");
  const config: RotateConfig = {
    action,
    cluster: {
      apiModel: ids.apiModel ?? "",
      azureDeploy: r.text("azureDeploy"),
      nameSuffix: ids.nameSuffix,
      location: r.text("location"),
    },
    ssh: {
      ...access,
      knownHostsPath: r.text("sshKnownHostsPath"),
      verifyHostKeys: r.boolean("sshVerifyHostKeys", true),
      perDialTimeoutSeconds: r.integer("sshPerDialTimeoutSeconds", 1, 600),
    },
    operatorApiServerUrl,
    pki: { rotationId: ids.rotationId ?? "", ...pki },
    inventory: { source: nodes, explicit: r.text("nodes") !== undefined },
    rollout: {
      // Left out when cutover, so a cut-over stack's rollout is what it was before staged existed.
      ...(rotationMode === "staged" ? { rotationMode: "staged" as const } : {}),
      rebootStrategy,
      maxUnavailable: maxUnavailable(r),
      etcdHealthTimeoutSeconds: r.integer("etcdHealthTimeoutSeconds", 10, 86400),
      controlPlaneReadyTimeoutSeconds: r.integer("controlPlaneReadyTimeoutSeconds", 10, 86400),
      nodeReadyTimeoutSeconds: r.integer("nodeReadyTimeoutSeconds", 10, 86400),
      rebootTimeoutSeconds: r.integer("rebootTimeoutSeconds", 10, 86400),
    },
  };
  if (r.problems.length > 0) throw new InputError([...r.problems]);
  return config;
}

/** A key declared secret (sshPrivateKey) must be stored encrypted. */
function secretsInPlainText(r: ConfigReader, secretKeys: ReadonlySet<string>): void {
  for (const key of Object.keys(CONFIG_KEYS) as ConfigKeyName[]) {
    const spec = CONFIG_KEYS[key] as { secret?: boolean };
    if (spec.secret === true && r.text(key) !== undefined && !secretKeys.has(key)) {
      r.fail(
        key,
        `is stored in plain text. Remove it and set it again with: pulumi config set --secret ${key} …`,
      );
    }
  }
}

/** Which cluster, and which rotation of it. */
function clusterIds(r: ConfigReader) {
  const apiModel = r.required(
    "apiModel",
    "Set it to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json: pulumi config set apiModel _output/<dnsPrefix>",
  );
  const rotationId = r.required(
    "rotationId",
    "Set it to any label, and change it whenever you want new certificates: pulumi config set rotationId 1",
  );
  if (rotationId !== undefined && !/^[A-Za-z0-9._:-]{1,64}$/.test(rotationId)) {
    r.fail(
      "rotationId",
      "use 1-64 letters, digits, '.', '_', ':' or '-' (it appears in plans and logs).",
    );
  }
  const nameSuffix = r.matching(
    "nameSuffix",
    (v) => /^[0-9]{8}$/.test(v),
    (v) =>
      `${JSON.stringify(v)} is not an 8-digit cluster id (the digits in k8s-master-<nameSuffix>-0).`,
  );
  return { apiModel, rotationId, nameSuffix };
}

/** The SSH key (inline secret or a file), user and jump host. */
function sshAccess(r: ConfigReader) {
  const key = r.text("sshPrivateKey");
  const keyPath = r.text("sshPrivateKeyPath");
  if (key !== undefined && keyPath !== undefined) {
    r.fail(
      "sshPrivateKey",
      "set either sshPrivateKey (the key, as a secret) or sshPrivateKeyPath (a file), not both.",
    );
  }
  r.matching(
    "sshPrivateKey",
    (v) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v),
    () =>
      'is not a PEM or OpenSSH private key. Set it from the file: pulumi config set --secret sshPrivateKey -- "$(cat <key>)"',
  );
  const user = r.matching(
    "sshUser",
    (v) => /^[a-z_][a-z0-9_-]{0,31}$/.test(v),
    (v) => `${JSON.stringify(v)} is not a Linux user name.`,
  );
  const jumpHost = r.matching(
    "jumpHost",
    (v) => /^[A-Za-z0-9.-]+$/.test(v),
    (v) => `${JSON.stringify(v)} is not a host name or IPv4 address (no user@ or :port).`,
  );
  const privateKey = key === undefined ? undefined : new SecretText(key);
  return { user, privateKey, privateKeyPath: keyPath, jumpHost };
}

/** Key size and lifetimes of the new PKI. */
function pkiSettings(r: ConfigReader) {
  const keySize = r.oneOf("keySize", KEY_SIZES, CONFIG_KEYS.keySize.default);
  const validityHours = r.integer("validityHours", 24, 24 * 366 * 100);
  const earlyRenewalHours = r.integer("earlyRenewalHours", 0, 24 * 366 * 100);
  if (earlyRenewalHours >= validityHours) {
    r.fail(
      "earlyRenewalHours",
      `${earlyRenewalHours} is not below validityHours (${validityHours}): every certificate would be due for renewal at birth.`,
    );
  }
  return { keySize, validityHours, earlyRenewalHours };
}

/**
 * maxUnavailable, or agentParallelism, the older name for a count of agents, which still counts:
 * stacks keep their setting. Pulumi fills unset keys with their defaults: agentParallelism 0 and
 * maxUnavailable 25% both mean "not set".
 */
function maxUnavailable(r: ConfigReader): MaxUnavailable {
  const fallback = parseMaxUnavailable(DEFAULT_MAX_UNAVAILABLE)!;
  const legacy = r.text("agentParallelism") === "0" ? undefined : r.text("agentParallelism");
  const value =
    r.text("maxUnavailable") === DEFAULT_MAX_UNAVAILABLE ? undefined : r.text("maxUnavailable");
  if (value === undefined) {
    return legacy === undefined ? fallback : { count: r.integer("agentParallelism", 1, 100) };
  }
  if (legacy !== undefined) {
    r.fail("agentParallelism", "replaced by maxUnavailable: set only maxUnavailable.");
  }
  const parsed = parseMaxUnavailable(value);
  if (parsed !== undefined) return parsed;
  r.fail(
    "maxUnavailable",
    `expected a number of agents (1 or more) or a percentage of them ("25%"), got ${JSON.stringify(value)}.`,
  );
  return fallback;
}
