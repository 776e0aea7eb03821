// Entry point: reads the stack config, builds the components, exports outputs.
import * as pulumi from "@pulumi/pulumi";
import { readProgramInputs, type ProgramInputs } from "./components/config";
import { Pki, planPki } from "./components/pki";
import { InputError } from "./components/types";

function inputs(): ProgramInputs {
  try {
    return readProgramInputs();
  } catch (err) {
    // Bad input: show the operator the problems alone, no stack trace, before any resource exists.
    if (err instanceof InputError) throw new pulumi.RunError(`invalid input:\n${err.message}`);
    throw err;
  }
}

const { config, cluster, paths } = inputs();

const plan = planPki(cluster, {
  rsaBits: config.pki.keySize,
  validityHours: config.pki.validityHours,
  earlyRenewalHours: config.pki.earlyRenewalHours,
});
const pki = new Pki("pki", { specs: plan.specs, rotationId: config.pki.rotationId });

// ─── Part 2: distribution and rotation (components/rotation/**, components/remote/**) ───────────
// Wired here by the lead. It consumes:
//   plan.files        NodeFile[] (node, path, mode, owner, group, identity, kind), per-node table
//   plan.kubeconfigs  KubeconfigPlacement[] (admin kubeconfig on each master)
//   pki.content(file) Output<string>: certificate PEM, or the secret private key PEM
//   pki.certificates  identity → { certPem, privateKeyPem (secret), publicKeyFingerprintSha256 }
//   ssh (from inputs()) user, secret key, jump host, per-node address and pinned host keys
//   config.rollout    rebootStrategy, agentParallelism, timeouts (seconds)
// ─────────────────────────────────────────────────────────────────────────────────────────────

/** identity → serial, SHA-256 fingerprint, notAfter, subject of the new certificates. */
export const certificates = pki.summary;
/** The same facts for the certificates in apimodel.json today (what the rotation replaces). */
export const previousCertificates = cluster.currentCertificates;
export const rotationId = config.pki.rotationId;
export const clusterSummary = {
  apiServerFqdn: cluster.apiServerFqdn,
  kubeconfigServer: cluster.kubeconfigServer,
  masters: cluster.masters.map((m) => `${m.name} ${m.ip}`),
  agents: cluster.agents.map((a) => a.name),
  outputDir: paths.outputDir,
};
