// Stack config: declared keys, validation at the edge, and SSH access resolved against the cluster.
export * from "./schema";
export { SecretText } from "./secretText";
export { isApiServerUrl } from "./apiServerUrl";
export { validateConfig, type RawConfig, type RotateConfig } from "./validate";
export {
  parseKnownHosts,
  hostKeysFor,
  preferredHostKey,
  type KnownHosts,
  type KnownHostKey,
} from "./knownHosts";
export { resolveSsh, type SshPlan, type SshTarget, type SshFiles } from "./ssh";
export {
  checkSshAccess,
  completeInputs,
  readClusterInputs,
  readProgramInputs,
  readProgramInputsLive,
  readRawConfig,
  readSecretKeys,
  NODE_LIST_NOT_READ,
  type ClusterInputs,
  type ProgramInputs,
} from "./read";
export { readNodeList, toLiveNode, NODE_LIST_TIMEOUT_MS } from "./nodeList";
export { withNodeListCache, NODE_LIST_CACHE } from "./nodeListCache";
export {
  LAB_MARKER,
  LAB_PASSPHRASE,
  secretsProviderOf,
  stackSecretsRefusal,
  type StackSecretsFacts,
} from "./stackSecrets";
export { checkStackSecrets, passphraseFromEnv, readStackSecretsFacts } from "./stackSecretsRead";
export {
  DEFAULT_MAX_UNAVAILABLE,
  parseMaxUnavailable,
  type MaxUnavailable,
} from "./maxUnavailable";
