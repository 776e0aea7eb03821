// The engine's events, read for the fleet's one-line summaries: which nodes a preview touches and
// reboots, the phases it goes through, and which step an update failed at. Pure: the events are
// collected by preview.ts/up.ts.

export interface StepSeen {
  readonly urn: string;
  readonly op: string;
}

export interface DiagSeen {
  readonly urn?: string;
  readonly severity: string;
  readonly message: string;
}

/** The resource's name: the URN's last `::` part (`preflight-k8s-master-12345678-0-check`). */
export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The node a step is about: its name carries `-<node>-` (components/rotation's step ids). */
export function nodeOf(urn: string, nodes: readonly string[]): string | undefined {
  const name = resourceName(urn);
  return nodes.find((n) => name.includes(`-${n}-`));
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `east: 5 nodes touched, 2 reboots, action rotate, phases preflight → cleanup; 127 create` (span: phaseSpan.ts) */
export function previewLine(
  stack: string,
  action: string,
  nodes: readonly string[],
  steps: readonly StepSeen[],
  ops: Readonly<Record<string, number>>,
  span = "",
): string {
  const changing = steps.filter((s) => s.op !== "same");
  const touched = new Set(changing.map((s) => nodeOf(s.urn, nodes)).filter((n) => n !== undefined));
  const reboots = new Set(
    changing
      .filter((s) => /^reboot-.*-reboot$/.test(resourceName(s.urn)))
      .map((s) => nodeOf(s.urn, nodes)),
  );
  const changes = Object.entries(ops)
    .filter(([op, n]) => op !== "same" && n > 0)
    .map(([op, n]) => `${n} ${op}`);
  const plan = changes.length === 0 ? "no changes" : changes.join(", ");
  const phases = span === "" ? "" : `, phases ${span}`;
  return `${stack}: ${count(touched.size, "node")} touched, ${count(reboots.size, "reboot")}, action ${action}${phases}; ${plan}`;
}

/**
 * The step an update failed at and its log: the first error reported on a resource (not the stack
 * itself), with every error line of that resource; else the first error line at all.
 */
export function failingStep(
  diags: readonly DiagSeen[],
): { step: string; log: string[] } | undefined {
  const errors = diags.filter((d) => d.severity === "error");
  const onStep = errors.find(
    (d) => d.urn !== undefined && !d.urn.includes("::pulumi:pulumi:Stack::"),
  );
  if (onStep?.urn !== undefined) {
    const urn = onStep.urn;
    const log = errors.filter((d) => d.urn === urn).flatMap((d) => d.message.trim().split("\n"));
    return { step: resourceName(urn), log };
  }
  const first = errors[0];
  return first === undefined
    ? undefined
    : { step: "program", log: first.message.trim().split("\n") };
}
