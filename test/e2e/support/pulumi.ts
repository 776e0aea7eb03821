// The project's own Pulumi engine (tools/pulumi/lab-env.sh: offline CLI, file backend in .work/,
// the lab's passphrase) on a stack of the end-to-end tests, created from the lab stack's config.
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, run, type RunOptions, type RunResult } from "../../support/proc";

/** The stack the tests own: created at the start, removed (with its Pulumi.<stack>.yaml) at the end. */
export const STACK = process.env.E2E_STACK ?? "e2e";
/** The lab stack's committed config; its stack need not exist in the backend (a fresh clone has none). */
const TEMPLATE_STACK = "dev";

/**
 * Everything the CLI printed in this run, for the secret scan (support/secrets.ts). The tests'
 * own `--show-secrets` reads are left out: they ask for the keys.
 */
const printed: string[] = [];
export function cliOutput(): string {
  return printed.join("\n");
}

/**
 * The plugin set under test, as in test:engine: AKS_PLUGIN_HOME=<a PULUMI_HOME whose plugins/
 * holds other builds (upstream's, on a connected machine)> runs the whole suite with those;
 * AKS_PLUGIN_SET names the set the stack's `pluginSets` output must then report.
 */
const PLUGIN_HOME = process.env.AKS_PLUGIN_HOME || undefined;
export const PLUGIN_SET =
  process.env.AKS_PLUGIN_SET === "upstream" || (PLUGIN_HOME && !process.env.AKS_PLUGIN_SET)
    ? "upstream"
    : "aks-rotate-certs-own";

export async function pulumi(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  // `exec`: the child is the CLI itself, so a signal sent to it reaches the engine.
  const r = await run(
    "bash",
    ["-c", 'source tools/pulumi/lab-env.sh && exec pulumi "$@"', "pulumi", ...args],
    {
      timeoutMs: 1_800_000,
      ...(PLUGIN_HOME ? { env: { ...process.env, PULUMI_HOME: PLUGIN_HOME } } : {}),
      ...opts,
    },
  );
  if (!args.includes("--show-secrets")) {
    printed.push(`$ pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

export async function pulumiOk(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await pulumi(args, opts);
  if (r.code !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

const stackFile = (stack: string) => path.join(repoRoot, `Pulumi.${stack}.yaml`);

/**
 * A fresh stack with the lab stack's config and the given overrides. The config file is copied
 * before `stack init` rather than with `pulumi config cp`, which needs the template stack in the
 * backend; the copied encryptionsalt matches the lab passphrase, so `stack init` keeps it.
 */
export async function createStack(
  config: Record<string, string>,
  stack: string = STACK,
): Promise<void> {
  await removeStack(stack);
  fs.copyFileSync(stackFile(TEMPLATE_STACK), stackFile(stack));
  await pulumiOk(["stack", "init", stack, "--no-select", "--non-interactive"]);
  for (const [k, v] of Object.entries(config)) await setConfig(k, v, stack);
}

export async function setConfig(key: string, value: string, stack: string = STACK): Promise<void> {
  await pulumiOk(["config", "set", "--stack", stack, key, value]);
}

/** Removes the stack, its state and its Pulumi.<stack>.yaml; a missing stack is fine. */
export async function removeStack(stack: string = STACK): Promise<void> {
  await pulumi(["stack", "rm", stack, "--yes", "--force", "--non-interactive"]);
  fs.rmSync(stackFile(stack), { force: true });
}

export function up(extra: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return pulumi(
    ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK, ...extra],
    opts,
  );
}

export async function outputs(): Promise<Record<string, unknown>> {
  const r = await pulumiOk(["stack", "output", "--json", "--show-secrets", "--stack", STACK]);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly serialNumber: string;
  readonly fingerprintSha256: string;
  readonly notAfter: string;
}

export async function certificatesOutput(): Promise<Record<string, CertificateSummary>> {
  return (await outputs()).certificates as Record<string, CertificateSummary>;
}

interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly outputs?: Record<string, unknown>;
}

/**
 * The certificates as they are in the stack's state: logical name → certPem (tls resources only),
 * so a test can tell whether a rerun reused them.
 */
export async function stateCertificates(): Promise<Record<string, string>> {
  const r = await pulumiOk(["stack", "export", "--show-secrets", "--stack", STACK]);
  const state = JSON.parse(r.stdout) as { deployment: { resources?: StateResource[] } };
  const certs: Record<string, string> = {};
  for (const res of state.deployment.resources ?? []) {
    if (
      res.type !== "tls:index/selfSignedCert:SelfSignedCert" &&
      res.type !== "tls:index/locallySignedCert:LocallySignedCert"
    )
      continue;
    const pem = res.outputs?.certPem;
    if (typeof pem === "string") certs[res.urn.split("::").pop()!] = pem;
  }
  return certs;
}

/**
 * A secret as `stack export --show-secrets` prints it: `{"4dabf…": "1b47…", "plaintext": <the
 * value, JSON-encoded>}`; anything else as it is.
 */
function revealed(v: unknown): unknown {
  if (typeof v === "object" && v !== null && "plaintext" in v) {
    const p = (v as { plaintext: unknown }).plaintext;
    return typeof p === "string" ? (JSON.parse(p) as unknown) : p;
  }
  return v;
}

/** The private keys in the stack's state (tls PrivateKey resources): logical name → PEM. */
export async function stateKeys(): Promise<Record<string, string>> {
  const r = await pulumiOk(["stack", "export", "--show-secrets", "--stack", STACK]);
  const state = JSON.parse(r.stdout) as { deployment: { resources?: StateResource[] } };
  const keys: Record<string, string> = {};
  for (const res of state.deployment.resources ?? []) {
    const pem = revealed(res.outputs?.privateKeyPem);
    if (res.type === "tls:index/privateKey:PrivateKey" && typeof pem === "string")
      keys[res.urn.split("::").pop()!] = pem;
  }
  if (Object.keys(keys).length === 0) throw new Error("no private key found in the state export");
  return keys;
}

/** The resources a `pulumi preview --json` plans to touch: operation → logical names. */
export async function previewPlan(): Promise<{ code: number; ops: Record<string, string[]> }> {
  const r = await pulumi(["preview", "--json", "--non-interactive", "--stack", STACK]);
  const ops: Record<string, string[]> = {};
  try {
    const j = JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] };
    for (const s of j.steps ?? []) (ops[s.op] ??= []).push(s.urn.split("::").pop()!);
  } catch {
    throw new Error(
      `pulumi preview --json: unreadable output (exit ${r.code})\n${r.stdout}\n${r.stderr}`,
    );
  }
  return { code: r.code, ops };
}
