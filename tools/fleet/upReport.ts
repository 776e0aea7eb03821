// `fleet up`, the pure part: what each cluster's update came to, in lines for the operator.

export type UpOutcome =
  | { readonly stack: string; readonly result: "rotated"; readonly changed: number }
  | {
      readonly stack: string;
      readonly result: "failed";
      readonly step: string;
      readonly log: readonly string[];
    }
  | { readonly stack: string; readonly result: "skipped"; readonly why: string }
  | { readonly stack: string; readonly result: "interrupted" };

/** One line per cluster; a failure adds its step's log, indented. */
export function outcomeLines(o: UpOutcome, rotationId: string): string[] {
  switch (o.result) {
    case "rotated":
      return [`${o.stack}: up to date at rotation ${rotationId} (${o.changed} changed)`];
    case "failed":
      return [`${o.stack}: failed at ${o.step}`, ...o.log.map((l) => `    ${l}`)];
    case "skipped":
      return [`${o.stack}: skipped (${o.why})`];
    case "interrupted":
      return [`${o.stack}: interrupted (Ctrl-C); a rerun resumes where it stopped`];
  }
}

/** The closing line, and the exit code: 0 only when every cluster is up to date. */
export function upSummary(outcomes: readonly UpOutcome[]): { line: string; code: number } {
  const n = (r: UpOutcome["result"]) => outcomes.filter((o) => o.result === r).length;
  const line =
    `fleet up: ${n("rotated")} up to date, ${n("failed")} failed, ${n("skipped")} skipped` +
    (n("interrupted") > 0 ? `, ${n("interrupted")} interrupted` : "");
  return { line, code: n("rotated") === outcomes.length ? 0 : 1 };
}
