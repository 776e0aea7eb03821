// `fleet up`'s live progress, the pure part: per cluster, the phase and the step the engine last
// started, from its resource events. A step's name is `<phase word>-<node>-<step>`
// (components/rotation), so its first word is its phase; the tls resources are the "keys" phase.
// On a terminal the table is redrawn in place; elsewhere (CI) each phase change is one line.
import { resourceName } from "./events";

interface Row {
  phase: string;
  step: string;
  steps: number;
  result?: string;
}

/** The phase of a resource the engine starts, or undefined for what is not a rotation step. */
export function phaseOf(urn: string): string | undefined {
  // The URN's type is qualified by its parents' (`…Rotation$tls:index/privateKey:PrivateKey`).
  const type = (urn.split("::")[2] ?? "").split("$").pop()!;
  if (type.startsWith("tls:")) return "keys";
  if (type !== "command:remote:Command" && type !== "command:local:Command") return undefined;
  return resourceName(urn).split("-")[0];
}

export class ProgressBoard {
  private readonly rows = new Map<string, Row>();

  constructor(stacks: readonly string[]) {
    for (const s of stacks) this.rows.set(s, { phase: "waiting", step: "", steps: 0 });
  }

  /** A resource started on `stack`; the plain line when its phase changed, else undefined. */
  started(stack: string, urn: string): string | undefined {
    const row = this.rows.get(stack);
    const phase = phaseOf(urn);
    if (row === undefined || phase === undefined) return undefined;
    row.steps++;
    row.step = resourceName(urn);
    if (phase === row.phase) return undefined;
    row.phase = phase;
    return `${stack}: ${phase} (${row.step})`;
  }

  /** The cluster's update ended (`rotated`, `failed`, …). */
  finished(stack: string, result: string): void {
    const row = this.rows.get(stack);
    if (row !== undefined) row.result = result;
  }

  /** The table: one row per cluster, its phase (or result), steps started and the last one. */
  render(): string[] {
    const width = Math.max(7, ...[...this.rows.keys()].map((s) => s.length));
    const line = (a: string, b: string, c: string, d: string) =>
      `${a.padEnd(width)}  ${b.padEnd(15)}  ${c.padStart(5)}  ${d}`;
    return [
      line("cluster", "phase", "steps", "last step"),
      ...[...this.rows].map(([s, r]) => line(s, r.result ?? r.phase, String(r.steps), r.step)),
    ];
  }
}
