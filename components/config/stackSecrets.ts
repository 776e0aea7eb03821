// Whose passphrase guards a stack's keys. The lab's passphrase is printed in this repository, so
// it may only ever encrypt the lab's own throw-away PKI: a stack for any other cluster must bring
// a passphrase of its own (in a file) or a real secrets provider. Pure: the facts are read by
// readStackSecretsFacts (stackSecretsRead.ts).

/** The lab's passphrase: public (tools/pulumi/lab-env.sh, Pulumi.dev.yaml's encryptionsalt). */
export const LAB_PASSPHRASE = "aks-rotate-certs-lab";

/** The file the lab writes into the cluster's _output folder (lab/lib/output.sh). */
export const LAB_MARKER = ".aks-lab";

export interface StackSecretsFacts {
  readonly stack: string;
  /** The cluster's _output folder as configured (apiModel), for the message; undefined if unset. */
  readonly clusterDir?: string;
  /** The cluster's folder holds the lab's marker: the lab made this cluster. */
  readonly labCluster: boolean;
  /**
   * The stack's secrets provider: "passphrase", or what `secretsprovider:` names
   * (azurekeyvault://…, awskms://…, …), or "service" (the backend's own, e.g. Pulumi Cloud).
   */
  readonly secretsProvider: string;
  /** The passphrase the CLI uses, from the environment; undefined when none is there. */
  readonly passphrase?: string;
}

/** Why the stack's keys would be unprotected, or undefined when they are not. */
function weakPassphrase(f: StackSecretsFacts): string | undefined {
  if (f.secretsProvider !== "passphrase") return undefined;
  if (f.passphrase === undefined)
    return "a passphrase this program cannot see (neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set)";
  if (f.passphrase === "") return "an empty passphrase";
  if (f.passphrase === LAB_PASSPHRASE) return "the lab's public passphrase";
  return undefined;
}

/**
 * One line refusing the run, or undefined: the lab's passphrase (or none) is fine for the lab's
 * own cluster only.
 */
export function stackSecretsRefusal(f: StackSecretsFacts): string | undefined {
  const weak = weakPassphrase(f);
  if (weak === undefined || f.labCluster) return undefined;
  const where =
    f.clusterDir === undefined ? "no apiModel set" : `no ${LAB_MARKER} in ${f.clusterDir}`;
  return (
    `stack "${f.stack}" is not the lab's (${where}), yet its keys would be encrypted with ${weak}: ` +
    "put a passphrase of your own in a file and export PULUMI_CONFIG_PASSPHRASE_FILE=<file> " +
    "(unset PULUMI_CONFIG_PASSPHRASE), or use a secrets provider: pulumi stack init " +
    "--secrets-provider azurekeyvault://<vault>.vault.azure.net/keys/<key> (an existing stack: " +
    "pulumi stack change-secrets-provider <provider>)."
  );
}

/**
 * The secrets provider a stack's settings file (Pulumi.<stack>.yaml) names, read as the CLI does
 * (cmd/pulumi/stack/secrets.go): `secretsprovider:` other than passphrase/default is a cloud
 * provider; else an `encryptionsalt:` means the passphrase; else the backend's own default (the
 * service of Pulumi Cloud; a file backend writes its salt into the file before the program runs).
 * A missing file counts as the passphrase, the default of this project's file backend.
 */
export function secretsProviderOf(stackYaml: string | undefined): string {
  if (stackYaml === undefined) return "passphrase";
  const value = (key: string): string | undefined => {
    const m = new RegExp(`^${key}:[ \\t]*(.*?)[ \\t]*$`, "m").exec(stackYaml);
    const v = m?.[1].replace(/^(["'])(.*)\1$/, "$2");
    return v === undefined || v === "" ? undefined : v;
  };
  const provider = value("secretsprovider");
  if (provider !== undefined && provider !== "passphrase" && provider !== "default")
    return provider;
  return provider === "passphrase" || value("encryptionsalt") !== undefined
    ? "passphrase"
    : "service";
}
