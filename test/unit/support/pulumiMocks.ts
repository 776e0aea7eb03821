// Pulumi mocks that also record each registration's options (replacementTrigger,
// additionalSecretOutputs, dependencies), which MockResourceArgs does not carry.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { FIXTURES } from "./fixtures";

export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly replacementTrigger: unknown;
  readonly additionalSecretOutputs: readonly string[];
}

/** A real certificate (public only) returned as every mocked certPem, so summaries parse. */
export const MOCK_CERT_PEM = fs.readFileSync(path.join(FIXTURES, "certs", "leaf.crt"), "utf8");

/** What the mock monitor's registerResource receives (the fields the tests read). */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getDependenciesList(): string[];
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getAdditionalsecretoutputsList(): string[];
}

/**
 * Calls `record` with every registration request the installed mocks receive, before the mock
 * monitor handles it. Call after `setMocks`.
 */
export function interceptRegistrations(record: (req: RegisterRequest) => void): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    // Never let recording break registration: a throw here would hang every Output silently.
    try {
      record(req);
    } catch (err) {
      console.error("pulumiMocks: could not record a registration:", err);
    }
    return original(req, cb);
  };
}

/**
 * The mocks claim hook support but run no callback server for it: registering the steps' error
 * hook (components/remote/failure.ts) would wait forever. Registration is stubbed; under mocks
 * nothing fails, so no hook is ever called.
 */
function stubHookRegistration(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal store
  const state = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { callbacks?: unknown };
  };
  state.getStore().callbacks = {
    registerErrorHook: () => Promise.resolve(),
    registerResourceHook: () => Promise.resolve(),
    // Every registration waits for these once a callback server exists.
    awaitStackRegistrations: () => Promise.resolve(),
    shutdown: () => undefined,
  };
}

/**
 * Installs `mocks` for the aks-rotate-certs project's unit stack, with hook registration stubbed.
 * Every unit test sets its mocks here: the stub outlives setMocks (it is kept in the SDK's store),
 * so mocks set without it worked only after another test file had installed it, and alone the
 * first step (each carries the error hook) waited forever for a callback server.
 * @param preview run as `pulumi preview` (isDryRun) rather than as the update of `pulumi up`
 */
export async function setUnitMocks(mocks: pulumi.runtime.Mocks, preview = false): Promise<void> {
  await pulumi.runtime.setMocks(
    mocks,
    "aks-rotate-certs",
    "unit",
    preview,
    // The file backend's organization: the program names its own stack with it (pluginSet.ts).
    "organization",
  );
  stubHookRegistration();
}

/**
 * Installs fresh mocks and returns the live list of registrations.
 * @param preview run as `pulumi preview` (isDryRun) rather than as the update of `pulumi up`
 */
export async function installMocks(preview = false): Promise<Registration[]> {
  const registrations: Registration[] = [];
  const pending = new Map<string, Omit<Registration, "inputs">>();
  await setUnitMocks(
    {
      newResource(args) {
        const meta = pending.get(`${args.type}::${args.name}`);
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          replacementTrigger: meta?.replacementTrigger,
          additionalSecretOutputs: meta?.additionalSecretOutputs ?? [],
        });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "tls:index/privateKey:PrivateKey") {
          state.privateKeyPem = `-----BEGIN RSA PRIVATE KEY-----\nmock ${args.name}\n-----END RSA PRIVATE KEY-----\n`;
          state.publicKeyFingerprintSha256 = `SHA256:mock-${args.name}`;
        }
        if (args.type === "tls:index/certRequest:CertRequest") {
          state.certRequestPem = `mock csr ${args.name}`;
        }
        if (args.type.endsWith("SelfSignedCert") || args.type.endsWith("LocallySignedCert")) {
          state.certPem = MOCK_CERT_PEM;
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    preview,
  );
  interceptRegistrations((req) =>
    pending.set(`${req.getType()}::${req.getName()}`, {
      type: req.getType(),
      name: req.getName(),
      replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    }),
  );
  return registrations;
}

/** The value of an Output, for assertions. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
