// Where a resource goes on the chart: a step named `<phase>-<node>-<step>` (the rotation's plan,
// components/rotation/planTypes.ts) on the row of the node it is about (`kubelet-<agent>-ready`,
// which polls from master-0, on the agent's), coloured by its phase; the operator's own
// commands (`…-local-…`) and any other resource (the cluster record) on "local"; tls keys and
// certificates on "pki". The stack, providers and component resources are no steps. Pure.

export interface Placement {
  readonly row: string;
  readonly phase: string;
  /** The resource's name (the URN's last part). */
  readonly name: string;
}

export const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

const STEP_NAME = /^([a-z0-9]+)-(.+)-([a-z0-9]+)$/;

/** The row and phase of a resource, or undefined for what is no step of its own. */
export function place(urn: string, type: string, component = false): Placement | undefined {
  if (component || type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:")) {
    return undefined;
  }
  const name = nameOf(urn);
  if (type.startsWith("tls:")) return { row: "pki", phase: "pki", name };
  if (!type.startsWith("command:")) return { row: "local", phase: "record", name };
  const m = STEP_NAME.exec(name);
  if (m === null) return { row: "local", phase: "local", name };
  return { row: m[2], phase: m[1], name };
}

/** Masters, then agents (each by their index), then the operator's machine and the PKI. */
export function orderRows(rows: Iterable<string>): string[] {
  const rank = (r: string) =>
    r === "pki" ? 3 : r === "local" ? 2 : /(^|-)master(-|$)/.test(r) ? 0 : 1;
  return [...new Set(rows)].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true }),
  );
}
