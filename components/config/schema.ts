// Every stack config key, its type and its default: the code's copy of Pulumi.yaml's `config:`
// section (a unit test keeps the two equal). Keys are in the project's namespace
// (`aks-rotate-certs:<key>`); `pulumi config set <key> <value>` needs no prefix.

export type RebootStrategy = "rolling" | "all" | "none";
export const REBOOT_STRATEGIES: readonly RebootStrategy[] = ["rolling", "all", "none"];
/**
 * What `pulumi up` does: rotate the certificates, reinstall the pre-rotation backup, or keep the
 * rotation and remove its backups (finalize).
 */
export type RotationAction = "rotate" | "rollback" | "finalize";
export const ROTATION_ACTIONS: readonly RotationAction[] = ["rotate", "rollback", "finalize"];
import type { NodeInventorySource } from "../types";

export type { NodeInventorySource };
export const NODE_INVENTORY_SOURCES: readonly NodeInventorySource[] = ["cluster", "apimodel"];
/**
 * How the CA changes hands: "cutover" (AKS Engine's own procedure: every member and client
 * switches at once, the API is down for a while) or "staged" (trust both, clients trust both, new
 * leaves, distrust the old; masters one at a time, no API downtime; docs/staged.md).
 */
export type RotationMode = "cutover" | "staged";
export const ROTATION_MODES: readonly RotationMode[] = ["cutover", "staged"];
export const KEY_SIZES: readonly number[] = [2048, 3072, 4096];

export type ConfigType = "string" | "integer" | "boolean";

export interface ConfigKey {
  readonly type: ConfigType;
  /**
   * The default as Pulumi.yaml states it. The CLI treats a typed key without a default as
   * required, so optional keys default to "" (= unset; the real default is derived, see
   * Pulumi.yaml). apiModel and rotationId have none: the CLI asks for them.
   */
  readonly default?: string | number | boolean;
  /**
   * Must be stored encrypted (`pulumi config set --secret`). Not declared in Pulumi.yaml: the CLI
   * makes a typed key without a default required, and refuses a default for a secret one, so
   * the program checks these itself (validateConfig's `secretKeys`).
   */
  readonly secret?: boolean;
}

/** 30 years of 365 days: AKS Engine's ValidityDuration. */
export const DEFAULT_VALIDITY_HOURS = 24 * 365 * 30;

export const CONFIG_KEYS = {
  apiModel: { type: "string" },
  azureDeploy: { type: "string", default: "" },
  nameSuffix: { type: "string", default: "" },
  location: { type: "string", default: "" },
  sshUser: { type: "string", default: "" },
  sshPrivateKey: { type: "string", secret: true },
  sshPrivateKeyPath: { type: "string", default: "" },
  sshKnownHostsPath: { type: "string", default: "" },
  sshVerifyHostKeys: { type: "boolean", default: true },
  jumpHost: { type: "string", default: "" },
  operatorApiServerUrl: { type: "string", default: "" },
  sshPerDialTimeoutSeconds: { type: "integer", default: 15 },
  rotationId: { type: "string" },
  action: { type: "string", default: "rotate" },
  keySize: { type: "integer", default: 4096 },
  validityHours: { type: "integer", default: DEFAULT_VALIDITY_HOURS },
  earlyRenewalHours: { type: "integer", default: 0 },
  rotationMode: { type: "string", default: "cutover" },
  rebootStrategy: { type: "string", default: "rolling" },
  maxUnavailable: { type: "string", default: "25%" },
  // The older name for a count of agents; 0: not set (maxUnavailable decides).
  agentParallelism: { type: "integer", default: 0 },
  etcdHealthTimeoutSeconds: { type: "integer", default: 300 },
  controlPlaneReadyTimeoutSeconds: { type: "integer", default: 1200 },
  nodeReadyTimeoutSeconds: { type: "integer", default: 1200 },
  rebootTimeoutSeconds: { type: "integer", default: 1200 },
  nodes: { type: "string", default: "" },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;
export const CONFIG_NAMESPACE = "aks-rotate-certs";
