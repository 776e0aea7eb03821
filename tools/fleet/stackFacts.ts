// What the backend and the cluster folder say about one stack, for `fleet status`: read through
// the Automation API (config, outputs, history, a preview) and loadCluster.
import type { Stack } from "@pulumi/pulumi/automation";
import { loadCluster } from "../../components/cluster";
import type { StackFacts } from "./statusRow";
import { stackConfig } from "./workspace";

/** A failed CLI call in one line: its first `error:` line, else its message's first line. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = /^\s*error: (.*)$/m.exec(text)?.[1] ?? text.split("\n")[0];
  return line.trim();
}

function clusterOf(apiModel: string | undefined) {
  if (apiModel === undefined) return {};
  const c = loadCluster({ apiModel });
  return {
    cluster: { dnsPrefix: c.dnsPrefix, masters: c.masters.length, agents: c.agents.length },
    apimodelCertificates: c.currentCertificates,
  };
}

/** The stack's outputs that are not secret, as plain values. */
async function plainOutputs(stack: Stack): Promise<Record<string, unknown>> {
  const out = await stack.outputs();
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, v]) => !v.secret)
      .map(([k, v]) => [k, v.value]),
  );
}

async function history(stack: Stack): Promise<StackFacts["history"]> {
  const project = (await stack.workspace.projectSettings()).name;
  return (await stack.history(undefined, undefined, false)).map((h) => ({
    kind: h.kind,
    result: h.result,
    endTime: h.endTime ? new Date(h.endTime).toISOString() : undefined,
    rotationId: h.config?.[`${project}:rotationId`]?.value,
  }));
}

async function preview(stack: Stack): Promise<StackFacts["preview"]> {
  try {
    return { ops: (await stack.preview()).changeSummary as Record<string, number> };
  } catch (err) {
    return { error: errorLine(err) };
  }
}

/** Everything status shows about the stack; what cannot be read becomes its error. */
export async function stackFacts(stack: Stack, withPreview: boolean): Promise<StackFacts> {
  const base = { stack: stack.name, outputs: {}, history: [] };
  try {
    const config = await stackConfig(stack);
    return {
      ...base,
      ...clusterOf(config.apiModel),
      configuredRotationId: config.rotationId,
      outputs: await plainOutputs(stack),
      history: await history(stack),
      preview: withPreview ? await preview(stack) : undefined,
    };
  } catch (err) {
    return { ...base, error: errorLine(err) };
  }
}
