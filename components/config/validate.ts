// Stack config (raw strings) → RotateConfig, validated at the edge. Pure: every problem is
// reported at once, one line each, worded "config <key>: <what is wrong>. <what to do>".
import { InputError } from "../types";
import {
  CONFIG_KEYS,
  KEY_SIZES,
  REBOOT_STRATEGIES,
  ROTATION_MODES,
  ROTATION_ACTIONS,
  type ConfigKeyName,
  type RebootStrategy,
  type RotationMode,
  type RotationAction,
} from "./schema";
import { isApiServerUrl } from "./apiServerUrl";
import {
  DEFAULT_MAX_UNAVAILABLE,
  parseMaxUnavailable,
  type MaxUnavailable,
} from "./maxUnavailable";
import { SecretText } from "./secretText";

/** Config as Pulumi hands it to the program: strings, or undefined when unset. */
export type RawConfig = Readonly<Partial<Record<ConfigKeyName, string>>>;

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
  const problems: string[] = [];
  const fail = (key: ConfigKeyName, message: string): undefined => {
    problems.push(`config ${key}: ${message}`);
    return undefined;
  };

  const text = (key: ConfigKeyName): string | undefined => {
    const value = raw[key]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const required = (key: ConfigKeyName, hint: string): string | undefined =>
    text(key) ?? fail(key, `missing. ${hint}`);
  const integer = (key: ConfigKeyName, min: number, max: number): number => {
    const spec = CONFIG_KEYS[key] as { default?: unknown };
    const fallback = typeof spec.default === "number" ? spec.default : min;
    const value = text(key);
    if (value === undefined) return fallback;
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      fail(key, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`);
      return fallback;
    }
    return Number(value);
  };
  const oneOf = (key: ConfigKeyName, allowed: readonly number[], fallback: number): number => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (!allowed.map(String).includes(value)) {
      const choices = `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`;
      fail(key, `expected ${choices}, got ${JSON.stringify(value)}.`);
      return fallback;
    }
    return Number(value);
  };
  const boolean = (key: ConfigKeyName, fallback: boolean): boolean => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (value !== "true" && value !== "false") {
      fail(key, `expected true or false, got ${JSON.stringify(value)}.`);
      return fallback;
    }
    return value === "true";
  };

  // agentParallelism, the older name for a count of agents, still counts: stacks keep their
  // setting. Pulumi fills unset keys with their defaults: agentParallelism 0 and maxUnavailable
  // 25% both mean "not set".
  const maxUnavailable = (): MaxUnavailable => {
    const fallback = parseMaxUnavailable(DEFAULT_MAX_UNAVAILABLE)!;
    const legacy = text("agentParallelism") === "0" ? undefined : text("agentParallelism");
    const value =
      text("maxUnavailable") === DEFAULT_MAX_UNAVAILABLE ? undefined : text("maxUnavailable");
    if (value === undefined) {
      return legacy === undefined ? fallback : { count: integer("agentParallelism", 1, 100) };
    }
    if (legacy !== undefined) {
      fail("agentParallelism", "replaced by maxUnavailable: set only maxUnavailable.");
    }
    const parsed = parseMaxUnavailable(value);
    if (parsed !== undefined) return parsed;
    fail(
      "maxUnavailable",
      `expected a number of agents (1 or more) or a percentage of them ("25%"), got ${JSON.stringify(value)}.`,
    );
    return fallback;
  };

  if (secretKeys !== undefined) {
    for (const key of Object.keys(CONFIG_KEYS) as ConfigKeyName[]) {
      const spec = CONFIG_KEYS[key] as { secret?: boolean };
      if (spec.secret === true && text(key) !== undefined && !secretKeys.has(key)) {
        fail(
          key,
          `is stored in plain text. Remove it and set it again with: pulumi config set --secret ${key} …`,
        );
      }
    }
  }

  const apiModel = required(
    "apiModel",
    "Set it to the cluster's _output/<dnsPrefix>/ folder or its apimodel.json: pulumi config set apiModel _output/<dnsPrefix>",
  );
  const rotationId = required(
    "rotationId",
    "Set it to any label, and change it whenever you want new certificates: pulumi config set rotationId 1",
  );
  if (rotationId !== undefined && !/^[A-Za-z0-9._:-]{1,64}$/.test(rotationId)) {
    fail(
      "rotationId",
      "use 1-64 letters, digits, '.', '_', ':' or '-' (it appears in plans and logs).",
    );
  }

  const nameSuffix = text("nameSuffix");
  if (nameSuffix !== undefined && !/^[0-9]{8}$/.test(nameSuffix)) {
    fail(
      "nameSuffix",
      `${JSON.stringify(nameSuffix)} is not an 8-digit cluster id (the digits in k8s-master-<nameSuffix>-0).`,
    );
  }

  const sshPrivateKey = text("sshPrivateKey");
  const sshPrivateKeyPath = text("sshPrivateKeyPath");
  if (sshPrivateKey !== undefined && sshPrivateKeyPath !== undefined) {
    fail(
      "sshPrivateKey",
      "set either sshPrivateKey (the key, as a secret) or sshPrivateKeyPath (a file), not both.",
    );
  }
  if (sshPrivateKey !== undefined && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshPrivateKey)) {
    fail(
      "sshPrivateKey",
      'is not a PEM or OpenSSH private key. Set it from the file: pulumi config set --secret sshPrivateKey -- "$(cat <key>)"',
    );
  }

  const sshUser = text("sshUser");
  if (sshUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(sshUser)) {
    fail("sshUser", `${JSON.stringify(sshUser)} is not a Linux user name.`);
  }
  const jumpHost = text("jumpHost");
  if (jumpHost !== undefined && !/^[A-Za-z0-9.-]+$/.test(jumpHost)) {
    fail(
      "jumpHost",
      `${JSON.stringify(jumpHost)} is not a host name or IPv4 address (no user@ or :port).`,
    );
  }

  const operatorApiServerUrl = text("operatorApiServerUrl");
  if (operatorApiServerUrl !== undefined && !isApiServerUrl(operatorApiServerUrl)) {
    fail(
      "operatorApiServerUrl",
      `${JSON.stringify(operatorApiServerUrl)} is not https://<host>[:<port>] (no path).`,
    );
  }

  const keySize = oneOf("keySize", KEY_SIZES, CONFIG_KEYS.keySize.default);
  const validityHours = integer("validityHours", 24, 24 * 366 * 100);
  const earlyRenewalHours = integer("earlyRenewalHours", 0, 24 * 366 * 100);
  if (earlyRenewalHours >= validityHours) {
    fail(
      "earlyRenewalHours",
      `${earlyRenewalHours} is not below validityHours (${validityHours}): every certificate would be due for renewal at birth.`,
    );
  }

  const rebootStrategy = text("rebootStrategy") ?? "rolling";
  if (!(REBOOT_STRATEGIES as readonly string[]).includes(rebootStrategy)) {
    fail(
      "rebootStrategy",
      `expected ${REBOOT_STRATEGIES.map((s) => JSON.stringify(s)).join(", ")}, got ${JSON.stringify(rebootStrategy)}.`,
    );
  }

  const rotationMode = text("rotationMode") ?? "cutover";
  if (!(ROTATION_MODES as readonly string[]).includes(rotationMode)) {
    fail(
      "rotationMode",
      `expected ${ROTATION_MODES.map((s) => JSON.stringify(s)).join(", ")}, got ${JSON.stringify(rotationMode)}.`,
    );
  }

  const action = text("action") ?? "rotate";
  if (!(ROTATION_ACTIONS as readonly string[]).includes(action)) {
    fail(
      "action",
      `expected ${ROTATION_ACTIONS.map((s) => JSON.stringify(s)).join(", ")}, got ${JSON.stringify(action)}.`,
    );
  }

  const config: RotateConfig = {
    action: action as RotationAction,
    cluster: {
      apiModel: apiModel ?? "",
      azureDeploy: text("azureDeploy"),
      nameSuffix,
      location: text("location"),
    },
    ssh: {
      user: sshUser,
      privateKey: sshPrivateKey === undefined ? undefined : new SecretText(sshPrivateKey),
      privateKeyPath: sshPrivateKeyPath,
      knownHostsPath: text("sshKnownHostsPath"),
      verifyHostKeys: boolean("sshVerifyHostKeys", true),
      jumpHost,
      perDialTimeoutSeconds: integer("sshPerDialTimeoutSeconds", 1, 600),
    },
    operatorApiServerUrl,
    pki: { rotationId: rotationId ?? "", keySize, validityHours, earlyRenewalHours },
    rollout: {
      // Left out when cutover, so a cut-over stack's rollout is what it was before staged existed.
      ...(rotationMode === "staged" ? { rotationMode: "staged" as const } : {}),
      rebootStrategy: rebootStrategy as RebootStrategy,
      maxUnavailable: maxUnavailable(),
      etcdHealthTimeoutSeconds: integer("etcdHealthTimeoutSeconds", 10, 86400),
      controlPlaneReadyTimeoutSeconds: integer("controlPlaneReadyTimeoutSeconds", 10, 86400),
      nodeReadyTimeoutSeconds: integer("nodeReadyTimeoutSeconds", 10, 86400),
      rebootTimeoutSeconds: integer("rebootTimeoutSeconds", 10, 86400),
    },
  };
  if (problems.length > 0) throw new InputError(problems);
  return config;
}
