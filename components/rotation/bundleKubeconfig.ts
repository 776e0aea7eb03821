// The staged mode's hand-out for clients outside the cluster (docs/staged.md, "The bundle
// kubeconfig"): the admin kubeconfig with the NEW admin client certificate and a CA bundle of the
// old and the new CA. Pure.
//
// Why this pair works from the end of P1 on, through P3 and P4 and after the rotation:
// - trust: before a master's P3 turn its API server presents a certificate the old CA signed,
//   after it one the new CA signed; the bundle verifies both.
// - authentication: the API server checks a client certificate against --client-ca-file =
//   ca.crt, which holds old + new from the master's P1 turn to its P4 turn and the new CA alone
//   after: the new admin certificate is accepted throughout. (The old one would be refused at P4.)
import { adminKubeconfig } from "./kubeconfig";

/** The CAs a cluster model knows from the operator's files (ClusterModel.caPems). */
export interface OperatorCaPems {
  /** apimodel.json's CA: the cluster's CA until the rotation persists its own. */
  readonly apiModel?: string;
  /** The CA of `apimodel.json.before-rotation`: the one a persisted rotation replaced. */
  readonly replaced?: string;
}

export interface BundleKubeconfigInput {
  readonly dnsPrefix: string;
  readonly server: string;
  /** The CA the rotation replaces, if known (replacedCaPem). */
  readonly oldCaPem?: string;
  readonly newCaPem: string;
  /** The new admin client pair (identity `kubeconfig`). */
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

/**
 * A certificate compared as text: apimodel.json holds the PEM the PKI made (withCertificateProfile),
 * so after persistence the two differ at most in line ends and surrounding whitespace.
 */
const canonical = (pem: string): string => pem.replace(/\r\n/g, "\n").trim();

/**
 * The CA this rotation replaces: apimodel.json's while the rotation runs; once it persisted the
 * new CA there, the one its `….before-rotation` copy holds. So the hand-out's content, and with it
 * its step's trigger, stays the same on every rerun of the rotation. Undefined when neither file
 * holds a CA other than the new one (then the bundle is the new CA alone).
 */
export function replacedCaPem(cas: OperatorCaPems, newCaPem: string): string | undefined {
  const fresh = canonical(newCaPem);
  return [cas.apiModel, cas.replaced].find((pem) => pem !== undefined && canonical(pem) !== fresh);
}

/** Old CA first, then the new one, each ending in a newline: a PEM bundle as ca.crt holds it. */
export function caBundlePem(oldCaPem: string | undefined, newCaPem: string): string {
  const line = (pem: string) => (pem.endsWith("\n") ? pem : `${pem}\n`);
  const same = oldCaPem !== undefined && canonical(oldCaPem) === canonical(newCaPem);
  return oldCaPem === undefined || same ? line(newCaPem) : line(oldCaPem) + line(newCaPem);
}

/** The bundle kubeconfig: AKS Engine's admin kubeconfig shape, CA data = the old+new bundle. */
export function bundleKubeconfig(input: BundleKubeconfigInput): string {
  return adminKubeconfig({
    dnsPrefix: input.dnsPrefix,
    server: input.server,
    caCertPem: caBundlePem(input.oldCaPem, input.newCaPem),
    clientCertPem: input.clientCertPem,
    clientKeyPem: input.clientKeyPem,
  });
}

/** `kubeconfig.<location>.json` → `kubeconfig.<location>.bundle.json`, in the same folder. */
export function bundleKubeconfigPath(kubeconfigPath: string): string {
  return kubeconfigPath.endsWith(".json")
    ? `${kubeconfigPath.slice(0, -".json".length)}.bundle.json`
    : `${kubeconfigPath}.bundle`;
}
