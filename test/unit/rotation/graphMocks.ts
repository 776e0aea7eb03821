// Builds the rotation graph under Pulumi mocks and records, for every registration, its type,
// name, inputs (raw, with secret markers kept), dependencies (as names) and secret outputs, so
// tests can read the graph as data.
import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { SecretText, type SshPlan } from "../../../components/config";
import type { ClusterModel } from "../../../components/cluster/model";
import { planFiles, planKubeconfigs } from "../../../components/pki/specs";
import type { RotateConfig } from "../../../components/config";
import {
  buildPlan,
  type PlanStep,
  type RotationArgs,
  type RotationPki,
} from "../../../components/rotation";
import { interceptRegistrations, setUnitMocks } from "../support/pulumiMocks";

/** The marker Pulumi puts on a secret value in serialized inputs. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface Step {
  readonly type: string;
  readonly name: string;
  /** Inputs as serialized: secrets are `{ [SIG_KEY]: SECRET_SIG, value }`. */
  readonly raw: Record<string, unknown>;
  readonly dependsOn: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
}

export function isSecret(v: unknown): boolean {
  return (
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** The value with secret markers removed (recursively). */
export function plain(v: unknown): unknown {
  if (isSecret(v)) return plain((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export const SSH_KEY_MARKER = "SSH-PRIVATE-KEY-MATERIAL";
export const KEY_MARKER = "PRIVATE-KEY-MATERIAL";

/** A stand-in PKI: certificates are plain text, keys secrets; `versions` bumps one identity. */
export function fakePki(versions: Record<string, number> = {}): RotationPki {
  return {
    content: ({ identity, kind }) => {
      const v = versions[identity] ?? 1;
      return kind === "key"
        ? pulumi.secret(
            `-----BEGIN RSA PRIVATE KEY-----\n${KEY_MARKER} ${identity} v${v}\n-----END RSA PRIVATE KEY-----\n`,
          )
        : pulumi.output(
            `-----BEGIN CERTIFICATE-----\n${identity} v${v}\n-----END CERTIFICATE-----\n`,
          );
    },
  };
}

export function sshPlan(cluster: ClusterModel): SshPlan {
  const nodes = [...cluster.masters, ...cluster.agents];
  return {
    user: "azureuser",
    privateKey: new SecretText(
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${SSH_KEY_MARKER}\n-----END OPENSSH PRIVATE KEY-----\n`,
    ),
    jumpHost: { address: cluster.masters[0].ip!, hostKeys: ["ssh-ed25519 AAAAjump"] },
    nodes: Object.fromEntries(
      nodes.map((n) => [
        n.name,
        {
          node: n.name,
          role: n.role,
          address: n.ip ?? n.name,
          hostKeys: [`ssh-ed25519 AAAA${n.name}`],
        },
      ]),
    ),
    verifyHostKeys: true,
    perDialTimeoutSeconds: 15,
    sources: { privateKey: "sshPrivateKeyPath /out/azureuser_rsa", knownHosts: "/out/known_hosts" },
  };
}

export const ROLLOUT: RotateConfig["rollout"] = {
  rebootStrategy: "rolling",
  maxUnavailable: { count: 1 },
  etcdHealthTimeoutSeconds: 300,
  controlPlaneReadyTimeoutSeconds: 1200,
  nodeReadyTimeoutSeconds: 1200,
  rebootTimeoutSeconds: 1200,
};

export interface GraphOptions {
  readonly versions?: Record<string, number>;
  readonly rollout?: Partial<RotateConfig["rollout"]>;
  /** Also the finalize steps (action "finalize"), as the Rotation component adds them. */
  readonly finalize?: boolean;
}

/** The rotation's input for `cluster` with the stand-in PKI and SSH plan. */
export function graphArgs(
  cluster: ClusterModel,
  apiModel: string,
  options: GraphOptions = {},
): RotationArgs {
  return {
    cluster,
    files: planFiles(cluster),
    kubeconfigs: planKubeconfigs(cluster),
    pki: fakePki(options.versions),
    ssh: sshPlan(cluster),
    rollout: { ...ROLLOUT, ...options.rollout },
    rotationId: "r1",
    paths: { apiModel, kubeconfig: "/tmp/out/kubeconfig/kubeconfig.local.json" },
  };
}

/** Registers the whole rotation for `cluster` under fresh mocks; resolves to every step by name. */
export function buildGraph(
  cluster: ClusterModel,
  apiModel: string,
  options: GraphOptions = {},
): Promise<Map<string, Step>> {
  return recordGraph((parent) => {
    const args = graphArgs(cluster, apiModel, options);
    buildPlan(parent, args, options.finalize === true ? "finalize" : "rotate");
  });
}

/** Runs `build` under fresh mocks and resolves to every registration by name. */
export async function recordGraph(
  build: (parent: pulumi.ComponentResource) => void,
): Promise<Map<string, Step>> {
  const steps = new Map<string, Step>();
  const urnToName = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  await setUnitMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }),
    call: (args) => args.inputs,
  });
  interceptRegistrations((req) =>
    steps.set(req.getName(), {
      type: req.getType(),
      name: req.getName(),
      raw: req.getObject().toJavaScript(),
      dependsOn: req.getDependenciesList().map(urnToName),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    }),
  );

  build(new pulumi.ComponentResource("test:index:Parent", "rotation"));
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return steps;
}

/** Every step `name` waits for, directly or through others. */
export function ancestors(steps: Map<string, Step>, name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(steps.get(name)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(steps.get(n)?.dependsOn ?? []));
  }
  return seen;
}

/**
 * The registered graph is exactly the plan: one command per step, each depending on the steps
 * it waits for and those whose id or output its words read.
 */
export function assertRegisteredAsPlanned(g: Map<string, Step>, steps: readonly PlanStep[]): void {
  const commands = [...g.values()].filter((s) => s.type.startsWith("command:"));
  assert.deepStrictEqual(commands.map((s) => s.name).sort(), steps.map((s) => s.id).sort());
  for (const s of steps) {
    const reads = JSON.stringify([s.run, s.triggers]).match(/"(idOf|stdoutOf)":"[^"]+"/g) ?? [];
    const read = reads.map((r) => r.split('":"')[1].slice(0, -1));
    assert.deepStrictEqual(
      [...g.get(s.id)!.dependsOn].sort(),
      [...new Set([...s.waitsFor, ...read])].sort(),
      s.id,
    );
  }
}
